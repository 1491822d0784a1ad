import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { applyDelta } from './pack-reader.js';

const TYPE_NAMES = ['', 'commit', 'tree', 'blob', 'tag'] as const;

let table: Uint32Array | undefined;
/** CRC-32 (node:zlib's when present, Node >= 20.15). */
function crc32(data: Buffer): number {
  const native = (zlib as { crc32?: (d: Buffer) => number }).crc32;
  if (native) return native(data);
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

interface Entry {
  offset: number;
  /** Where the zlib stream starts, and the inflated size (to inflate again on demand). */
  dataStart: number;
  size: number;
  end: number;
  /** 1-4 for whole objects, 6 ofs-delta, 7 ref-delta. */
  kind: number;
  /** The delta instructions (deltas only: compact, kept until the end). */
  delta?: Buffer;
  baseOffset?: number;
  baseOid?: string;
  oid?: string;
  type?: number;
}

/** Resolved objects by pack offset, bounded in bytes (git's delta base cache). */
class BaseCache {
  private readonly map = new Map<number, { type: number; data: Buffer }>();
  private bytes = 0;
  constructor(private readonly max: number) {}
  get(offset: number) {
    const hit = this.map.get(offset);
    if (hit) {
      this.map.delete(offset);
      this.map.set(offset, hit);
    }
    return hit;
  }
  set(offset: number, value: { type: number; data: Buffer }) {
    if (value.data.length > this.max / 4 || this.map.has(offset)) return;
    this.map.set(offset, value);
    this.bytes += value.data.length;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.max) break;
      this.map.delete(k);
      this.bytes -= v.data.length;
    }
  }
}

/**
 * Builds the version-2 index of a pack (what `git index-pack` writes), with node:zlib and
 * node:crypto: checks the pack's trailing checksum, hashes whole objects as it inflates them,
 * then resolves deltas, inflating bases again on demand through a bounded cache (memory stays
 * near the pack's size, not its inflated history). Throws on any inconsistency.
 */
