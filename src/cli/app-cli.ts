/**
 * `trueup app list|get|diff|sync`: the Applications in the cluster, seen and driven from a
 * terminal. `diff` renders and plans locally with the controller's own code; `sync` records an
 * operation on the Application (as Argo CD does) for the controller to run, and waits for it.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_API_VERSION, APP_KIND, type Application, RefreshType } from '../api/application.js';
import type { Operation } from '../api/application-operation.js';
import { TrueupError } from '../api/errors.js';
import { describeRef } from '../api/object.js';
import { sourcesOf } from '../api/sources.js';
import { ChartSource } from '../chart-source/chart-source.js';
import { SourceRouter } from '../controller/adapters/chart-source.js';
import { installedEngine } from '../controller/adapters/render-helm.js';
import { clusterSecretSource } from '../controller/adapters/secrets.js';
import { GitSourcePort } from '../controller/adapters/source.js';
import { diffApp, plannedText } from '../controller/app-diff.js';
import {
  getApplication,
  rollbackOperation,
  updateApplication,
  withOperation,
  withRefresh,
} from '../controller/app-operation.js';
import { createClusterClient } from '../kube/index.js';
import type { ClusterClient } from '../kube/types.js';
import { describePlainSecrets } from '../secrets/plain-secrets.js';
import { GitSource } from '../source/index.js';
import { kubeConnectionFrom } from './flag-values.js';
import type { CliIO } from './io.js';

export interface AppCliOptions {
  namespace?: string;
  allNamespaces?: boolean;
  kubeconfig?: string;
  context?: string;
  output?: string;
  prune?: boolean;
  dryRun?: boolean;
  revision?: string;
  confirm?: boolean;
  resource?: string[];
  syncOption?: string[];
  wait?: boolean;
  timeout?: string;
  cacheDir?: string;
}

async function connect(
  o: AppCliOptions,
): Promise<{ client: ClusterClient & { close(): void }; namespace: string }> {
  const conn = await kubeConnectionFrom(o.kubeconfig ?? '', o.context, process.env);
  const namespace = o.namespace ?? conn.namespace ?? 'trueup-system';
  return { client: await createClusterClient(conn), namespace };
}

const getApp = getApplication;

function ready(app: Application) {
  return app.status?.conditions?.find((c) => c.type === 'Ready');
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return `${rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('   ')).join('\n')}\n`;
}

/** A commit SHA cut to 7 characters; with spec.sources, each of the comma-joined revisions. */
const short = (rev: string | undefined) =>
  (rev ?? '')
    .split(',')
    .map((r) => (/^[0-9a-f]{40}$/.test(r) ? r.slice(0, 7) : r))
    .join(',');

export async function appList(o: AppCliOptions, io: CliIO): Promise<number> {
  const { client, namespace } = await connect(o);
  try {
    const res = await client.list(APP_API_VERSION, APP_KIND, o.allNamespaces ? {} : { namespace });
    const apps = res.items as unknown as Application[];
    if (o.output === 'json') {
      io.stdout(`${JSON.stringify(apps, null, 2)}\n`);
      return 0;
    }
    if (apps.length === 0) {
      io.stderr(`no Applications in ${o.allNamespaces ? 'any namespace' : `namespace ${namespace}`}\n`);
      return 0;
    }
    const rows = [
      [...(o.allNamespaces ? ['NAMESPACE'] : []), 'NAME', 'SYNC', 'HEALTH', 'REVISION', 'READY', 'MESSAGE'],
      ...apps.map((a) => [
        ...(o.allNamespaces ? [a.metadata.namespace] : []),
        a.metadata.name,
        a.status?.sync?.status ?? 'Unknown',
        a.status?.health?.status ?? 'Unknown',
        short(a.status?.sync?.revision),
        ready(a)?.status ?? 'Unknown',
        ready(a)?.message ?? '',
      ]),
    ];
    io.stdout(table(rows));
    return 0;
  } finally {
    client.close();
  }
}

