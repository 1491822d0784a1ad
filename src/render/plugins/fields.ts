/**
 * Reading the fields of a builtin plugin config. Kustomize's builtin plugins unmarshal their
 * config with sigs.k8s.io/yaml (not strictly: an unknown field is ignored, as `kubectl kustomize`
 * does), so only the fields a plugin reads are looked at here; a field of the wrong type is an
 * error naming the config.
 */
import type { JsonObject, JsonValue } from '../../api/object.js';
import { RenderErrorCode, renderError } from '../errors.js';
import { FieldReader } from '../field-reader.js';
import type { FieldSpec } from '../fieldspec.js';
import type { Selector } from '../kustomization.js';
import { isObject } from '../types.js';

export class ConfigFields extends FieldReader {
  /** `where` names the config in messages: its file and kind/name. */
  constructor(
    readonly obj: JsonObject,
    readonly where: string,
  ) {
    super();
  }

  fail(message: string): never {
    throw renderError(RenderErrorCode.InvalidKustomization, `${this.where}: ${message}`);
  }

  int(v: JsonValue | undefined, field: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(`${field} must be an integer`);
    return v;
  }

  list(v: JsonValue | undefined, field: string): JsonValue[] | undefined {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) this.fail(`${field} must be a list`);
    return v;
  }

  strList(v: JsonValue | undefined, field: string): string[] | undefined {
    const l = this.list(v, field);
    return l && this.strItems(l, field);
  }

  strMap(v: JsonValue | undefined, field: string): Record<string, string> | undefined {
    const m = this.map(v, field);
    return m && this.strValues(m, field);
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
    return m && this.selectorOf(m, field);
  }
}
