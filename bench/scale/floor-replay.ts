/**
 * Replays a recorded request script against an API server with a minimal client: a keep-alive
 * HTTPS agent, the recorded bodies sent as they are, `concurrency` requests in flight, no parsing
 * beyond what a LIST's continuation needs. What the controller spends deciding what to send is
 * gone; what is left is the API server's (and etcd's) cost of exactly those requests.
 *
 * Two things cannot be sent as recorded, because they name the recording cluster's state: a
 * LIST's `continue` token (taken from the previous page of the same collection in this run) and a
 * WATCH's `resourceVersion` (taken from this run's LIST of the same collection, so the watch starts
 * where the list ended, as an informer's does). Watches are held open, their events read and
 * dropped, until the script has been sent.
 */
import { Agent, request } from 'node:https';
import { collectionOf, kindOf, type RecordedRequest, RequestKind, withQuery } from './floor-script.js';

export interface ReplayTarget {
  /** https://host:port */
  server: string;
  ca: string;
  token: string;
}

export interface ReplayResult {
  sent: number;
  watchesOpened: number;
  /** Answers whose class (2xx or not) differs from the recorded one, per kind: none is expected. */
  mismatched: Partial<Record<RequestKind, number>>;
  /** Bytes of watch events received (and dropped). */
  watchBytes: number;
}

interface Answer {
  status: number;
  body: string;
}

export async function replay(
  target: ReplayTarget,
  script: readonly RecordedRequest[],
  concurrency: number,
): Promise<{ result: ReplayResult; closeWatches: () => void }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca: target.ca });
  const watchAgent = new Agent({ keepAlive: false, ca: target.ca });
  const base = new URL(target.server);
  const headers = { Authorization: `Bearer ${target.token}`, Accept: 'application/json' };
  const watches: { destroy(): void }[] = [];
  const result: ReplayResult = { sent: 0, watchesOpened: 0, mismatched: {}, watchBytes: 0 };
  /** Per collection: the last page's answer (a promise, so the next page and the watch wait for it). */
  const lastPage = new Map<string, Promise<{ resourceVersion?: string; continue?: string }>>();

  const send = (r: RecordedRequest, path: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          path,
          method: r.method,
          agent,
          headers: { ...headers, ...(r.contentType ? { 'Content-Type': r.contentType } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(r.body);
    });

  const openWatch = (path: string) => {
    const req = request(
      {
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port,
        path,
        method: 'GET',
        agent: watchAgent,
        headers,
      },
      (res) => {
        res.on('data', (c: Buffer) => {
          result.watchBytes += c.length;
        });
        res.on('error', () => {});
      },
    );
    req.on('error', () => {});
    req.end();
    watches.push(req);
    result.watchesOpened += 1;
  };

  const tally = (r: RecordedRequest, kind: RequestKind, status: number) => {
    const ok = (s: number | undefined) => s !== undefined && s >= 200 && s < 300;
    if (r.status !== undefined && ok(r.status) !== ok(status))
      result.mismatched[kind] = (result.mismatched[kind] ?? 0) + 1;
  };

  async function one(r: RecordedRequest): Promise<void> {
    const kind = kindOf(r);
    const collection = collectionOf(r.path);
    if (kind === RequestKind.Watch) {
      const listed = await lastPage.get(collection);
      openWatch(withQuery(r.path, 'resourceVersion', listed?.resourceVersion));
      return;
    }
    if (kind === RequestKind.List) {
      const recordedContinue = new URL(r.path, 'http://x').searchParams.get('continue');
      const previous = recordedContinue ? await lastPage.get(collection) : undefined;
      // A recorded follow-up page whose first page this run answered complete has nothing to fetch.
      if (recordedContinue && !previous?.continue) return;
      const page = (async () => {
        const path = recordedContinue ? withQuery(r.path, 'continue', previous?.continue) : r.path;
        const answer = await send(r, path);
        result.sent += 1;
        tally(r, kind, answer.status);
        const meta = (
          JSON.parse(answer.body) as { metadata?: { resourceVersion?: string; continue?: string } }
        ).metadata;
        return {
          ...(meta?.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
          ...(meta?.continue ? { continue: meta.continue } : {}),
        };
      })();
      lastPage.set(collection, page);
      await page;
      return;
    }
    const answer = await send(r, r.path);
    result.sent += 1;
    tally(r, kind, answer.status);
  }

  let next = 0;
  const worker = async () => {
    while (next < script.length) {
      const r = script[next++];
      if (r) await one(r);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return {
    result,
    closeWatches: () => {
      for (const w of watches) w.destroy();
      watchAgent.destroy();
    },
  };
}
