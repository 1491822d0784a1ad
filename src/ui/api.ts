/**
 * The UI's JSON API (/api/v1/…), transport-free: a parsed request and the authenticated caller
 * in, a status and a JSON body out. Every read checks `get`/`list` and every action `patch` on
 * the Application through `Access`; lists come from the app store (memory), the tree, diff,
 * history and events are read on demand for the one app asked about.
 */
import { z } from 'zod';
import { type Application, RefreshType } from '../api/application.js';
import { SyncOperationSchema } from '../api/application-operation.js';
import { errorMessage, isTrueupError } from '../api/errors.js';
import { primaryRevision, primarySource } from '../api/primary-source.js';
import type { AppDiff } from '../controller/app-diff.js';
import { plannedText } from '../controller/app-diff.js';
import {
  rollbackOperation,
  updateApplication,
  withOperation,
  withRefresh,
} from '../controller/app-operation.js';
import { isKubeApiError, KubeErrorCode } from '../kube/errors.js';
import type { ClusterClient } from '../kube/types.js';
import { type Access, type Caller, Verb } from './access.js';
import type { AppStore } from './app-store.js';
import type { CommitCache } from './commits.js';
import type { DiffAnswer, EventEntry, HistoryAnswerEntry, WhoAmI } from './shared/api-types.js';
import { type AppSummary, summarize } from './shared/summary.js';
import { readTree } from './tree-read.js';

export interface ApiDeps {
  store: AppStore;
  /** Reads and writes on the caller's behalf (after Access allowed them). */
  client: ClusterClient;
  access: Access;
  commits: CommitCache;
  /** What a sync would change (controller/app-diff.ts's diffApp over this process's Git source). */
  diff(app: Application): Promise<AppDiff>;
  /** The field manager of the UI's writes. */
  fieldManager: string;
}

export interface ApiRequest {
  method: string;
  /** Path segments after /api/v1/. */
  segments: readonly string[];
  body: unknown;
  caller: Caller;
}

export interface ApiResult {
  status: number;
  body: unknown;
}

const ok = (body: unknown): ApiResult => ({ status: 200, body });
const fail = (status: number, error: string): ApiResult => ({ status, body: { error } });

/** Rows of the apps the caller may list (checked once per namespace, answers cached per token). */
export async function visibleSummaries(d: ApiDeps, caller: Caller): Promise<AppSummary[]> {
  const apps = [...d.store.list()];
  const namespaces = [...new Set(apps.map((a) => a.metadata.namespace))];
  const allowed = new Set<string>();
  await Promise.all(
    namespaces.map(async (ns) => {
      if (await d.access.allowed(caller, Verb.List, ns)) allowed.add(ns);
    }),
  );
  return apps.filter((a) => allowed.has(a.metadata.namespace)).map((a) => summaryOf(d, a));
}

export function summaryOf(d: Pick<ApiDeps, 'commits'>, app: Application): AppSummary {
  const primary = primarySource(app.spec);
  const rev = primaryRevision(primary.index, app.status?.sync?.revision, app.status?.sync?.revisions);
  if (rev) d.commits.want(primary.repoURL, rev);
  return summarize(app, (r) => d.commits.subject(r));
}

const SyncBody = z
  .object({
    prune: z.boolean().optional(),
    dryRun: z.boolean().optional(),
    revision: z.string().min(1).optional(),
    resources: SyncOperationSchema.shape.resources,
    confirmPrune: z.boolean().optional(),
  })
  .strict();
const RefreshBody = z.object({ type: z.enum([RefreshType.Normal, RefreshType.Hard]).optional() }).strict();
const RollbackBody = z.object({ id: z.int(), prune: z.boolean().optional() }).strict();

async function history(d: ApiDeps, app: Application): Promise<HistoryAnswerEntry[]> {
  const primary = primarySource(app.spec);
  const entries = [...(app.status?.history ?? [])].reverse();
  return Promise.all(
    // The newest entry is what is deployed (after a rollback, not the revision compared with).
    entries.map(async (h, i): Promise<HistoryAnswerEntry> => {
      const base = { ...h, current: i === 0 };
      try {
        const c = await d.commits.info(
          h.source?.repoURL ?? h.sources?.[primary.index]?.repoURL ?? primary.repoURL,
          primaryRevision(primary.index, h.revision, h.revisions),
        );
        return { ...base, subject: c.subject, author: c.author, authorTime: c.time };
      } catch (err) {
        return { ...base, subject: '', author: '', authorTime: '', commitError: errorMessage(err) };
      }
    }),
  );
}

