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
  end: number;
  /** 1-4 for whole objects, 6 ofs-delta, 7 ref-delta. */
  kind: number;
  /** Inflated content (the delta itself for deltas); dropped once no longer needed. */
  raw: Buffer | undefined;
  baseOffset?: number;
  baseOid?: string;
  oid?: string;
  type?: number;
  /** Resolved content, kept while deltas still need it as their base. */
  data?: Buffer | undefined;
  children: number;
}

/**
 * Builds the version-2 index of a pack (what `git index-pack` writes), with node:zlib and
 * node:crypto: checks the pack's trailing checksum, inflates every object once, resolves delta
 * chains keeping a base only until its last delta is done. Throws on any inconsistency.
 */
export function indexPack(pack: Buffer): { idx: Buffer; count: number } {
  if (pack.length < 32 || pack.toString('latin1', 0, 4) !== 'PACK') throw new Error('not a pack');
  const version = pack.readUInt32BE(4);
  if (version !== 2 && version !== 3) throw new Error(`unsupported pack version ${version}`);
  const trailer = pack.subarray(pack.length - 20);
  const sum = createHash('sha1')
    .update(pack.subarray(0, pack.length - 20))
    .digest();
  if (!sum.equals(trailer)) throw new Error('pack checksum mismatch (truncated or corrupt)');
  const count = pack.readUInt32BE(8);
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
    const entry: Entry = { offset, end: 0, kind, raw: undefined, children: 0 };
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
    const { buffer, engine } = zlib.inflateSync(pack.subarray(pos, pack.length - 20), {
      info: true,
      maxOutputLength: Math.max(size, 1),
    }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    if (buffer.length !== size) throw new Error(`object at offset ${offset} has the wrong size`);
    pos += engine.bytesWritten;
    entry.end = pos;
    entry.raw = buffer;
    entries.push(entry);
    byOffset.set(offset, entry);
  }
  if (pos !== pack.length - 20) throw new Error('pack has trailing garbage');

  const byOid = new Map<string, Entry>();
  const hash = (type: number, data: Buffer) =>
    createHash('sha1').update(`${TYPE_NAMES[type]} ${data.length}\0`).update(data).digest('hex');
  for (const e of entries) {
    if (e.kind === 6) {
      const base = byOffset.get(e.baseOffset!);
      if (!base) throw new Error(`delta at ${e.offset} has no base at ${e.baseOffset}`);
      base.children++;
    }
  }
  // Ref-deltas (rare: we never ask for thin packs) name their base by id, known only later:
  // with any of them, keep every resolved object instead of counting children.
  const keepAll = entries.some((e) => e.kind === 7);
  for (const e of entries) {
    if (e.kind > 4) continue;
    e.type = e.kind;
    e.oid = hash(e.kind, e.raw!);
    byOid.set(e.oid, e);
    if (e.children === 0 && !keepAll) e.raw = undefined;
  }
  const contentOf = (e: Entry): Buffer => (e.kind <= 4 ? e.raw! : e.data!);
  const release = (base: Entry) => {
    if (keepAll || --base.children > 0) return;
    base.data = undefined;
    if (base.kind <= 4) base.raw = undefined;
  };
  function finish(e: Entry): void {
    const base = e.kind === 6 ? byOffset.get(e.baseOffset!)! : byOid.get(e.baseOid!)!;
    if (base.oid === undefined) finish(base);
    const data = applyDelta(e.raw!, contentOf(base));
    e.type = base.type!;
    e.raw = undefined;
    release(base);
    e.oid = hash(e.type, data);
    byOid.set(e.oid, e);
    if (keepAll || e.children > 0) e.data = data;
  }
  let pending = entries.filter((e) => e.kind > 4);
  while (pending.length > 0) {
    const waiting: Entry[] = [];
    for (const e of pending) {
      if (e.oid !== undefined) continue;
      if (e.kind === 7 && !byOid.has(e.baseOid!)) waiting.push(e);
      else finish(e);
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
