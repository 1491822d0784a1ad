import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

/** A git object as stored: its type and raw content. */
export interface GitObject {
  type: 'commit' | 'tree' | 'blob' | 'tag';
  data: Buffer;
}

const TYPES = [undefined, 'commit', 'tree', 'blob', 'tag', undefined, 'ofs_delta', 'ref_delta'] as const;

/** One pack and its v2 index, loaded into memory. */
class Pack {
  private constructor(
    private readonly idx: Buffer,
    readonly data: Buffer,
    private readonly count: number,
  ) {}

  static async load(packPath: string): Promise<Pack> {
    const idx = await fsp.readFile(packPath.replace(/\.pack$/, '.idx'));
    if (idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) {
      throw new Error(`${packPath}: unsupported pack index version`);
    }
    const data = await fsp.readFile(packPath);
    return new Pack(idx, data, idx.readUInt32BE(8 + 255 * 4));
  }

  /** Ids in this pack starting with a hex prefix (at least 2 digits). */
  withPrefix(prefix: string): string[] {
    const first = Number.parseInt(prefix.slice(0, 2), 16);
    let lo = first === 0 ? 0 : this.idx.readUInt32BE(8 + (first - 1) * 4);
    const hi = this.idx.readUInt32BE(8 + first * 4);
    const names = 8 + 256 * 4;
    const out: string[] = [];
    const low = Buffer.from(prefix.padEnd(40, '0'), 'hex');
    while (lo < hi && this.idx.compare(low, 0, 20, names + lo * 20, names + lo * 20 + 20) < 0) lo++;
    for (let i = lo; i < hi; i++) {
      const oid = this.idx.toString('hex', names + i * 20, names + i * 20 + 20);
      if (!oid.startsWith(prefix)) break;
      out.push(oid);
    }
    return out;
  }

  /** The offset of an object in the pack, by binary search over the sorted ids. */
  offsetOf(oid: Buffer): number | undefined {
    const first = oid[0]!;
    let lo = first === 0 ? 0 : this.idx.readUInt32BE(8 + (first - 1) * 4);
    let hi = this.idx.readUInt32BE(8 + first * 4);
    const names = 8 + 256 * 4;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const cmp = this.idx.compare(oid, 0, 20, names + mid * 20, names + mid * 20 + 20);
      if (cmp === 0) {
        const offsets = names + this.count * 24;
        const off = this.idx.readUInt32BE(offsets + mid * 4);
        if (!(off & 0x80000000)) return off;
        const large = offsets + this.count * 4 + (off & 0x7fffffff) * 8;
        return Number(this.idx.readBigUInt64BE(large));
      }
      if (cmp < 0) lo = mid + 1;
      else hi = mid;
    }
    return undefined;
  }
}

/** A pack being (or done) loading; a failed load is retried at the next listing. */
interface Loading {
  pack: Promise<Pack>;
  failed: boolean;
}

/** Applies a git delta to its base. */
export function applyDelta(delta: Buffer, base: Buffer): Buffer {
  let pos = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = delta[pos++]!;
      value |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  const baseSize = varint();
  if (baseSize !== base.length) throw new Error('delta base size mismatch');
  const out = Buffer.allocUnsafe(varint());
  let at = 0;
  while (pos < delta.length) {
    const op = delta[pos++]!;
    if (op & 0x80) {
      let offset = 0;
      let size = 0;
      for (let i = 0; i < 4; i++) if (op & (1 << i)) offset |= delta[pos++]! << (8 * i);
      for (let i = 0; i < 3; i++) if (op & (0x10 << i)) size |= delta[pos++]! << (8 * i);
      if (size === 0) size = 0x10000;
      base.copy(out, at, offset >>> 0, (offset >>> 0) + size);
      at += size;
    } else if (op > 0) {
      delta.copy(out, at, pos, pos + op);
      at += op;
      pos += op;
    } else throw new Error('invalid delta opcode 0');
  }
  if (at !== out.length) throw new Error('delta result size mismatch');
  return out;
}

/**
 * Reads objects straight from a repository's pack files with node:zlib, caching delta bases.
 * Several times faster than isomorphic-git's reader (pure-JS inflate, a loose-object probe and
 * a directory listing per object); the caller falls back to isomorphic-git when this one
 * does not find an object.
 */
export class PackReader {
  private packs: Promise<Map<string, Loading>> | undefined;
  private readonly bases = new Map<string, GitObject>();
  private baseBytes = 0;

  constructor(
    private readonly gitdir: string,
    private readonly maxBaseBytes = 32 * 1024 * 1024,
  ) {}

  /** Forget the pack list (after a fetch added packs); loaded packs are kept. */
  invalidate(): void {
    const old = this.packs;
    this.packs = (async () => {
      const previous = old ? await old.catch(() => new Map<string, Loading>()) : new Map<string, Loading>();
      return this.list(previous);
    })();
  }