export async function appGet(name: string, o: AppCliOptions, io: CliIO): Promise<number> {
  const { client, namespace } = await connect(o);
  try {
    const app = await getApp(client, namespace, name);
    if (o.output === 'json') {
      io.stdout(`${JSON.stringify(app, null, 2)}\n`);
      return 0;
    }
    const s = app.status ?? {};
    const lines = [
      `Name:        ${namespace}/${name}`,
      ...sourcesOf(app.spec).map((src, i) => {
        const ref = 'ref' in src ? src.ref : undefined;
        return `${i === 0 ? 'Source:     ' : '            '} ${src.repoURL} ${src.targetRevision ?? 'HEAD'} ${src.chart !== undefined ? `chart ${src.chart}` : (src.path ?? (ref ? '' : '.'))}${ref ? ` (ref ${ref})` : ''}`;
      }),
      `Destination: ${app.spec.destination.server ?? 'in-cluster'} namespace ${app.spec.destination.namespace ?? '(from manifests)'}`,
      `Sync policy: ${app.spec.syncPolicy?.automated ? `automated (prune=${app.spec.syncPolicy.automated.prune ?? false}, selfHeal=${app.spec.syncPolicy.automated.selfHeal ?? false})` : 'manual'}`,
      `Sync:        ${s.sync?.status ?? 'Unknown'} to ${s.sync?.revision ?? '-'}`,
      `Health:      ${s.health?.status ?? 'Unknown'}${s.health?.message ? ` (${s.health.message})` : ''}`,
      `Operation:   ${s.operationState ? `${s.operationState.phase}: ${s.operationState.message ?? ''}` : '-'}`,
      'Conditions:',
      ...(s.conditions ?? []).map(
        (c) => `  ${c.type}=${c.status} ${c.reason ?? ''}${c.message ? `: ${c.message}` : ''}`,
      ),
      '',
    ];
    io.stdout(lines.join('\n'));
    if (s.resources?.length) {
      io.stdout(
        table([
          ['KIND', 'NAMESPACE', 'NAME', 'SYNC', 'HEALTH', 'MESSAGE'],
          ...s.resources.map((r) => [
            r.group ? `${r.kind}.${r.group}` : r.kind,
            r.namespace ?? '',
            r.name,
            r.status ?? '',
            r.health?.status ?? '',
            r.message ?? r.health?.message ?? '',
          ]),
        ]),
      );
    }
    if (s.history?.length) {
      io.stdout(
        `\nHistory:\n${table([
          ['ID', 'REVISION', 'DEPLOYED', 'RESULT', 'BY'],
          ...s.history.map((h) => [
            String(h.id),
            h.revision,
            h.deployedAt,
            h.phase ?? '',
            h.initiatedBy?.username ?? (h.initiatedBy?.automated ? 'automated' : ''),
          ]),
        ])}`,
      );
    }
    return 0;
  } finally {
    client.close();
  }
}

/** Renders the app's source at its target revision and plans it against the cluster (no writes). */
export async function appDiff(name: string, o: AppCliOptions, io: CliIO): Promise<number> {
  const { client, namespace } = await connect(o);
  try {
    const app = await getApp(client, namespace, name);
    if (o.revision !== undefined && app.spec.sources !== undefined) {
      io.stderr(
        `error: ${namespace}/${name} has spec.sources: --revision names one revision, leave it out\n`,
      );
      return 2;
    }
    // Git (anonymous here), or a chart from a Helm repository / OCI registry with the repository
    // Secrets of the app's namespace (where trueup's own apps and Secrets live, as Argo CD's).
    const source = new SourceRouter(
      new GitSourcePort(new GitSource({ cacheDir: o.cacheDir ?? join(tmpdir(), 'trueup-cli-git') })),
      new ChartSource({ secrets: clusterSecretSource(client, namespace) }),
    );
    const helmEngine = installedEngine({ explicit: process.env.TRUEUP_HELM_ENGINE });
    let result: Awaited<ReturnType<typeof diffApp>>;
    try {
      result = await diffApp({ client, source, helmEngine }, app, {
        ...(o.revision ? { revision: o.revision } : {}),
        ...(o.prune !== undefined ? { prune: o.prune } : {}),
      });
    } finally {
      await helmEngine.close();
    }
    const { revision: rev, listed, differs, plainSecrets } = result;
    io.stderr(
      `${namespace}/${name} at ${rev.display ?? rev.revision}: ${differs.length} of ${listed.length} object(s) differ\n`,
    );
    // What the controller's plain-Secret guard reports (it refuses the sync when denied).
    if (plainSecrets.length)
      io.stderr(`warning: Secret(s) holding cleartext from Git: ${describePlainSecrets(plainSecrets)}\n`);
    for (const p of differs) io.stdout(plannedText(p));
    return differs.length ? 1 : 0;
  } finally {
    client.close();
  }
}

