/** The JSON the UI's API answers with (/api/v1/…), shared by the server and the browser. */
import type { AppSummary } from './summary.js';

export interface TreeNode {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  /** Health of the live object (src/health); Missing when it does not exist. */
  health: string;
  healthMessage: string;
  /** Sync status from the app's status.resources (managed objects only). */
  sync?: string;
  /** Managed by the app (in its inventory) or owned by such an object. */
  managed: boolean;
  requiresPruning?: boolean;
  /** Objects this one owns (ownerReferences), sorted by kind then name. */
  children: TreeNode[];
}

export interface TreeAnswer {
  nodes: TreeNode[];
  /** Kinds whose owned objects could not be read (e.g. no RBAC for Pods), with why. */
  warnings: string[];
}

export interface DiffEntry {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  /** create, update, unchanged, prune, skip. */
  action: string;
  reason: string;
  /** Unified diff (live → desired), Secret values masked; empty when unchanged. */
  text: string;
}

export interface DiffAnswer {
  revision: string;
  display: string;
  entries: DiffEntry[];
}

export interface HistoryAnswerEntry {
  id: number;
  revision: string;
  deployedAt: string;
  source?: { repoURL: string; targetRevision: string; path: string } | undefined;
  /** With spec.sources: the sources deployed and the revision of each, in order. */
  sources?: { repoURL: string; targetRevision: string; path?: string | undefined }[] | undefined;
  revisions?: string[] | undefined;
  /** The result of the sync that deployed this entry (status.history). */
  deployStartedAt?: string | undefined;
  initiatedBy?: { username?: string | undefined; automated?: boolean | undefined } | undefined;
  phase?: string | undefined;
  message?: string | undefined;
  subject: string;
  author: string;
  authorTime: string;
  /** Why the commit could not be read (network, credentials), when it could not. */
  commitError?: string;
  /** The newest entry: what the last sync deployed (after a rollback, not the revision the app is compared with). */
  current: boolean;
}

export interface EventEntry {
  type: string;
  reason: string;
  message: string;
  count: number;
  lastTimestamp: string;
  object: string;
}

export interface WhoAmI {
  user: string;
  /** `token`: a bearer token checked with TokenReview; `kubeconfig`: `trueup ui` acting as its user. */
  mode: 'token' | 'kubeconfig';
}

/** Server-sent events of /api/v1/stream (the `data:` of each, JSON). */
export type StreamEvent =
  | { type: 'snapshot'; items: AppSummary[] }
  | { type: 'upsert'; app: AppSummary }
  | { type: 'delete'; key: string };

/** The header every action must carry (a page from another origin cannot set it without CORS). */
export const CSRF_HEADER = 'x-trueup-csrf';
export const CSRF_COOKIE = 'trueup_csrf';
export const SESSION_COOKIE = 'trueup_session';
