/**
 * Finding, reading and validating a kustomization file into a typed shape. Unknown fields and
 * wrong types are errors (as in Kustomize); legacy fields are folded into their successors.
 */
import type { JsonObject, JsonValue } from '../api/object.js';
import { RenderErrorCode, renderError } from './errors.js';
import { KustomizationFields } from './kustomization-fields.js';
import type { Loader } from './loader.js';
import { join } from './paths.js';
import { isObject } from './types.js';
import { parseYaml11Documents } from './yaml/parse.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

export type Selector = {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
};

export interface PatchEntry {
  path?: string;
  patch?: string;
  target?: Selector;
  options?: { allowNameChange?: boolean; allowKindChange?: boolean };
}

export interface GeneratorArgs {
  name?: string;
  namespace?: string;
  behavior?: string;
  literals?: string[];
  files?: string[];
  envs?: string[];
  env?: string;
  type?: string;
  options?: GeneratorOptions;
}

export interface GeneratorOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
  immutable?: boolean;
}

export interface LabelEntry {
  pairs: Record<string, string>;
  includeSelectors?: boolean;
  includeTemplates?: boolean;
  fields?: JsonValue[];
}

export interface ImageEntry {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  /** Appended to the tag when neither newTag nor digest is given (the digest is dropped). */
  tagSuffix?: string;
}

export interface Kustomization {
  /** The kustomization file, tree-relative. */
  file: string;
  dir: string;
  kind: 'Kustomization' | 'Component';
  raw: JsonObject;
  resources: string[];
  components: string[];
  crds: string[];
  configurations: string[];
  namespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  commonLabels?: Record<string, string>;
  labels: LabelEntry[];
  commonAnnotations?: Record<string, string>;
  images: ImageEntry[];
  replicas: { name: string; count: number }[];
  patches: PatchEntry[];
  patchesStrategicMerge: string[];
  patchesJson6902: PatchEntry[];
  configMapGenerator: GeneratorArgs[];
  secretGenerator: GeneratorArgs[];
  generatorOptions?: GeneratorOptions;
  replacements: JsonValue[];
  vars: JsonValue[];
  sortOptions?: JsonValue;
  buildMetadata: string[];
}

const KNOWN = new Set([
  'apiVersion',
  'kind',
  'metadata',
  'openapi',
  'namePrefix',
  'nameSuffix',
  'namespace',
  'commonLabels',
  'labels',
  'commonAnnotations',
  'patchesStrategicMerge',
  'patchesJson6902',
  'patches',
  'images',
  'imageTags',
  'replacements',
  'replicas',
  'vars',
  'sortOptions',
  'resources',
  'components',
  'crds',
  'bases',
  'configMapGenerator',
  'secretGenerator',
  'helmGlobals',
  'helmCharts',
  'helmChartInflationGenerator',
  'generatorOptions',
  'configurations',
  'generators',
  'transformers',
  'validators',
  'buildMetadata',
]);

/**
 * Fields that need what the renderer refuses to do (Helm). `generators`, `transformers` and
 * `validators` are read by plugins/configs.ts, which refuses all but Kustomize's builtin plugins.
 */
const REFUSED: Record<string, string> = {
  // The legacy field; helmCharts and helmGlobals are read by helm-charts.ts.
  helmChartInflationGenerator: 'Helm charts in the legacy helmChartInflationGenerator field (use helmCharts)',
};

const CANONICAL = new Map([...KNOWN].map((k) => [k.toLowerCase(), k]));

/** Go's encoding/json matches field names case-insensitively, so Kustomize accepts `nameprefix`. */
function canonicalKeys(doc: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(doc)) out[KNOWN.has(k) ? k : (CANONICAL.get(k.toLowerCase()) ?? k)] = v;
  return out;
}

