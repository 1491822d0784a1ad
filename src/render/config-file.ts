/** `configurations:` files: extra field specs for the built-in transformers (as Kustomize's transformer configs). */
import type { JsonValue } from '../api/object.js';
import type { NameRefEntry, TransformerConfig } from './config.js';
import { RenderErrorCode, renderError } from './errors.js';
import type { FieldSpec } from './fieldspec.js';
import { isObject } from './types.js';

const SPEC_KEYS = [
  'namePrefix',
  'nameSuffix',
  'namespace',
  'commonLabels',
  'templateLabels',
  'commonAnnotations',
  'varReference',
  'images',
  'replicas',
] as const;

function fieldSpec(v: JsonValue, where: string): FieldSpec {
  if (!isObject(v) || typeof v.path !== 'string')
    throw renderError(RenderErrorCode.InvalidKustomization, `${where}: a field spec needs a path`);
  const s: FieldSpec = { path: v.path };
  for (const k of ['group', 'version', 'kind'] as const) if (typeof v[k] === 'string') s[k] = v[k];
  if (v.create === true) s.create = true;
  return s;
}

export function parseConfigFile(doc: JsonValue, file: string): Partial<TransformerConfig> {
  if (doc === null) return {};
  if (!isObject(doc))
    throw renderError(RenderErrorCode.InvalidKustomization, `${file}: a configuration must be a mapping`);
  const out: Partial<TransformerConfig> = {};
  for (const key of Object.keys(doc)) {
    const v = doc[key];
    if (key === 'nameReference') {
      if (!Array.isArray(v)) continue;
      out.nameReference = v.map((e): NameRefEntry => {
        if (!isObject(e) || typeof e.kind !== 'string')
          throw renderError(
            RenderErrorCode.InvalidKustomization,
            `${file}: nameReference entries need a kind`,
          );
        const entry: NameRefEntry = {
          kind: e.kind,
          fieldSpecs: Array.isArray(e.fieldSpecs) ? e.fieldSpecs.map((s) => fieldSpec(s, file)) : [],
        };
        if (typeof e.group === 'string') entry.group = e.group;
        if (typeof e.version === 'string') entry.version = e.version;
        return entry;
      });
    } else if ((SPEC_KEYS as readonly string[]).includes(key)) {
      if (Array.isArray(v)) out[key as (typeof SPEC_KEYS)[number]] = v.map((s) => fieldSpec(s, file));
    } else if (key !== 'apiVersion' && key !== 'kind' && key !== 'metadata') {
      throw renderError(
        RenderErrorCode.InvalidKustomization,
        `${file}: unknown transformer configuration "${key}"`,
      );
    }
  }
  return out;
}