async function events(d: ApiDeps, app: Application): Promise<EventEntry[]> {
  const { namespace, name } = app.metadata;
  const res = await d.client.list('v1', 'Event', {
    namespace,
    fieldSelector: `involvedObject.kind=Application,involvedObject.name=${name}`,
  });
  return res.items
    .map((e) => {
      const ev = e as unknown as {
        type?: string;
        reason?: string;
        message?: string;
        count?: number;
        lastTimestamp?: string;
        eventTime?: string;
        metadata: { creationTimestamp?: string };
        involvedObject?: { kind?: string; name?: string };
      };
      return {
        type: ev.type ?? '',
        reason: ev.reason ?? '',
        message: ev.message ?? '',
        count: ev.count ?? 1,
        lastTimestamp: ev.lastTimestamp ?? ev.eventTime ?? ev.metadata.creationTimestamp ?? '',
        object: `${ev.involvedObject?.kind ?? ''}/${ev.involvedObject?.name ?? ''}`,
      };
    })
    .sort((a, b) => b.lastTimestamp.localeCompare(a.lastTimestamp));
}

function diffAnswer(r: AppDiff): DiffAnswer {
  return {
    revision: r.revision.revision,
    display: r.revision.display ?? r.revision.revision,
    entries: r.listed.map((p) => ({
      group: p.id.group,
      kind: p.id.kind,
      namespace: p.id.namespace,
      name: p.id.name,
      action: p.action,
      reason: p.reason,
      text: p.action === 'unchanged' ? '' : plannedText(p),
    })),
  };
}

async function appRoute(d: ApiDeps, req: ApiRequest, ns: string, name: string, sub: string | undefined) {
  const { caller } = req;
  const app = d.store.get(ns, name);
  const write = req.method === 'POST';
  if (!(await d.access.allowed(caller, write ? Verb.Patch : Verb.Get, ns, name)))
    return fail(403, `${caller.user} may not ${write ? 'patch' : 'get'} Application ${ns}/${name}`);
  if (!app) return fail(404, `Application ${ns}/${name}: not found`);
  const update = (change: (a: Application) => Application) =>
    updateApplication(d.client, ns, name, change, d.fieldManager);
  if (!write) {
    switch (sub) {
      case undefined:
        return ok({ ...app, summary: summaryOf(d, app) });
      case 'tree':
        return ok(await readTree(d.client, app));
      case 'diff':
        return ok(diffAnswer(await d.diff(app)));
      case 'history':
        return ok({ items: await history(d, app) });
      case 'events':
        return ok({ items: await events(d, app) });
    }
    return fail(404, `no route for GET ${sub}`);
  }
  switch (sub) {
    case 'refresh': {
      const b = RefreshBody.parse(req.body ?? {});
      await update((a) => withRefresh(a, b.type ?? RefreshType.Normal));
      return { status: 202, body: { requested: 'refresh', type: b.type ?? 'normal' } };
    }
    case 'sync': {
      const b = SyncBody.parse(req.body ?? {});
      const operation = {
        sync: {
          ...(b.revision ? { revision: b.revision } : {}),
          ...(b.prune ? { prune: true } : {}),
          ...(b.dryRun ? { dryRun: true } : {}),
          ...(b.resources?.length ? { resources: b.resources } : {}),
        },
        initiatedBy: { username: caller.user },
      };
      await update((a) => withOperation(a, operation, b.confirmPrune === true, new Date()));
      return { status: 202, body: { requested: 'sync', operation } };
    }
    case 'rollback': {
      const b = RollbackBody.parse(req.body ?? {});
      await update((a) =>
        withOperation(a, rollbackOperation(a, b.id, caller.user, b.prune), false, new Date()),
      );
      return { status: 202, body: { requested: 'rollback', id: b.id } };
    }
  }
  return fail(404, `no route for POST ${sub}`);
}

const STATUS_OF_CODE: Record<string, number> = {
  OperationInProgress: 409,
  RollbackRefused: 409,
  HistoryNotFound: 404,
  AppNotFound: 404,
  [KubeErrorCode.NotFound]: 404,
  [KubeErrorCode.Forbidden]: 403,
  [KubeErrorCode.Conflict]: 409,
};

/** Answers one API request; never throws (errors become JSON with a message naming the object). */
export async function handleApi(d: ApiDeps, req: ApiRequest): Promise<ApiResult> {
  const [head, ns, name, sub, ...rest] = req.segments;
  try {
    if (req.method === 'GET' && head === 'whoami' && !ns)
      return ok({ user: req.caller.user, mode: d.access.mode } satisfies WhoAmI);
    if (req.method === 'GET' && head === 'applications' && !ns)
      return ok({ items: await visibleSummaries(d, req.caller) });
    if (head === 'applications' && ns && name && rest.length === 0)
      return await appRoute(d, req, ns, name, sub);
    return fail(404, `no route for ${req.method} /api/v1/${req.segments.join('/')}`);
  } catch (err) {
    if (err instanceof z.ZodError) return fail(400, `invalid request body: ${z.prettifyError(err)}`);
    if (isTrueupError(err)) return fail(STATUS_OF_CODE[err.code] ?? 500, err.message);
    if (isKubeApiError(err, KubeErrorCode.Forbidden)) return fail(403, errorMessage(err));
    return fail(500, `${req.method} /api/v1/${req.segments.join('/')}: ${errorMessage(err)}`);
  }
}
