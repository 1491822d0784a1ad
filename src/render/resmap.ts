/** An ordered set of resources keyed by current id; adding a second of an id is an error. */
import { RenderErrorCode, renderError } from './errors.js';
import { allIds, curId, describeId, nsEquals, type ResId, type Resource } from './types.js';

/**
 * The key of a resource's current id (group, version, kind, namespace, name), read from the
 * object without building the id: `group/version` is the apiVersion itself when it has a group,
 * the version alone when it has none (an apiVersion `/v1` splits as `v1`, as splitApiVersion does).
 */
function objectKey(r: Resource): string {
  const o = r.obj;
  const av = o.apiVersion;
  const gv = typeof av !== 'string' ? '' : av.charCodeAt(0) === 0x2f ? av.slice(1) : av;
  return `${gv}|${o.kind}|${o.metadata.namespace || 'default'}|${o.metadata.name ?? ''}`;
}

export class ResMap {
  list: Resource[] = [];
  /** Keys of the current ids; dropped whenever ids may have changed (see invalidate). */
  private keys: Set<string> | undefined;

  constructor(private readonly maxResources: number) {}

  /** Call after anything that may rename objects (transformers, patches). */
  invalidate(): void {
    this.keys = undefined;
  }

  private index(): Set<string> {
    this.keys ??= new Set(this.list.map(objectKey));
    return this.keys;
  }

  private duplicate(r: Resource, k: string, where: string): never {
    const o = this.list.find((x) => objectKey(x) === k);
    throw renderError(
      RenderErrorCode.DuplicateId,
      `${where}: may not add resource with an already registered id: ${describeId(curId(r))} (from ${r.source}${
        o ? `; already from ${o.source}` : ''
      })`,
    );
  }

  append(r: Resource, where: string): void {
    this.appendAll([r], where);
  }

  appendAll(rs: readonly Resource[], where: string): void {
    const seen = this.index();
    for (const r of rs) {
      const k = objectKey(r);
      if (seen.has(k)) this.duplicate(r, k, where);
      seen.add(k);
      this.list.push(r);
    }
    this.checkSize(where);
  }

  private checkSize(where: string): void {
    if (this.list.length > this.maxResources)
      throw renderError(RenderErrorCode.TooLarge, `${where}: more than ${this.maxResources} resources`);
  }

  remove(r: Resource): void {
    const i = this.list.indexOf(r);
    if (i >= 0) this.list.splice(i, 1);
    this.keys = undefined;
  }
  /** Resources any of whose ids (current or earlier) satisfies `match`. */
  byAnyId(match: (id: ResId) => boolean): Resource[] {
    return this.list.filter((r) => allIds(r).some(match));
  }

  /** Same group/kind/name (version when given) and namespace on any id. */
  findLike(id: ResId): Resource[] {
    return this.byAnyId(
      (o) =>
        o.kind === id.kind &&
        o.name === id.name &&
        o.group === id.group &&
        (!id.version || !o.version || o.version === id.version) &&
        nsEquals(o.namespace, id.namespace),
    );
  }
}
