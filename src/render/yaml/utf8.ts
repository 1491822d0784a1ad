/**
 * UTF-8 as Go sees it: go-yaml refuses a text that is not valid UTF-8 (so does `kubectl
 * kustomize`), and a `!!binary` value decodes to a Go string whose invalid bytes encoding/json
 * then prints as U+FFFD, one per byte.
 */

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  let n: number;
  let min: number;
  let cp: number;
  if (c >= 0xc2 && c <= 0xdf) [n, min, cp] = [2, 0x80, c & 0x1f];
  else if (c >= 0xe0 && c <= 0xef) [n, min, cp] = [3, 0x800, c & 0x0f];
  else if (c >= 0xf0 && c <= 0xf4) [n, min, cp] = [4, 0x10000, c & 0x07];
  else return 0;
  if (i + n > b.length) return 0;
  for (let k = 1; k < n; k++) {
    const d = b[i + k]!;
    if ((d & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (d & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

/** Offset of the first byte that is not valid UTF-8; -1 when all of it is. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const n = sequenceLength(bytes, i);
    if (n === 0) return i;
    i += n;
  }
  return -1;
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** The text of `bytes`, each invalid byte as U+FFFD (Go's encoding/json does this per byte). */
export function decodeUtf8PerByte(bytes: Uint8Array): string {
  if (firstInvalidUtf8(bytes) < 0) return strict.decode(bytes);
  let out = '';
  let start = 0;
  for (let i = 0; i < bytes.length; ) {
    const n = sequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += `${strict.decode(bytes.subarray(start, i))}\ufffd`;
    i++;
    start = i;
  }
  return out + strict.decode(bytes.subarray(start));
}
