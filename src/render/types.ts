/**
 * The renderer's internal model: a resource is a Kubernetes object plus the history of the ids it
 * had (names change under prefixes, suffixes, namespaces and hash suffixes), which name-reference
 * fix-up, patches and selectors need.
 */
import type { JsonObject, JsonValue, KubeObject } from '../api/object.js';

export interface ResId {
  group: string;
  version: string;
  kind: string;
  name: string;
  namespace: string;
}

/** How a generated ConfigMap/Secret behaves against one of the same id from a lower layer. */
export type GeneratorBehavior = 'create' | 'merge' | 'replace';

export interface Resource {
  obj: KubeObject;
  /** Ids this resource had before its current one, oldest first. */
  prev: ResId[];
  /** Set on generated ConfigMaps/Secrets: whether the content-hash suffix is still to be added. */
  hashSuffix?: boolean;
  /** Generator behavior, only while a generated resource is being merged into a layer. */
  behavior?: GeneratorBehavior;
  /** Where it came from, for messages. */
  source: string;
  /** Where it came from (tree-relative): a file, or the kustomization and generator that made it. */
  origin?: { path: string } | ConfiguredBy;
  /** Built-in transformers run over it: the kustomization or plugin config that configured each. */
  transformations?: ConfiguredBy[];
  /** namePrefix / nameSuffix values applied to it, innermost first. */
  prefixes?: string[];
  suffixes?: string[];
}

/**
 * A builtin generator or transformer: where it was configured (a kustomization, or a plugin
 * config's file) and its kind; a plugin config's metadata name/namespace when it has them.
 */
export interface ConfiguredBy {
  configuredIn: string;
  kind: string;
  name?: string;
  namespace?: string;
}

export function splitApiVersion(apiVersion: string | undefined): { group: string; version: string } {
  if (typeof apiVersion !== 'string') return { group: '', version: '' };
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function idOf(obj: KubeObject): ResId {
  const { group, version } = splitApiVersion(obj.apiVersion);
  return {
    group,
    version,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    namespace: obj.metadata.namespace ?? '',
  };
}

export function curId(r: Resource): ResId {
  return idOf(r.obj);
}

export function orgId(r: Resource): ResId {
  return r.prev[0] ?? idOf(r.obj);
}

/** Current id first, then the earlier ones, newest first. */
export function allIds(r: Resource): ResId[] {
  const out = [idOf(r.obj)];
  for (let i = r.prev.length - 1; i >= 0; i--) out.push(r.prev[i]!);
  return out;
}

export function nsEquals(a: string, b: string): boolean {
  return (a || 'default') === (b || 'default');
}

export function sameId(a: ResId, b: ResId): boolean {
  return (
    a.group === b.group &&
    a.version === b.version &&
    a.kind === b.kind &&
    a.name === b.name &&
    nsEquals(a.namespace, b.namespace)
  );
}

/** Kind.group/version ns/name, the form errors use. */
export function describeId(id: ResId): string {
  const gvk = `${id.kind}.${id.version}${id.group ? `.${id.group}` : ''}`;
  return `${gvk} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
}

/** Records the current id as a previous one (call before changing name, namespace or kind). */
export function rememberId(r: Resource): void {
  const id = idOf(r.obj);
  const last = r.prev[r.prev.length - 1];
  if (!last || !sameId(last, id) || last.namespace !== id.namespace) r.prev.push(id);
}

export function isObject(v: JsonValue | undefined | unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A copy of JSON data (plain objects, arrays, scalars), as structuredClone makes of it but without
 * its serialisation round trip: copying objects is a large part of a render's time.
 */
export function deepCopy<T extends JsonValue | KubeObject>(v: T): T {
  return copyJson(v) as T;
}

function copyJson(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyJson(v[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const value = copyJson((v as Record<string, unknown>)[k]);
    // a `__proto__` key from YAML is data: an assignment would set the prototype instead
    if (k === '__proto__')
      Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    else out[k] = value;
  }
  return out;
}
