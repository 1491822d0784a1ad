/** The browser's side of /api/v1/: JSON reads, CSRF-carrying actions, and the live app list. */

import { CSRF_COOKIE, CSRF_HEADER, type StreamEvent } from '../shared/api-types.js';
import type { AppSummary } from '../shared/summary.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function csrfToken(): string {
  const c = document.cookie.split('; ').find((p) => p.startsWith(`${CSRF_COOKIE}=`));
  // Without the cookie (trueup ui, no login) the header still has to be there.
  return c ? decodeURIComponent(c.slice(CSRF_COOKIE.length + 1)) : '1';
}

async function answer<T>(res: Response): Promise<T> {
  if (res.status === 401) {
    location.assign('/login');
    throw new ApiError(401, 'not logged in');
  }
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new ApiError(res.status, body.error ?? res.statusText);
  return body;
}

export const appPath = (ns: string, name: string) =>
  `/api/v1/applications/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`;

export async function getJson<T>(path: string): Promise<T> {
  return answer<T>(await fetch(path, { credentials: 'same-origin' }));
}

export async function post<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(
    await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', [CSRF_HEADER]: csrfToken() },
      body: JSON.stringify(body),
    }),
  );
}

/** Every app the caller may see, kept current by the server-sent event stream. */
export class LiveApps {
  readonly rows = new Map<string, AppSummary>();
  loaded = false;
  private readonly listeners = new Set<() => void>();
  private source: EventSource | undefined;
  private scheduled = false;

  start(): void {
    this.source = new EventSource('/api/v1/stream');
    this.source.onmessage = (m) => this.apply(JSON.parse(m.data as string) as StreamEvent);
  }

  private apply(e: StreamEvent): void {
    if (e.type === 'snapshot') {
      this.rows.clear();
      for (const r of e.items) this.rows.set(r.key, r);
      this.loaded = true;
    } else if (e.type === 'upsert') this.rows.set(e.app.key, e.app);
    else this.rows.delete(e.key);
    // Bursts (a thousand apps syncing) redraw once per frame, not once per event.
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      for (const l of this.listeners) l();
    });
  }

  subscribe(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}
