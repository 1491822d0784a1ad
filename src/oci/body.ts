/** Reading HTTP bodies within a byte budget, and sha256 digests. */
import { createHash } from 'node:crypto';
import { OciErrorCode, ociError } from './errors.js';

export function sha256Digest(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * The whole body, refused with OciTooLarge (naming `what`) as soon as it passes `maxBytes`:
 * by its Content-Length before reading, or while reading when none was sent.
 */
export async function readBounded(res: Response, maxBytes: number, what: string): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  const tooLarge = (size: string) =>
    ociError(OciErrorCode.TooLarge, `${what}: ${size} bytes, over the budget of ${maxBytes}`);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge(String(declared));
  }
  if (!res.body) return new Uint8Array();
  const parts: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(`more than ${maxBytes}`);
    }
    parts.push(value);
  }
  return Buffer.concat(parts, total);
}

/** Discards a body we will not read (so the connection can be reused). */
export async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => {});
}
