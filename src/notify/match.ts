/**
 * Which rules an event of an app goes to, and what a commit-status provider posts for it. Pure.
 */
import type { NotificationRule, ProviderType } from '../api/notification.js';
import { COMMIT_STATUS_TYPES } from '../api/notification.js';
import type { AppEvent } from './events.js';

type Selector = NonNullable<NotificationRule['spec']['applicationSelector']>;

/** A Kubernetes label selector match (matchLabels AND every matchExpression). */
export function selectorMatches(selector: Selector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    const values = e.values ?? [];
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
    if (e.operator === 'In' && (!has || !values.includes(value ?? ''))) return false;
    if (e.operator === 'NotIn' && has && values.includes(value ?? '')) return false;
  }
  return true;
}

/** The rule watches the app (namespace and labels); suspended rules watch nothing. */
export function ruleWatches(
  rule: NotificationRule,
  app: { namespace: string; labels: Record<string, string> },
): boolean {
  if (rule.spec.suspend) return false;
  const namespaces = rule.spec.namespaces ?? [rule.metadata.namespace];
  if (!namespaces.includes('*') && !namespaces.includes(app.namespace)) return false;
  return selectorMatches(rule.spec.applicationSelector, app.labels);
}

export type CommitState = 'pending' | 'success' | 'failure';

export const isCommitStatusType = (t: ProviderType) => COMMIT_STATUS_TYPES.includes(t);

/**
 * What a commit-status provider posts for an event the rule selected, if anything: `pending`
 * when a sync starts (selected by SyncSucceeded or Healthy), `success` once Synced and Healthy
 * at the revision, `failure` on a failed sync or degraded health.
 */
export function commitStateOf(e: AppEvent, selected: readonly string[]): CommitState | undefined {
  const wantsSuccess = selected.includes('SyncSucceeded') || selected.includes('Healthy');
  switch (e.event) {
    case 'SyncStarted':
      return wantsSuccess ? 'pending' : undefined;
    case 'SyncSucceeded':
      if (!selected.includes('SyncSucceeded')) return undefined;
      return e.syncedAndHealthy ? 'success' : 'pending';
    case 'Healthy':
      return selected.includes('Healthy') && e.syncedAndHealthy ? 'success' : undefined;
    case 'SyncFailed':
    case 'Degraded':
      return selected.includes(e.event) ? 'failure' : undefined;
    default:
      return undefined;
  }
}

/** Message providers get the events the rule lists (never the internal SyncStarted). */
export function messageWanted(e: AppEvent, selected: readonly string[]): boolean {
  return e.event !== 'SyncStarted' && selected.includes(e.event);
}
