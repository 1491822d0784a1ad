import type { HttpClient } from './http.js';

/** A pkt-line: 4 hex digits of length (including themselves), then the payload. */
function pktLine(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, '0'), 'latin1'), body]);
}

/** The stateless upload-pack request: wants, haves, done (protocol v0/v1, no multi_ack). */
export function uploadPackRequest(wants: readonly string[], haves: readonly string[], agent: string): Buffer {
  const parts: Buffer[] = [];
  wants.forEach((oid, i) => {
    parts.push(pktLine(i === 0 ? `want ${oid} side-band-64k ofs-delta agent=${agent}\n` : `want ${oid}\n`));
  });
  parts.push(Buffer.from('0000', 'latin1'));
  for (const oid of haves) parts.push(pktLine(`have ${oid}\n`));
  parts.push(pktLine('done\n'));
  return Buffer.concat(parts);
}

/** Incremental reader over an async byte stream. */
class Reader {
  private buf: Buffer = Buffer.alloc(0);
  private readonly it: AsyncIterator<Uint8Array>;
  constructor(body: AsyncIterable<Uint8Array>) {
    this.it = body[Symbol.asyncIterator]();
  }
  /** Exactly n bytes, or fewer if the stream ended. */
  async take(n: number): Promise<Buffer> {
    while (this.buf.length < n) {
      const step = await this.it.next();
      if (step.done) break;
      this.buf = this.buf.length ? Buffer.concat([this.buf, step.value]) : Buffer.from(step.value);
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(out.length);
    return out;
  }
  async peek(n: number): Promise<Buffer> {
    const out = await this.take(n);
    this.buf = this.buf.length ? Buffer.concat([out, this.buf]) : out;
    return out;
  }
  async rest(): Promise<Buffer[]> {
    const parts = this.buf.length ? [this.buf] : [];
    this.buf = Buffer.alloc(0);
    for (;;) {
      const step = await this.it.next();
      if (step.done) return parts;
      parts.push(Buffer.from(step.value));
    }
  }
}

export class ProtocolViolation extends Error {}

/**
 * POSTs an upload-pack request and returns the pack the server sends (side-band demultiplexed).
 * Messages on band 3 (fatal) and `ERR` lines become a ProtocolViolation carrying the server's text.
 */
export async function requestPack(http: HttpClient, url: string, body: Buffer): Promise<Buffer> {
  const res = await http.request({
    url: `${url}/git-upload-pack`,
    method: 'POST',
    headers: {
      'content-type': 'application/x-git-upload-pack-request',
      accept: 'application/x-git-upload-pack-result',
    },
    body: [body],
  });
  if (!res.body) throw new ProtocolViolation('empty upload-pack response');
  const reader = new Reader(res.body);
  const pack: Buffer[] = [];
  for (;;) {
    const head = await reader.peek(4);
    if (head.length < 4) break;
    if (head.toString('latin1') === 'PACK') {
      // No side-band: the rest of the response is the pack.
      pack.push(...(await reader.rest()));
      break;
    }
    const len = Number.parseInt((await reader.take(4)).toString('latin1'), 16);
    if (Number.isNaN(len)) throw new ProtocolViolation('malformed pkt-line in upload-pack response');
    if (len === 0) break;
    const line = await reader.take(len - 4);
    if (line.length < len - 4) throw new ProtocolViolation('upload-pack response ended mid-line');
    const text = line.toString('latin1');
    if (text.startsWith('NAK') || text.startsWith('ACK') || text.startsWith('shallow')) continue;
    if (text.startsWith('ERR ')) throw new ProtocolViolation(`server error: ${text.slice(4).trim()}`);
    const band = line[0];
    if (band === 1) pack.push(line.subarray(1));
    else if (band === 3)
      throw new ProtocolViolation(`server error: ${line.subarray(1).toString('utf8').trim()}`);
    else if (band !== 2) throw new ProtocolViolation(`unexpected side-band ${band}`);
  }
  const out = Buffer.concat(pack);
  if (out.length === 0) throw new ProtocolViolation('the server sent no pack');
  return out;
}
