/**
 * One row of the application list: what the list shows, filters and sorts on, taken from an
 * Application. Pure and free of Node and DOM types: the server builds rows, the browser filters
 * them (both import this file; esbuild bundles it into the front end).
 */

import { primaryRevision, primarySource, type SourceLike } from '../../api/primary-source.js';

/** The fields of an Application a row reads (a structural subset, so the browser needs no zod). */
export interface ApplicationLike {
  metadata: { namespace: string; name: string; labels?: Record<string, string> | undefined };
  spec: {
    project?: string | undefined;
    source?: SourceLike | undefined;
    sources?: readonly SourceLike[] | undefined;
    destination: { server?: string | undefined; name?: string | undefined; namespace?: string | undefined };
    syncPolicy?: { automated?: object | undefined } | undefined;
  };
  operation?: object | undefined;
  status?:
    | {
        sync?:
          | { status: string; revision?: string | undefined; revisions?: readonly string[] | undefined }
          | undefined;
        health?: { status: string; message?: string | undefined } | undefined;
        operationState?: { phase: string; finishedAt?: string | undefined } | undefined;
        history?: readonly { deployedAt: string }[] | undefined;
        conditions?: readonly { type: string; status: string; message?: string | undefined }[] | undefined;
      }
    | undefined;
}

export interface AppSummary {
  /** `namespace/name`, unique. */
  key: string;
  namespace: string;
  name: string;
  project: string;
  labels: Record<string, string>;
  sync: string;
  health: string;
  healthMessage: string;
  revision: string;
  /** The commit's subject line, when the Git source layer has told it. */
  subject: string;
  repoURL: string;
  targetRevision: string;
  path: string;
  destination: string;
  /** When the app last synced (the last operation's end, else the last history entry). */
  lastSync: string;
  /** The phase of the operation in progress or last run; empty when none ever ran. */
  operation: string;
  automated: boolean;
  /** The Ready condition's message (why it is not ready). */
  message: string;
}

/** A commit's subject, by full id (filled by the server's commit cache). */
export type SubjectOf = (revision: string) => string | undefined;

export function summarize(app: ApplicationLike, subjectOf: SubjectOf = () => undefined): AppSummary {
  const { namespace, name } = app.metadata;
  const s = app.status ?? {};
  // With spec.sources, the row shows the primary source (the first that renders) and its revision.
  const primary = primarySource(app.spec);
  const revision = primaryRevision(primary.index, s.sync?.revision, s.sync?.revisions);
  const dest = app.spec.destination;
  const op = s.operationState;
  return {
    key: `${namespace}/${name}`,
    namespace,
    name,
    project: app.spec.project ?? 'default',
    labels: { ...app.metadata.labels },
    sync: s.sync?.status ?? 'Unknown',
    health: s.health?.status ?? 'Unknown',
    healthMessage: s.health?.message ?? '',
    revision,
    subject: (revision && subjectOf(revision)) || '',
    repoURL: primary.repoURL,
    targetRevision: primary.targetRevision,
    // A chart is shown by its name where a Git source shows its path.
    path: primary.chart || primary.path,
    destination: `${dest.name || (dest.server && dest.server !== 'https://kubernetes.default.svc' ? dest.server : 'in-cluster')}/${dest.namespace ?? ''}`,
    lastSync: op?.finishedAt ?? s.history?.at(-1)?.deployedAt ?? '',
    operation: app.operation ? 'Requested' : (op?.phase ?? ''),
    automated: app.spec.syncPolicy?.automated !== undefined,
    message: s.conditions?.find((c) => c.type === 'Ready' && c.status !== 'True')?.message ?? '',
  };
}

/** A revision as shown: a commit's first 7 hex digits, anything else as is. */
export function shortRevision(rev: string): string {
  return /^[0-9a-f]{40}$/.test(rev) ? rev.slice(0, 7) : rev;
}
