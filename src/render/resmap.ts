/** An ordered set of resources keyed by current id; adding a second of an id is an error. */
import { RenderErrorCode, renderError } from './errors.js';
import { allIds, curId, describeId, nsEquals, type ResId, type Resource } from './types.js';

function key(id: ResId): string {
  return `${id.group}|${id.version}|${id.kind}|${id.namespace || 'default'}|${id.name}`;
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
    this.keys ??= new Set(this.list.map((r) => key(curId(r))));
    return this.keys;
  }

  private duplicate(r: Resource, k: string, where: string): never {
    const o = this.list.find((x) => key(curId(x)) === k);
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
      const k = key(curId(r));
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