export async function findKustomizationFile(loader: Loader, dir: string): Promise<string | undefined> {
  let found: string | undefined;
  for (const name of KUSTOMIZATION_FILES) {
    const path = join(dir, name) ?? name;
    const st = await loader.stat(path);
    if (st?.kind !== 'file') continue;
    if (found)
      throw renderError(
        RenderErrorCode.InvalidKustomization,
        `${dir || '.'}: found more than one kustomization file (${found}, ${name}); keep one`,
      );
    found = path;
  }
  return found;
}

/**
 * Kustomize's test: the decoded Kustomization, apiVersion and kind aside, is Go's zero value. A
 * list or mapping counts even when empty (`resources: []` builds); null, "", 0 and false do not.
 */
function isEmptyKustomization(doc: JsonObject): boolean {
  for (const [key, v] of Object.entries(doc)) {
    if (key === 'apiVersion' || key === 'kind') continue;
    if (typeof v === 'object' && v !== null) return false;
    if (v !== null && v !== '' && v !== 0 && v !== false) return false;
  }
  return true;
}

export function parseKustomization(doc: JsonValue, file: string, dir: string): Kustomization {
  const c = new KustomizationFields(file);
  if (doc === null) doc = {};
  if (!isObject(doc)) return c.fail('the file is not a mapping');
  doc = canonicalKeys(doc);
  for (const key of Object.keys(doc)) if (!KNOWN.has(key)) c.fail(`unknown field "${key}"`);
  if (isEmptyKustomization(doc))
    throw renderError(
      RenderErrorCode.InvalidKustomization,
      `${file}: kustomization.yaml is empty (no field besides apiVersion and kind; kubectl kustomize refuses it too)`,
    );
  for (const [key, what] of Object.entries(REFUSED)) {
    const v = doc[key];
    if (
      v === undefined ||
      v === null ||
      (Array.isArray(v) && v.length === 0) ||
      (isObject(v) && Object.keys(v).length === 0)
    )
      continue;
    const first = Array.isArray(v) ? v[0] : v;
    const entry =
      typeof first === 'string'
        ? first.split('\n')[0]!.slice(0, 80)
        : isObject(first) && typeof first.name === 'string'
          ? first.name
          : isObject(first) && isObject(first.metadata) && typeof first.metadata.name === 'string'
            ? first.metadata.name
            : undefined;
    throw renderError(
      RenderErrorCode.Unsupported,
      `${file}: ${key}${entry ? ` entry ${entry}` : ''}: ${what} are not supported by trueup render`,
    );
  }
  const kindField = c.str(doc.kind, 'kind') ?? 'Kustomization';
  if (kindField !== 'Kustomization' && kindField !== 'Component')
    return c.fail(`kind must be Kustomization or Component, not ${kindField}`);
  const apiVersion = c.str(doc.apiVersion, 'apiVersion');
  if (apiVersion && !apiVersion.startsWith('kustomize.config.k8s.io/'))
    c.fail(`apiVersion ${apiVersion} is not a kustomize.config.k8s.io version`);
  const k: Kustomization = {
    file,
    dir,
    kind: kindField,
    raw: doc,
    resources: [...c.strList(doc.resources, 'resources'), ...c.strList(doc.bases, 'bases')],
    components: c.strList(doc.components, 'components'),
    crds: c.strList(doc.crds, 'crds'),
    configurations: c.strList(doc.configurations, 'configurations'),
    labels: [],
    images: [],
    replicas: [],
    patches: c.patches(doc.patches, 'patches'),
    patchesStrategicMerge: c.strList(doc.patchesStrategicMerge, 'patchesStrategicMerge'),
    patchesJson6902: c.patches(doc.patchesJson6902, 'patchesJson6902'),
    configMapGenerator: c.generators(doc.configMapGenerator, 'configMapGenerator', false),
    secretGenerator: c.generators(doc.secretGenerator, 'secretGenerator', true),
    replacements: c.objList(doc.replacements, 'replacements'),
    vars: c.objList(doc.vars, 'vars'),
    buildMetadata: c.strList(doc.buildMetadata, 'buildMetadata'),
  };
  for (const key of ['namespace', 'namePrefix', 'nameSuffix'] as const) {
    const s = c.str(doc[key], key);
    if (s !== undefined) k[key] = s;
  }
  const cl = c.strMap(doc.commonLabels, 'commonLabels');
  if (cl) k.commonLabels = cl;
  const ca = c.strMap(doc.commonAnnotations, 'commonAnnotations');
  if (ca) k.commonAnnotations = ca;
  for (const [i, l] of c.objList(doc.labels, 'labels').entries()) {
    c.only(l, `labels[${i}]`, ['pairs', 'includeSelectors', 'includeTemplates', 'fields']);
    const entry: LabelEntry = { pairs: c.strMap(l.pairs, `labels[${i}].pairs`) ?? {} };
    const s = c.bool(l.includeSelectors, `labels[${i}].includeSelectors`);
    if (s !== undefined) entry.includeSelectors = s;
    const t = c.bool(l.includeTemplates, `labels[${i}].includeTemplates`);
    if (t !== undefined) entry.includeTemplates = t;
    if (Array.isArray(l.fields)) entry.fields = l.fields;
    k.labels.push(entry);
  }
  for (const [i, im] of [
    ...c.objList(doc.images, 'images'),
    ...c.objList(doc.imageTags, 'imageTags'),
  ].entries()) {
    c.only(im, `images[${i}]`, ['name', 'newName', 'newTag', 'digest', 'tagSuffix']);
    const name = c.str(im.name, `images[${i}].name`);
    if (!name) return c.fail(`images[${i}] has no name`);
    const entry: ImageEntry = { name };
    const newName = c.str(im.newName, `images[${i}].newName`);
    if (newName !== undefined) entry.newName = newName;
    const newTag = c.str(im.newTag, `images[${i}].newTag`);
    if (newTag !== undefined) entry.newTag = newTag;
    const digest = c.str(im.digest, `images[${i}].digest`);
    if (digest !== undefined) entry.digest = digest;
    k.images.push(entry);
  }
  for (const [i, r] of c.objList(doc.replicas, 'replicas').entries()) {
    c.only(r, `replicas[${i}]`, ['name', 'count']);
    const name = c.str(r.name, `replicas[${i}].name`);
    if (!name) return c.fail(`replicas[${i}] has no name`);
    if (typeof r.count !== 'number' || !Number.isInteger(r.count))
      return c.fail(`replicas[${i}].count must be an integer`);
    k.replicas.push({ name, count: r.count });
  }
  const go = c.genOptions(doc.generatorOptions, 'generatorOptions');
  if (go) k.generatorOptions = go;
  if (doc.sortOptions !== undefined && doc.sortOptions !== null) k.sortOptions = doc.sortOptions;
  for (const b of k.buildMetadata)
    if (!['originAnnotations', 'transformerAnnotations', 'managedByLabel'].includes(b))
      c.fail(`buildMetadata: unknown option ${b}`);
  return k;
}

export async function loadKustomization(loader: Loader, file: string, dir: string): Promise<Kustomization> {
  const text = await loader.readText(file, file);
  let docs: JsonValue[];
  try {
    // Kustomize reads kustomization files through sigs.k8s.io/yaml: YAML 1.1 scalars
    docs = parseYaml11Documents(text, file, {
      maxAliases: loader.limits.maxYamlAliases,
      maxBytes: loader.limits.maxTotalBytes,
    });
  } catch (err) {
    // Kustomize reads kustomization files with a YAML reader that lets a later duplicate key win.
    if (!(err instanceof Error) || !/duplicate/i.test(err.message)) throw err;
    const jsYaml = (await import('js-yaml')).default;
    docs = jsYaml
      .loadAll(text, undefined, { json: true })
      .filter((d) => d !== null && d !== undefined) as JsonValue[];
  }
  if (docs.length > 1)
    throw renderError(
      RenderErrorCode.InvalidKustomization,
      `${file}: a kustomization file holds one YAML document`,
    );
  return parseKustomization(docs[0] ?? null, file, dir);
}
