/**
 * Writes a gzipped tar (ustar, with a PAX `path` record for names over 100 bytes) from a file
 * map: chart archives for tests without a `helm package` run.
 */
import { gzipSync } from 'node:zlib';

function header(name: string, size: number, type: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

function padded(data: Buffer): Buffer {
  const rest = data.length % 512;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(512 - rest)]);
}

export function tgz(files: Record<string, string | Uint8Array>, extra: { symlink?: string } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    if (Buffer.byteLength(name) > 100) {
      const body = ` path=${name}\n`;
      let len = body.length;
      len += String(len + String(len).length).length;
      const record = Buffer.from(`${len}${body}`);
      parts.push(header('PaxHeader', record.length, 'x'), padded(record));
    }
    parts.push(header(name, data.length, '0'), padded(data));
  }
  if (extra.symlink) parts.push(header(extra.symlink, 0, '2'));
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}
