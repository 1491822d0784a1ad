/**
 * The builtin transformers as plugin configs. Each maps its config fields onto the same code the
 * kustomization fields use (patches, replacements, labels, images, ...), acting only where the
 * config's own `fieldSpecs` say (Kustomize gives a plugin config no default field specs). Paths in
 * a config are relative to the kustomization's root and go through the load restrictor there.
 */
import type { JsonObject, JsonValue } from '../../api/object.js';
import { type FieldSpec, specSelects, visitSpecs } from '../fieldspec.js';
import { contentHash } from '../generators/hash.js';
import type { ImageEntry, Kustomization, PatchEntry } from '../kustomization.js';
import type { Loader } from '../loader.js';
import type { StrategicMergeOptions } from '../patch/strategic-merge.js';
import { applyReplacements } from '../replacements.js';
import type { ResMap } from '../resmap.js';
import { parseDocs } from '../resources.js';
import { applyImages } from '../transformers/images.js';
import { applyPairs, nonStringKey } from '../transformers/labels.js';
import { applyPatches, applyPatchesJson6902, applyPatchesStrategicMerge } from '../transformers/patches.js';
import { allIds, isObject, orgId, type Resource, rememberId } from '../types.js';
import { confinedFile, type PluginConfig } from './configs.js';
import { ConfigFields } from './fields.js';
import { applyNamespaceArgs, applyValueAdd, namespaceArgs } from './namespace.js';

export interface PluginRun {
  loader: Loader;
  k: Kustomization;
  /** The build's strategic-merge schema state (shared with the kustomization fields). */
  state: { smp: StrategicMergeOptions; schemaUsed?: boolean };
}

/** A copy of the kustomization that carries one plugin's settings and names the config in messages. */
function shim(run: PluginRun, c: PluginConfig, fields: Partial<Kustomization>): Kustomization {
  return {
    ...run.k,
    file: c.where,
    patches: [],
    patchesStrategicMerge: [],
    patchesJson6902: [],
    replacements: [],
    ...fields,
  };
}

function requiredSpecs(f: ConfigFields): FieldSpec[] {
  const specs = f.fieldSpecs(f.obj.fieldSpecs);
  if (specs === undefined) f.fail('fieldSpecs is not expected to be nil');
  return specs;
}

const SKIP_RENAME: readonly { group?: string; kind: string }[] = [
  { kind: 'CustomResourceDefinition' },
  { group: 'apiregistration.k8s.io', kind: 'APIService' },
  { kind: 'Namespace' },
];

/**
 * PrefixSuffixTransformer / PrefixTransformer / SuffixTransformer: as Kustomize's, specs select by
 * the object's original id, and only a `metadata/name` spec renames (and records the affix).
 */
function applyAffixes(m: ResMap, prefix: string, suffix: string, specs: readonly FieldSpec[]): void {
  for (const r of m.list) {
    const org = orgId(r);
    if (SKIP_RENAME.some((s) => s.kind === org.kind && (s.group === undefined || s.group === org.group)))
      continue;
    for (const spec of specs) {
      if (!specSelects(spec, org)) continue;
      if (spec.path === 'metadata/name') {
        if (prefix) r.prefixes = [...(r.prefixes ?? []), prefix];
        if (suffix) r.suffixes = [...(r.suffixes ?? []), suffix];
        if (prefix || suffix) rememberId(r);
      }
      const { group: _g, version: _v, kind: _k, ...pathOnly } = spec;
      visitSpecs(r.obj as unknown as JsonObject, org, [pathOnly], (parent, key) => {
        const v = parent[key];
        if (typeof v === 'string') parent[key] = prefix + v + suffix;
      });
    }
  }
  m.invalidate();
}

function pairs(f: ConfigFields, field: 'labels' | 'annotations'): Record<string, string> {
  const p = f.strMap(f.obj[field], field) ?? {};
  const bad = nonStringKey(Object.keys(p));
  if (bad !== undefined)
    f.fail(
      `${field}: key ${JSON.stringify(bad)} would not be a string in the output (Kustomize fails on it)`,
    );
  return p;
}

function applyReplicaCount(f: ConfigFields, m: ResMap): void {
  const rep = f.map(f.obj.replica, 'replica') ?? {};
  const name = f.str(rep.name, 'replica.name') ?? '';
  const count = f.int(rep.count, 'replica.count') ?? 0;
  const specs = f.fieldSpecs(f.obj.fieldSpecs) ?? [];
  let found = false;
  for (const spec of specs) {
    const hits = m.list.filter((r) => allIds(r).some((id) => id.name === name && specSelects(spec, id)));
    if (hits.length) found = true;
    for (const r of hits)
      visitSpecs(r.obj as unknown as JsonObject, allIds(r)[0]!, [spec], (parent, key) => {
        const v = parent[key];
        if (isObject(v) && Object.keys(v).length > 0) f.fail(`${key} is a mapping, not a replica count`);
        parent[key] = count;
      });
  }
  if (!found)
    f.fail(
      `resource with name ${name} does not match a config with the following GVK [${specs.map((s) => s.kind ?? '').join(' ')}]`,
    );
}

function imageTag(f: ConfigFields): ImageEntry {
  const t = f.map(f.obj.imageTag, 'imageTag') ?? {};
  const entry: ImageEntry = { name: f.str(t.name, 'imageTag.name') ?? '' };
  for (const k of ['newName', 'newTag', 'digest', 'tagSuffix'] as const) {
    const s = f.str(t[k], `imageTag.${k}`);
    if (s !== undefined) entry[k] = s;
  }
  return entry;
}

