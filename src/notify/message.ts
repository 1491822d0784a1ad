/**
 * What a notification says: the facts of one event for one app (no secrets: built from the
 * Application's status and the controller's UI URL), and the default text when the rule has no
 * template.
 */
import type { AppEventName } from './events.js';
import { short } from './events.js';

export interface NotificationFacts {
  app: { namespace: string; name: string; labels: Record<string, string> };
  event: AppEventName;
  revision: string;
  shortRevision: string;
  /** What happened, one line (the sync message, the health message, …). */
  detail: string;
  /** The app's page in the UI, when the controller knows its URL (--ui-url). */
  url?: string;
  repoURL: string;
  path: string;
  timestamp: string;
}

export interface FactsInput {
  namespace: string;
  name: string;
  labels: Record<string, string> | undefined;
  event: AppEventName;
  revision: string;
  detail: string;
  repoURL: string;
  path: string;
  uiUrl: string | undefined;
  nowIso: string;
}

export function factsOf(i: FactsInput): NotificationFacts {
  const f: NotificationFacts = {
    app: { namespace: i.namespace, name: i.name, labels: { ...(i.labels ?? {}) } },
    event: i.event,
    revision: i.revision,
    shortRevision: short(i.revision),
    detail: i.detail,
    repoURL: i.repoURL,
    path: i.path,
    timestamp: i.nowIso,
  };
  const url = appUrl(i.uiUrl, i.namespace, i.name);
  if (url) f.url = url;
  return f;
}

/** The app's page under the UI's base URL (`<base>/applications/<namespace>/<name>`). */
export function appUrl(base: string | undefined, namespace: string, name: string): string | undefined {
  if (!base) return undefined;
  return `${base.replace(/\/+$/, '')}/applications/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

const TITLES: Record<AppEventName, string> = {
  SyncStarted: 'sync started',
  SyncSucceeded: 'synced',
  SyncFailed: 'sync failed',
  OutOfSync: 'out of sync',
  Degraded: 'degraded',
  Healthy: 'healthy',
  DriftCorrected: 'drift corrected',
  PruneBlocked: 'prune blocked',
};

/** A short title: `trueup-system/web-api: synced at 1a2b3c4`. */
export function titleOf(f: NotificationFacts): string {
  return `${f.app.namespace}/${f.app.name}: ${TITLES[f.event]} at ${f.shortRevision}`;
}

/** The default message: the title, what happened, where from, and the link when known. */
export function defaultMessage(f: NotificationFacts): string {
  const lines = [titleOf(f), f.detail, `source: ${f.repoURL} ${f.path} @ ${f.revision}`];
  if (f.url) lines.push(f.url);
  return lines.join('\n');
}

/** The data a rule's template sees (documented in the README). */
export function templateData(f: NotificationFacts, message: string): Record<string, unknown> {
  // .url is always there (empty without --ui-url), so `missingkey=error` templates may test it.
  return { ...f, url: f.url ?? '', message };
}