/** `[group/]Kind/[namespace/]name` → a selection entry (`apps/Deployment/web/api`, `ConfigMap/cfg`). */
export function parseResource(text: string): {
  group?: string;
  kind: string;
  namespace?: string;
  name: string;
} {
  const parts = text.split('/');
  const kindAt = parts.findIndex((p) => /^[A-Z]/.test(p));
  const group = kindAt > 0 ? parts.slice(0, kindAt).join('/') : '';
  const rest = kindAt >= 0 ? parts.slice(kindAt + 1) : [];
  const kind = parts[kindAt] ?? '';
  if (kindAt < 0 || kindAt > 1 || rest.length < 1 || rest.length > 2 || rest.some((p) => !p))
    throw new TrueupError('UsageInvalid', `--resource ${text}: expected [group/]Kind/[namespace/]name`);
  const name = rest.at(-1) as string;
  return {
    ...(group ? { group } : {}),
    kind,
    ...(rest.length === 2 ? { namespace: rest[0] as string } : {}),
    name,
  };
}

/** Records a sync operation on the Application and (by default) waits for the controller to run it. */
export async function appSync(name: string, o: AppCliOptions, io: CliIO): Promise<number> {
  const { client, namespace } = await connect(o);
  try {
    const operation: Operation = {
      sync: {
        ...(o.revision ? { revision: o.revision } : {}),
        ...(o.prune ? { prune: true } : {}),
        ...(o.dryRun ? { dryRun: true } : {}),
        ...(o.syncOption?.length ? { syncOptions: o.syncOption } : {}),
        ...(o.resource?.length ? { resources: o.resource.map(parseResource) } : {}),
      },
      initiatedBy: { username: process.env.USER ?? 'trueup-cli' },
    };
    const requested = new Date().toISOString();
    await updateApplication(
      client,
      namespace,
      name,
      (app) => withOperation(app, operation, o.confirm === true, new Date()),
      'trueup-cli',
    );
    io.stderr(`sync of ${namespace}/${name} requested\n`);
    if (o.wait === false) return 0;
    return await waitForOperation(client, namespace, name, requested, o, io);
  } finally {
    client.close();
  }
}

/** Waits for the controller to run the operation requested at `requested`; prints its result. */
async function waitForOperation(
  client: ClusterClient,
  namespace: string,
  name: string,
  requested: string,
  o: AppCliOptions,
  io: CliIO,
): Promise<number> {
  const timeoutMs = Number(o.timeout ?? '120') * 1000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const app = await getApp(client, namespace, name);
    const st = app.status?.operationState;
    if (!app.operation && st?.startedAt && st.startedAt >= requested.slice(0, 19) && st.phase !== 'Running') {
      io.stdout(`${st.phase}: ${st.message ?? ''}\n`);
      for (const r of st.syncResult?.resources ?? []) {
        if (r.status === 'unchanged') continue;
        const what = describeRef({
          group: r.group ?? '',
          kind: r.kind,
          namespace: r.namespace ?? '',
          name: r.name,
        });
        io.stdout(
          `${(r.status ?? '').padEnd(10)} ${what}${r.message && r.status !== r.message ? `: ${r.message}` : ''}\n`,
        );
      }
      return st.phase === 'Succeeded' ? 0 : 1;
    }
    if (Date.now() > deadline) {
      throw new TrueupError(
        'SyncTimeout',
        `Application ${namespace}/${name}: the controller did not finish the sync within ${timeoutMs / 1000}s (is it running?)`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Requests a refresh (`--hard`: also drop cached Git and render results); the controller re-checks at once. */
export async function appRefresh(
  name: string,
  o: AppCliOptions & { hard?: boolean },
  io: CliIO,
): Promise<number> {
  const { client, namespace } = await connect(o);
  try {
    const type = o.hard ? RefreshType.Hard : RefreshType.Normal;
    await updateApplication(client, namespace, name, (app) => withRefresh(app, type), 'trueup-cli');
    io.stderr(`${type} refresh of ${namespace}/${name} requested\n`);
    return 0;
  } finally {
    client.close();
  }
}

/** Syncs back to history entry `id` (manual apps only, as `argocd app rollback`) and waits for it. */
export async function appRollback(name: string, id: string, o: AppCliOptions, io: CliIO): Promise<number> {
  const n = Number(id);
  if (!Number.isInteger(n)) throw new TrueupError('UsageInvalid', `history id ${id}: not an integer`);
  const { client, namespace } = await connect(o);
  try {
    const requested = new Date().toISOString();
    const user = process.env.USER ?? 'trueup-cli';
    await updateApplication(
      client,
      namespace,
      name,
      (app) => withOperation(app, rollbackOperation(app, n, user, o.prune === true), false, new Date()),
      'trueup-cli',
    );
    io.stderr(`rollback of ${namespace}/${name} to history ${n} requested\n`);
    if (o.wait === false) return 0;
    return await waitForOperation(client, namespace, name, requested, o, io);
  } finally {
    client.close();
  }
}
