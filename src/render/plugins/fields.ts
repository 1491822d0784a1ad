/**
 * Reading the fields of a builtin plugin config. Kustomize's builtin plugins unmarshal their
 * config with sigs.k8s.io/yaml (not strictly: an unknown field is ignored, as `kubectl kustomize`
 * does), so only the fields a plugin reads are looked at here; a field of the wrong type is an
 * error naming the config.
 */
import type { JsonObject, JsonValue } from '../../api/object.js';
import { RenderErrorCode, renderError } from '../errors.js';
import type { FieldSpec } from '../fieldspec.js';
import type { Selector } from '../kustomization.js';
import { isObject } from '../types.js';

export class ConfigFields {
  /** `where` names the config in messages: its file and kind/name. */
  constructor(
    readonly obj: JsonObject,
    readonly where: string,
  ) {}

  fail(message: string): never {
    throw renderError(RenderErrorCode.InvalidKustomization, `${this.where}: ${message}`);
  }

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

  int(v: JsonValue | undefined, field: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(`${field} must be an integer`);
    return v;
  }

  map(v: JsonValue | undefined, field: string): JsonObject | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) this.fail(`${field} must be a mapping`);
    return v;
  }

  list(v: JsonValue | undefined, field: string): JsonValue[] | undefined {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) this.fail(`${field} must be a list`);
    return v;
  }

  strList(v: JsonValue | undefined, field: string): string[] | undefined {
    const l = this.list(v, field);
    return l?.map((x, i) => {
      if (typeof x !== 'string') this.fail(`${field}[${i}] must be a string`);
      return x;
    });
  }

  strMap(v: JsonValue | undefined, field: string): Record<string, string> | undefined {
    const m = this.map(v, field);
    if (!m) return undefined;
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(m)) {
      if (x === null) out[k] = '';
      else if (typeof x !== 'string') this.fail(`${field}.${k} must be a string (quote it)`);
      else out[k] = x;
    }
    return out;
  }

  /** `fieldSpecs`: where the transformer acts (group/version/kind, path, create). */
  fieldSpecs(v: JsonValue | undefined, field = 'fieldSpecs'): FieldSpec[] | undefined {
    const l = this.list(v, field);
    return l?.map((x, i) => {
      const f = `${field}[${i}]`;
      if (!isObject(x)) this.fail(`${f} must be a mapping`);
      const spec: FieldSpec = { path: this.str(x.path, `${f}.path`) ?? '' };
      for (const k of ['group', 'version', 'kind'] as const) {
        const s = this.str(x[k], `${f}.${k}`);
        if (s !== undefined && s !== '') spec[k] = s;
      }
      if (this.bool(x.create, `${f}.create`)) spec.create = true;
      return spec;
    });
  }

  selector(v: JsonValue | undefined, field: string): Selector | undefined {
    const m = this.map(v, field);
    if (!m) return undefined;
    const out: Selector = {};
    for (const k of [
      'group',
      'version',
      'kind',
      'name',
      'namespace',
      'labelSelector',
      'annotationSelector',
    ] as const) {
      const s = this.str(m[k], `${field}.${k}`);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }
}
