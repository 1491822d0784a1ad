/** Strategic merge patch as Kustomize v5.5 applies it. */
import { TrueupError } from '../../api/errors.js';
import type { JsonObject, JsonValue, KubeObject } from '../../api/object.js';

function isObj(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(target: JsonValue | undefined, patch: JsonValue): JsonValue | undefined {
  if (!isObj(patch)) return patch;
  const out: JsonObject = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else {
      const m = merge(out[k], v);
      if (m !== undefined) out[k] = m;
    }
  }
  return out;
}

/** Kustomize v5.5 strategic merge of `patch` into `target`. `$patch: delete` of the whole object returns null. */
export function applyStrategicMerge(target: KubeObject, patch: JsonObject, where: string): KubeObject | null {
  if (patch.$patch === 'delete') return null;
  const out = merge(target as unknown as JsonValue, patch);
  if (!isObj(out)) throw new TrueupError('RENDER_PATCH_FAILED', `${where}: patch is not an object`);
  return out as unknown as KubeObject;
}
