/** The typed reads of a kustomization's fields, failing with the file and the field named. */
import type { JsonObject, JsonValue } from '../api/object.js';
import { RenderErrorCode, renderError } from './errors.js';
import { FieldReader } from './field-reader.js';
import type { GeneratorArgs, GeneratorOptions, PatchEntry, Selector } from './kustomization.js';
import { isObject } from './types.js';

export class KustomizationFields extends FieldReader {
  constructor(readonly file: string) {
    super();
  }

  fail(message: string): never {
    throw renderError(
      RenderErrorCode.InvalidKustomization,
      `${this.file}: invalid kustomization: ${message}`,
    );
  }

  strList(v: JsonValue | undefined, field: string): string[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(`${field} must be a list of strings`);
    return this.strItems(v, field);
  }

  strMap(v: JsonValue | undefined, field: string): Record<string, string> | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) this.fail(`${field} must be a map of strings`);
    return this.strValues(v, field);
  }

  objList(v: JsonValue | undefined, field: string): JsonObject[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(`${field} must be a list`);
    return v.map((x, i) => {
      if (!isObject(x)) this.fail(`${field}[${i}] must be a mapping`);
      return x;
    });
  }

  only(o: JsonObject, field: string, keys: readonly string[]): void {
    for (const k of Object.keys(o)) if (!keys.includes(k)) this.fail(`unknown field "${k}" in ${field}`);
  }

  selector(v: JsonValue | undefined, field: string): Selector | undefined {
    const m = this.map(v, field);
    if (!m) return undefined;
    this.only(m, field, FieldReader.selectorKeys);
    return this.selectorOf(m, field);
  }

  genOptions(v: JsonValue | undefined, field: string): GeneratorOptions | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) this.fail(`${field} must be a mapping`);
    this.only(v, field, ['labels', 'annotations', 'disableNameSuffixHash', 'immutable']);
    const out: GeneratorOptions = {};
    const labels = this.strMap(v.labels, `${field}.labels`);
    if (labels) out.labels = labels;
    const annotations = this.strMap(v.annotations, `${field}.annotations`);
    if (annotations) out.annotations = annotations;
    const d = this.bool(v.disableNameSuffixHash, `${field}.disableNameSuffixHash`);
    if (d !== undefined) out.disableNameSuffixHash = d;
    const im = this.bool(v.immutable, `${field}.immutable`);
    if (im !== undefined) out.immutable = im;
    return out;
  }

  generators(v: JsonValue | undefined, field: string, secret: boolean): GeneratorArgs[] {
    return this.objList(v, field).map((g, i) => {
      const f = `${field}[${i}]`;
      this.only(g, f, [
        'name',
        'namespace',
        'behavior',
        'literals',
        'files',
        'envs',
        'env',
        'options',
        ...(secret ? ['type'] : []),
      ]);
      const out: GeneratorArgs = {};
      for (const k of ['name', 'namespace', 'behavior', 'env', 'type'] as const) {
        const s = this.str(g[k], `${f}.${k}`);
        if (s !== undefined) out[k] = s;
      }
      for (const k of ['literals', 'files', 'envs'] as const) {
        if (g[k] !== undefined && g[k] !== null) out[k] = this.strList(g[k], `${f}.${k}`);
      }
      const o = this.genOptions(g.options, `${f}.options`);
      if (o) out.options = o;
      if (out.behavior !== undefined && !['create', 'merge', 'replace', ''].includes(out.behavior))
        this.fail(`${f}.behavior must be create, merge or replace`);
      return out;
    });
  }

  patches(v: JsonValue | undefined, field: string): PatchEntry[] {
    return this.objList(v, field).map((p, i) => {
      const f = `${field}[${i}]`;
      this.only(p, f, ['path', 'patch', 'target', 'options']);
      const out: PatchEntry = {};
      const path = this.str(p.path, `${f}.path`);
      if (path !== undefined) out.path = path;
      const patch = this.str(p.patch, `${f}.patch`);
      if (patch !== undefined) out.patch = patch;
      const target = this.selector(p.target, `${f}.target`);
      if (target) out.target = target;
      if (isObject(p.options)) {
        out.options = {};
        const n = this.bool(p.options.allowNameChange, `${f}.options.allowNameChange`);
        if (n !== undefined) out.options.allowNameChange = n;
        const k = this.bool(p.options.allowKindChange, `${f}.options.allowKindChange`);
        if (k !== undefined) out.options.allowKindChange = k;
      }
      return out;
    });
  }
}
