/**
 * A chart archive (.tgz) unpacked in memory, within budgets, into the files of its one top
 * directory: what `helm pull --untar` leaves on disk. Reads ustar, PAX (`path`, `size`) and GNU
 * long-name headers; regular files only (directories are implied, links and devices skipped, as
 * Helm's loader does). Pure but for zlib.
 */
import { gunzipSync } from 'node:zlib';
import { ChartErrorCode, chartError } from './errors.js';

export interface ArchiveLimits {
  /** Bytes of the unpacked files together. */
  maxUnpackedBytes: number;
  maxFiles: number;
}

export interface UnpackedChart {
  /** The archive's top directory (the chart's name, as `helm package` writes it). */
  top: string;
  /** chart-relative path → content. */
  files: Map<string, Uint8Array>;
  bytes: number;
}

const decoder = new TextDecoder();

function text(block: Uint8Array, start: number, length: number): string {
  const slice = block.subarray(start, start + length);
  const end = slice.indexOf(0);
  return decoder.decode(end < 0 ? slice : slice.subarray(0, end));
}

function octal(block: Uint8Array, start: number, length: number, label: string): number {
  if ((block[start] ?? 0) & 0x80)
    throw chartError(ChartErrorCode.ArchiveInvalid, `${label}: binary sizes are not supported`);
  const value = text(block, start, length).trim();
  const n = value === '' ? 0 : Number.parseInt(value, 8);
  if (!Number.isFinite(n) || n < 0)
    throw chartError(ChartErrorCode.ArchiveInvalid, `${label}: not a tar archive`);
  return n;
}

/** PAX extended header records: `LEN key=value\n`. */
function paxRecords(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    if (space < 0) break;
    const len = Number.parseInt(decoder.decode(data.subarray(i, space)), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = decoder.decode(data.subarray(space + 1, i + len - 1));
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    i += len;
  }
  return out;
}

export function unpackChart(tgz: Uint8Array, limits: ArchiveLimits, label: string): UnpackedChart {
  let tar: Buffer;
  try {
    // The tar can hold at most the budget plus its headers: stop inflating well before a bomb grows.
    tar = gunzipSync(tgz, {
      maxOutputLength: limits.maxUnpackedBytes + limits.maxFiles * 1024 + 1024 * 1024,
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE')
      throw chartError(
        ChartErrorCode.TooLarge,
        `${label}: unpacks to more than ${limits.maxUnpackedBytes} bytes`,
      );
    throw chartError(ChartErrorCode.ArchiveInvalid, `${label}: not a gzip archive`);
  }
  const files = new Map<string, Uint8Array>();
  let top: string | undefined;
  let bytes = 0;
  let offset = 0;
  let longName: string | undefined;
  let pax: Record<string, string> = {};
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = pax.size === undefined ? octal(header, 124, 12, label) : Number(pax.size);
    const type = String.fromCharCode(header[156] ?? 0);
    const dataStart = offset + 512;
    const data = tar.subarray(dataStart, dataStart + size);
    if (data.length < size)
      throw chartError(ChartErrorCode.ArchiveInvalid, `${label}: truncated tar archive`);
    offset = dataStart + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      pax = paxRecords(data);
      continue;
    }
    if (type === 'g') continue;
    if (type === 'L') {
      longName = text(data, 0, data.length);
      continue;
    }
    const prefix = text(header, 345, 155);
    const name =
      pax.path ?? longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    pax = {};
    longName = undefined;
    if (type !== '0' && type !== '\0' && type !== '7') continue; // directories implied; links, devices skipped
    const parts = name
      .replace(/^\.\//, '')
      .split('/')
      .filter((p) => p !== '' && p !== '.');
    if (name.startsWith('/') || parts.includes('..') || parts.length < 2)
      throw chartError(
        ChartErrorCode.ArchiveInvalid,
        `${label}: ${name}: every file must be inside the chart's directory`,
      );
    const dir = parts[0] ?? '';
    if (top === undefined) top = dir;
    else if (dir !== top)
      throw chartError(
        ChartErrorCode.ArchiveInvalid,
        `${label}: holds more than one top directory (${top}, ${dir})`,
      );
    bytes += size;
    if (bytes > limits.maxUnpackedBytes)
      throw chartError(
        ChartErrorCode.TooLarge,
        `${label}: unpacks to more than ${limits.maxUnpackedBytes} bytes`,
      );
    files.set(parts.slice(1).join('/'), new Uint8Array(data));
    if (files.size > limits.maxFiles)
      throw chartError(ChartErrorCode.TooLarge, `${label}: more than ${limits.maxFiles} files`);
  }
  if (top === undefined || !files.has('Chart.yaml'))
    throw chartError(ChartErrorCode.ArchiveInvalid, `${label}: no Chart.yaml in the archive's top directory`);
  return { top, files, bytes };
}
