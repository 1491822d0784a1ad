/**
 * The plain-Secret guard's decision for one pass: Secrets rendered from Git that hold cleartext
 * data (src/secrets/plain-secrets.ts) warn (a Warning event and the `PlainSecret` condition) or,
 * with the controller's --deny-plain-secrets or the Application's
 * `trueup.dev/deny-plain-secrets: "true"`, fail the sync before anything is planned: nothing is
 * applied or pruned. The annotation's `"false"` cannot relax the controller's flag (a platform
 * team's rule is not an app's choice). Messages name Secrets, keys and files, never a value.
 */
import {
  Annotation,
  type Application,
  type ApplicationSpec,
  type ApplicationStatus,
} from '../api/application.js';
import { RetryClass, TrueupError } from '../api/errors.js';
import { type Condition, ConditionType } from '../api/status-common.js';
import { describePlainSecrets, inNamespace, type PlainSecret } from '../secrets/plain-secrets.js';
import type { ReconcilerDeps } from './deps.js';
import { mergeConditions } from './status.js';

export type PlainSecretVerdict =
  | { kind: 'none' }
  /** Warn: the sync goes on. */
  | { kind: 'warn'; message: string }
  /** Deny: the pass stops with this message; nothing is applied or pruned. */
  | { kind: 'deny'; message: string };

export const PlainSecretReason = { Found: 'PlainSecretInGit', Denied: 'PlainSecretDenied' } as const;

/** Whether the app (or the controller) turns plain Secrets into a sync error. */
export function deniesPlainSecrets(app: Application, controllerDenies: boolean): boolean {
  return controllerDenies || app.metadata.annotations?.[Annotation.DenyPlainSecrets] === 'true';
}

export function plainSecretVerdict(
  found: readonly PlainSecret[],
  app: Application,
  controllerDenies: boolean,
): PlainSecretVerdict {
  if (found.length === 0) return { kind: 'none' };
  const what = `${found.length} Secret(s) from Git hold data in cleartext (not SOPS-encrypted): ${describePlainSecrets(found)}`;
  if (!deniesPlainSecrets(app, controllerDenies)) return { kind: 'warn', message: what };
  const by = controllerDenies ? '--deny-plain-secrets' : `${Annotation.DenyPlainSecrets}: "true"`;
  return { kind: 'deny', message: `sync refused (${by}): ${what}; nothing applied or pruned` };
}

/** The conditions with PlainSecret set from the verdict, or removed when there is none. */
export function withPlainSecretCondition(
  conditions: readonly Condition[] | undefined,
  v: PlainSecretVerdict,
  generation: number | undefined,
  now: string,
): Condition[] {
  if (v.kind === 'none') return (conditions ?? []).filter((c) => c.type !== ConditionType.PlainSecret);
  const reason = v.kind === 'deny' ? PlainSecretReason.Denied : PlainSecretReason.Found;
  return mergeConditions(
    conditions,
    [{ type: ConditionType.PlainSecret, status: 'True', reason, message: v.message }],
    generation,
    now,
  );
}

export interface GuardResult {
  message: string;
  /** A finding the app has not been told of yet (the condition's message changes): send the event. */
  announce: boolean;
  /** Set when denied: the pass stops with this (terminal) error. */
  deny?: TrueupError;
}

/**
 * One pass's guard, on the status being built: sets or clears the PlainSecret condition, and
 * when denied marks the sync status Unknown (nothing was planned) and returns the error to stop with.
 */
export function guardPlainSecrets(
  app: Application,
  spec: ApplicationSpec,
  status: ApplicationStatus,
  found: readonly PlainSecret[],
  d: Pick<ReconcilerDeps, 'denyPlainSecrets' | 'clock'>,
  revision: string,
): GuardResult {
  const now = new Date(d.clock.now()).toISOString();
  const v = plainSecretVerdict(
    inNamespace(found, spec.destination.namespace),
    app,
    d.denyPlainSecrets === true,
  );
  const before = status.conditions?.find((c) => c.type === ConditionType.PlainSecret)?.message;
  status.conditions = withPlainSecretCondition(status.conditions, v, app.metadata.generation, now);
  if (v.kind === 'none') return { message: '', announce: false };
  const announce = v.message !== before;
  if (v.kind === 'warn') return { message: v.message, announce };
  const prev = status.sync?.syncedRevision;
  status.sync = { status: 'Unknown', revision, ...(prev ? { syncedRevision: prev } : {}) };
  const deny = new TrueupError(PlainSecretReason.Denied, v.message, { retry: RetryClass.Terminal });
  return { message: v.message, announce, deny };
}