export function indexPack(pack: Buffer, baseCacheBytes = 64 * 1024 * 1024): { idx: Buffer; count: number } {
  if (pack.length < 32 || pack.toString('latin1', 0, 4) !== 'PACK') throw new Error('not a pack');
  const version = pack.readUInt32BE(4);
  if (version !== 2 && version !== 3) throw new Error(`unsupported pack version ${version}`);
  const trailer = pack.subarray(pack.length - 20);
  const sum = createHash('sha1')
    .update(pack.subarray(0, pack.length - 20))
    .digest();
  if (!sum.equals(trailer)) throw new Error('pack checksum mismatch (truncated or corrupt)');
  const count = pack.readUInt32BE(8);
  const hash = (type: number, data: Buffer) =>
    createHash('sha1').update(`${TYPE_NAMES[type]} ${data.length}\0`).update(data).digest('hex');
  const entries: Entry[] = [];
  const byOffset = new Map<number, Entry>();
  let pos = 12;
  for (let i = 0; i < count; i++) {
    const offset = pos;
    let byte = pack[pos++]!;
    const kind = (byte >> 4) & 7;
    let size = byte & 0x0f;
    let shift = 4;
    while (byte & 0x80) {
      byte = pack[pos++]!;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    const entry: Entry = { offset, dataStart: 0, size, end: 0, kind };
    if (kind === 6) {
      byte = pack[pos++]!;
      let back = byte & 0x7f;
      while (byte & 0x80) {
        byte = pack[pos++]!;
        back = (back + 1) * 128 + (byte & 0x7f);
      }
      entry.baseOffset = offset - back;
    } else if (kind === 7) {
      entry.baseOid = pack.toString('hex', pos, pos + 20);
      pos += 20;
    } else if (kind < 1 || kind > 4) throw new Error(`bad object type ${kind} at offset ${offset}`);
    entry.dataStart = pos;
    const { buffer, engine } = zlib.inflateSync(pack.subarray(pos, pack.length - 20), {
      info: true,
      maxOutputLength: Math.max(size, 1),
    }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    if (buffer.length !== size) throw new Error(`object at offset ${offset} has the wrong size`);
    pos += engine.bytesWritten;
    entry.end = pos;
    if (kind <= 4) {
      entry.type = kind;
      entry.oid = hash(kind, buffer);
    } else entry.delta = buffer;
    entries.push(entry);
    byOffset.set(offset, entry);
  }
  if (pos !== pack.length - 20) throw new Error('pack has trailing garbage');

  const byOid = new Map<string, Entry>();
  for (const e of entries) if (e.oid) byOid.set(e.oid, e);
  const cache = new BaseCache(baseCacheBytes);
  const baseOf = (e: Entry): Entry => {
    const base = e.kind === 6 ? byOffset.get(e.baseOffset!) : byOid.get(e.baseOid!);
    if (!base) throw new Error(`delta at ${e.offset} has no base (${e.baseOid ?? e.baseOffset})`);
    return base;
  };
  /** The type and content of an entry: inflated again, or rebuilt from its delta chain. */
  function content(e: Entry): { type: number; data: Buffer } {
    const hit = cache.get(e.offset);
    if (hit) return hit;
    let out: { type: number; data: Buffer };
    if (e.kind <= 4) {
      const data = zlib.inflateSync(pack.subarray(e.dataStart, e.end), {
        maxOutputLength: Math.max(e.size, 1),
      });
      out = { type: e.kind, data };
    } else {
      const base = content(baseOf(e));
      out = { type: base.type, data: applyDelta(e.delta!, base.data) };
    }
    cache.set(e.offset, out);
    return out;
  }
  // Ref-deltas (rare: we never ask for thin packs) may name a base that is itself a delta
  // resolved later: go round until every delta has its id.
  let pending = entries.filter((e) => e.kind > 4);
  while (pending.length > 0) {
    const waiting: Entry[] = [];
    for (const e of pending) {
      if (e.kind === 7 && !byOid.has(e.baseOid!)) {
        waiting.push(e);
        continue;
      }
      const { type, data } = content(e);
      e.type = type;
      e.oid = hash(type, data);
      byOid.set(e.oid, e);
    }
    if (waiting.length === pending.length) {
      throw new Error(`${waiting.length} deltas refer to objects not in the pack (thin pack?)`);
    }
    pending = waiting;
  }

  const sorted = [...entries].sort((a, b) => (a.oid! < b.oid! ? -1 : a.oid! > b.oid! ? 1 : 0));
  const n = sorted.length;
  const large = sorted.filter((e) => e.offset >= 0x80000000);
  const idx = Buffer.alloc(8 + 1024 + n * 28 + large.length * 8 + 40);
  idx.writeUInt32BE(0xff744f63, 0);
  idx.writeUInt32BE(2, 4);
  let at = 8 + 1024;
  const fanout = new Uint32Array(256);
  sorted.forEach((e, i) => {
    fanout[Number.parseInt(e.oid!.slice(0, 2), 16)]!++;
    idx.write(e.oid!, at + i * 20, 'hex');
    idx.writeUInt32BE(crc32(pack.subarray(e.offset, e.end)), at + n * 20 + i * 4);
  });
  let running = 0;
  for (let b = 0; b < 256; b++) {
    running += fanout[b]!;
    idx.writeUInt32BE(running, 8 + b * 4);
  }
  at += n * 24;
  let li = 0;
  sorted.forEach((e, i) => {
    if (e.offset < 0x80000000) idx.writeUInt32BE(e.offset, at + i * 4);
    else {
      idx.writeUInt32BE((0x80000000 | li) >>> 0, at + i * 4);
      idx.writeBigUInt64BE(BigInt(e.offset), at + n * 4 + li * 8);
      li++;
    }
  });
  at += n * 4 + large.length * 8;
  trailer.copy(idx, at);
  createHash('sha1')
    .update(idx.subarray(0, at + 20))
    .digest()
    .copy(idx, at + 20);
  return { idx, count: n };
}
