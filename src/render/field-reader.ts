/**
 * Typed reads of the fields of a parsed YAML mapping (a kustomization, a builtin plugin config):
 * each read returns the value or fails with a message naming the field. Subclasses decide how
 * a failure names the file it is about.
 */
import type { JsonObject, JsonValue } from '../api/object.js';
import type { Selector } from './kustomization.js';
import { isObject } from './types.js';

const SELECTOR_KEYS = [
  'group',
  'version',
  'kind',
  'name',
  'namespace',
  'labelSelector',
  'annotationSelector',
] as const;

export abstract class FieldReader {
  abstract fail(message: string): never;

  /** A string field; numbers and booleans are refused (sigs.k8s.io/yaml refuses them too). */
  str(v: JsonValue | undefined, field: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') this.fail(`${field} must be a string`);
    return v;
  }

  bool(v: JsonValue | undefined, field: string): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') this.fail(`${field} must be true or false`);
    return v;
  }

  map(v: JsonValue | undefined, field: string): JsonObject | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) this.fail(`${field} must be a mapping`);
    return v;
  }

  /** Every item of a list must be a string. */
  strItems(l: readonly JsonValue[], field: string): string[] {
    return l.map((x, i) => {
      if (typeof x !== 'string') this.fail(`${field}[${i}] must be a string`);
      return x;
    });
  }

  /** Every value of a mapping must be a string; null reads as '' (as Kustomize's maps do). */
  strValues(m: JsonObject, field: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(m)) {
      if (x === null) out[k] = '';
      else if (typeof x !== 'string') this.fail(`${field}.${k} must be a string (quote it)`);
      else out[k] = x;
    }
    return out;
  }

  /** The resource selector of patches and replacements; `only` refuses other keys first. */
  selectorOf(m: JsonObject, field: string): Selector {
    const out: Selector = {};
    for (const k of SELECTOR_KEYS) {
      const s = this.str(m[k], `${field}.${k}`);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }

  static readonly selectorKeys: readonly string[] = SELECTOR_KEYS;
}
