/** RFC 6902 JSON patch as Kustomize applies it. */
import fjp from 'fast-json-patch';
import { TrueupError } from '../../api/errors.js';
import type { JsonValue, KubeObject } from '../../api/object.js';

/** RFC 6902 ops as Kustomize applies them; errors name `where` and the failing op. */
export function applyJson6902(target: KubeObject, ops: readonly JsonValue[], where: string): KubeObject {
  try {
    const doc = structuredClone(target);
    return fjp.applyPatch(doc, ops as unknown as fjp.Operation[], true, true).newDocument;
  } catch (err) {
    throw new TrueupError('RENDER_PATCH_FAILED', `${where}: ${(err as Error).message}`, { cause: err });
  }
}