function patchEntry(f: ConfigFields): PatchEntry {
  const p: PatchEntry = {};
  const path = f.str(f.obj.path, 'path')?.trim();
  const patch = f.str(f.obj.patch, 'patch')?.trim();
  if (!path && !patch) f.fail('must specify one of patch and path');
  if (path && patch) f.fail("patch and path can't be set at the same time");
  if (path) p.path = path;
  if (patch) p.patch = patch;
  const target = f.selector(f.obj.target, 'target');
  if (target) p.target = target;
  const o = f.map(f.obj.options, 'options');
  if (o) {
    p.options = {};
    const n = f.bool(o.allowNameChange, 'options.allowNameChange');
    if (n !== undefined) p.options.allowNameChange = n;
    const kc = f.bool(o.allowKindChange, 'options.allowKindChange');
    if (kc !== undefined) p.options.allowKindChange = kc;
  }
  return p;
}

function json6902Entry(f: ConfigFields): PatchEntry {
  const target = f.selector(f.obj.target, 'target');
  if (!target) f.fail('must specify a target for the patch');
  if (!target.name) f.fail('must specify the target name');
  const path = f.str(f.obj.path, 'path');
  const jsonOp = f.str(f.obj.jsonOp, 'jsonOp');
  if (!path && !jsonOp) f.fail('empty file path and empty jsonOp');
  if (path && jsonOp) f.fail('must specify a file path or jsonOp, not both');
  return path ? { target, path } : { target, patch: jsonOp! };
}

function replacementEntries(f: ConfigFields): JsonValue[] {
  const list = f.list(f.obj.replacements, 'replacements') ?? [];
  for (const [i, r] of list.entries()) {
    if (!isObject(r)) f.fail(`replacements[${i}] must be a mapping`);
    if (typeof r.path === 'string' && r.path !== '' && (r.source !== undefined || r.targets !== undefined))
      f.fail(`replacements[${i}]: cannot specify both path and inline replacement`);
  }
  return list;
}

/** Reads a YAML file a config names, relative to the kustomization's root (load restrictor). */
async function readConfigFile(run: PluginRun, c: PluginConfig, rel: string): Promise<JsonValue> {
  const path = await confinedFile(run.loader, run.k.dir, rel, c.where);
  const docs = parseDocs(await run.loader.readText(path, c.where), path, run.loader.limits);
  return docs[0] ?? null;
}

function addHashes(m: ResMap): void {
  // Kustomize's HashTransformer leaves the mark: the build adds a second hash at the end, as kubectl
  for (const r of m.list as Resource[]) {
    if (!r.hashSuffix) continue;
    rememberId(r);
    r.obj.metadata.name = `${r.obj.metadata.name}-${contentHash(r.obj)}`;
  }
  m.invalidate();
}

/** Runs one builtin transformer config over `m`. */
export async function transformWithConfig(run: PluginRun, c: PluginConfig, m: ResMap): Promise<void> {
  const f = new ConfigFields(c.obj as unknown as JsonObject, c.where);
  const o = f.obj;
  const { loader } = run;
  m.invalidate();
  switch (c.obj.kind) {
    case 'PatchTransformer':
      if (await applyPatches(loader, shim(run, c, { patches: [patchEntry(f)] }), m, run.state.smp))
        run.state.schemaUsed = true;
      break;
    case 'PatchStrategicMergeTransformer': {
      const entries = [...(f.strList(o.paths, 'paths') ?? [])];
      const inline = f.str(o.patches, 'patches');
      if (inline?.trim()) entries.push(inline.includes('\n') ? inline : `${inline}\n`);
      if (entries.length === 0) f.fail('empty file path and empty patch content');
      await applyPatchesStrategicMerge(
        loader,
        shim(run, c, { patchesStrategicMerge: entries }),
        m,
        run.state.smp,
      );
      run.state.schemaUsed = true;
      break;
    }
    case 'PatchJson6902Transformer':
      await applyPatchesJson6902(loader, shim(run, c, { patchesJson6902: [json6902Entry(f)] }), m);
      break;
    case 'PrefixSuffixTransformer':
      applyAffixes(m, f.str(o.prefix, 'prefix') ?? '', f.str(o.suffix, 'suffix') ?? '', requiredSpecs(f));
      break;
    case 'PrefixTransformer':
      applyAffixes(m, f.str(o.prefix, 'prefix') ?? '', '', requiredSpecs(f));
      break;
    case 'SuffixTransformer':
      applyAffixes(m, '', f.str(o.suffix, 'suffix') ?? '', requiredSpecs(f));
      break;
    case 'LabelTransformer':
      applyPairs(m, pairs(f, 'labels'), f.fieldSpecs(o.fieldSpecs) ?? []);
      break;
    case 'AnnotationsTransformer':
      applyPairs(m, pairs(f, 'annotations'), f.fieldSpecs(o.fieldSpecs) ?? []);
      break;
    case 'NamespaceTransformer':
      applyNamespaceArgs(m, namespaceArgs(f), c.where);
      break;
    case 'ImageTagTransformer':
      applyImages(m, [imageTag(f)], f.fieldSpecs(o.fieldSpecs) ?? []);
      break;
    case 'ReplicaCountTransformer':
      applyReplicaCount(f, m);
      break;
    case 'ReplacementTransformer':
      await applyReplacements(loader, shim(run, c, { replacements: replacementEntries(f) }), m);
      break;
    case 'HashTransformer':
      addHashes(m);
      break;
    case 'ValueAddTransformer':
      await applyValueAdd(f, m, run.k.dir, (rel) => readConfigFile(run, c, rel));
      break;
    default:
      f.fail(`${c.obj.kind} is not a transformer`);
  }
  m.invalidate();
}