  private async list(previous: Map<string, Loading>): Promise<Map<string, Loading>> {
    const dir = join(this.gitdir, 'objects', 'pack');
    const names = (await fsp.readdir(dir).catch(() => [] as string[]))
      .filter((n) => n.endsWith('.idx'))
      .sort();
    const out = new Map<string, Loading>();
    for (const idx of names) {
      const pack = join(dir, idx.replace(/\.idx$/, '.pack'));
      const known = previous.get(pack);
      if (known && !known.failed) out.set(pack, known);
      else {
        const loading: Loading = { pack: Pack.load(pack), failed: false };
        loading.pack.catch(() => {
          loading.failed = true;
        });
        out.set(pack, loading);
      }
    }
    return out;
  }

  /** True when a pack holds the object. */
  async has(oid: string): Promise<boolean> {
    return (await this.locate(oid)) !== undefined;
  }

  /**
   * The pack holding an object. On a miss the pack list is read again once: another process
   * (or another GitSource on the same cache) may have added a pack.
   */
  private async locate(oid: string): Promise<{ path: string; pack: Pack; offset: number } | undefined> {
    const key = Buffer.from(oid, 'hex');
    for (let attempt = 0; attempt < 2; attempt++) {
      if (attempt === 1) this.invalidate();
      this.packs ??= this.list(new Map());
      for (const [path, loading] of await this.packs) {
        const pack = await loading.pack.catch(() => undefined);
        if (!pack) continue;
        const offset = pack.offsetOf(key);
        if (offset !== undefined) return { path, pack, offset };
      }
    }
    return undefined;
  }

  /** Every id in the packs starting with a hex prefix (for abbreviated commit ids). */
  async expand(prefix: string): Promise<string[]> {
    this.packs ??= this.list(new Map());
    const found = new Set<string>();
    for (const loading of (await this.packs).values()) {
      const pack = await loading.pack.catch(() => undefined);
      for (const oid of pack?.withPrefix(prefix) ?? []) found.add(oid);
    }
    return [...found].sort();
  }

  /** The object, or undefined when no pack holds it. */
  async read(oid: string): Promise<GitObject | undefined> {
    const found = await this.locate(oid);
    return found ? this.readAt(found.path, found.pack, found.offset) : undefined;
  }

  private async readAt(path: string, pack: Pack, offset: number, asBase = false): Promise<GitObject> {
    const cacheKey = `${path}:${offset}`;
    const hit = this.bases.get(cacheKey);
    if (hit) return hit;
    const data = pack.data;
    let pos = offset;
    let byte = data[pos++]!;
    const kind = TYPES[(byte >> 4) & 7];
    let size = byte & 0x0f;
    let shift = 4;
    while (byte & 0x80) {
      byte = data[pos++]!;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    let base: GitObject | undefined;
    if (kind === 'ofs_delta') {
      byte = data[pos++]!;
      let back = byte & 0x7f;
      while (byte & 0x80) {
        byte = data[pos++]!;
        back = (back + 1) * 128 + (byte & 0x7f);
      }
      base = await this.readAt(path, pack, offset - back, true);
    } else if (kind === 'ref_delta') {
      const baseOid = data.subarray(pos, pos + 20).toString('hex');
      pos += 20;
      base = await this.read(baseOid);
      if (!base) throw new Error(`delta base ${baseOid} is missing`);
    } else if (kind === undefined) {
      throw new Error(`${path}: bad object type at offset ${offset}`);
    }
    const raw = inflateSync(data.subarray(pos), { maxOutputLength: Math.max(size, 1) });
    if (raw.length !== size) throw new Error(`${path}: object at ${offset} has the wrong size`);
    const object: GitObject = base
      ? { type: base.type, data: applyDelta(raw, base.data) }
      : { type: kind as GitObject['type'], data: raw };
    if (asBase || base || kind === 'tree' || kind === 'commit') this.remember(cacheKey, object);
    return object;
  }

  /** Keeps resolved objects that are likely delta bases (trees, commits, delta results). */
  private remember(key: string, object: GitObject): void {
    if (object.data.length > this.maxBaseBytes / 8) return;
    this.bases.set(key, object);
    this.baseBytes += object.data.length;
    for (const [k, v] of this.bases) {
      if (this.baseBytes <= this.maxBaseBytes) break;
      this.bases.delete(k);
      this.baseBytes -= v.data.length;
    }
  }
}

/** Parses a tree object's entries. */
export function parseTree(data: Buffer): Array<{ mode: string; name: string; oid: string }> {
  const out: Array<{ mode: string; name: string; oid: string }> = [];
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    const nul = data.indexOf(0, space);
    const mode = data.toString('latin1', pos, space).padStart(6, '0');
    const name = data.toString('utf8', space + 1, nul);
    out.push({ mode, name, oid: data.toString('hex', nul + 1, nul + 21) });
    pos = nul + 21;
  }
  return out;
}
