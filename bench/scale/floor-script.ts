/**
 * The requests a controller made, as a script the API-floor bench replays: what each one is
 * (apply, status patch, event, list, watch, ...), the variants that leave out the events or the
 * watches, and a summary per kind (count, body bytes). Pure: no I/O.
 */

export interface RecordedRequest {
  /** Milliseconds from the start of the recording. */
  atMs: number;
  method: string;
  /** Path with its query, as sent. */
  path: string;
  contentType?: string;
  body?: string;
  /** The API server's answer (absent when none came). */
  status?: number;
}

export const RequestKind = {
  Apply: 'apply',
  DryRunApply: 'dryRunApply',
  StatusPatch: 'statusPatch',
  Event: 'event',
  Create: 'create',
  Get: 'get',
  List: 'list',
  Watch: 'watch',
  Discovery: 'discovery',
  Other: 'other',
} as const;
export type RequestKind = (typeof RequestKind)[keyof typeof RequestKind];

/** The resource path after /api/v1 or /apis/GROUP/VERSION (and namespaces/NS for a namespaced one). */
function resourceSegments(pathname: string): { segments: string[]; discovery: boolean } {
  const parts = pathname.split('/').filter(Boolean);
  const prefix = parts[0] === 'api' ? 2 : parts[0] === 'apis' ? 3 : -1;
  if (prefix < 0 || parts.length <= prefix) return { segments: [], discovery: true };
  let rest = parts.slice(prefix);
  // namespaces/NS/RESOURCE...: the namespace qualifies what follows.
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  return { segments: rest, discovery: false };
}

export function kindOf(r: RecordedRequest): RequestKind {
  const url = new URL(r.path, 'http://x');
  const { segments, discovery } = resourceSegments(url.pathname);
  const dryRun = url.searchParams.has('dryRun');
  if (r.method === 'GET') {
    if (discovery) return RequestKind.Discovery;
    const watch = url.searchParams.get('watch');
    if (watch === 'true' || watch === '1') return RequestKind.Watch;
    return segments.length === 1 ? RequestKind.List : RequestKind.Get;
  }
  if (r.method === 'PATCH') {
    if (segments[2] === 'status') return RequestKind.StatusPatch;
    if ((r.contentType ?? '').startsWith('application/apply-patch'))
      return dryRun ? RequestKind.DryRunApply : RequestKind.Apply;
    return RequestKind.Other;
  }
  if (r.method === 'POST' && segments.length === 1)
    return segments[0] === 'events' ? RequestKind.Event : RequestKind.Create;
  return RequestKind.Other;
}

export interface ScriptVariant {
  name: string;
  events: boolean;
  watches: boolean;
}

export const VARIANTS: readonly ScriptVariant[] = [
  { name: 'all requests', events: true, watches: true },
  { name: 'without Events', events: false, watches: true },
  { name: 'without watches', events: true, watches: false },
  { name: 'without Events and watches', events: false, watches: false },
];

/** The script a variant replays: the recorded requests minus the events and/or the watches. */
export function variantOf(script: readonly RecordedRequest[], v: ScriptVariant): RecordedRequest[] {
  return script.filter((r) => {
    const kind = kindOf(r);
    if (!v.events && kind === RequestKind.Event) return false;
    if (!v.watches && kind === RequestKind.Watch) return false;
    return true;
  });
}

export type ScriptSummary = Partial<Record<RequestKind, { count: number; bodyBytes: number }>>;

export function summarize(script: readonly RecordedRequest[]): ScriptSummary {
  const out: ScriptSummary = {};
  for (const r of script) {
    const kind = kindOf(r);
    const s = out[kind] ?? { count: 0, bodyBytes: 0 };
    s.count += 1;
    s.bodyBytes += r.body === undefined ? 0 : Buffer.byteLength(r.body);
    out[kind] = s;
  }
  return out;
}

/** The path without its query: what a LIST and the WATCH that follows it share. */
export function collectionOf(path: string): string {
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}

/** The path with one query parameter set (or removed when `value` is undefined). */
export function withQuery(path: string, key: string, value: string | undefined): string {
  const url = new URL(path, 'http://x');
  if (value === undefined) url.searchParams.delete(key);
  else url.searchParams.set(key, value);
  return url.pathname + url.search;
}
