/**
 * Helm's hook annotations read as Argo CD reads them, for objects that carry no trueup or Argo
 * CD hook annotation (those win): `helm.sh/hook` events map to a hook phase
 * (pre-install/pre-upgrade → PreSync, post-install/post-upgrade → PostSync); a hook with none of
 * those events (test, pre-delete, pre-rollback, ...) is skipped, never applied, as Argo CD never
 * runs it; `crd-install` is not a hook (Helm 2's CRD marker: an ordinary object).
 * `helm.sh/hook-weight` is the wave, and `helm.sh/hook-delete-policy` maps to ours.
 */
import { TrueupError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';

export const HelmAnnotation = {
  Hook: 'helm.sh/hook',
  Weight: 'helm.sh/hook-weight',
  DeletePolicy: 'helm.sh/hook-delete-policy',
} as const;

/** The phases trueup runs, for the Helm events that have one. */
const PHASE_OF_EVENT: Readonly<Record<string, 'PreSync' | 'PostSync'>> = {
  'pre-install': 'PreSync',
  'pre-upgrade': 'PreSync',
  'post-install': 'PostSync',
  'post-upgrade': 'PostSync',
};

/** Every event Helm knows (helm.sh/helm/v3/pkg/release/hook.go), so a typo is an error, not a skip. */
const HELM_EVENTS = new Set([
  ...Object.keys(PHASE_OF_EVENT),
  'pre-delete',
  'post-delete',
  'pre-rollback',
  'post-rollback',
  'test',
  'test-success',
]);

const POLICY_OF: Readonly<Record<string, 'BeforeHookCreation' | 'HookSucceeded' | 'HookFailed'>> = {
  'before-hook-creation': 'BeforeHookCreation',
  'hook-succeeded': 'HookSucceeded',
  'hook-failed': 'HookFailed',
};

const entries = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The phase of an object by its `helm.sh/hook` annotation: undefined when it is not a Helm hook
 * (no annotation, or only `crd-install`), `Skip` when none of its events has a phase.
 * Several events with a phase: the first one's (trueup runs a hook in one phase).
 */
export function helmHookPhase(
  obj: Pick<KubeObject, 'metadata'>,
  where: string,
): 'PreSync' | 'PostSync' | 'Skip' | undefined {
  const text = obj.metadata.annotations?.[HelmAnnotation.Hook];
  if (text === undefined) return undefined;
  const events = entries(text);
  if (events.length === 0 || events.every((e) => e === 'crd-install')) return undefined;
  let phase: 'PreSync' | 'PostSync' | undefined;
  for (const e of events) {
    if (e === 'crd-install') continue;
    if (!HELM_EVENTS.has(e))
      throw new TrueupError(
        'HookInvalid',
        `${where}: ${HelmAnnotation.Hook} "${text}": ${e} is not a Helm hook event (${[...HELM_EVENTS].join(', ')})`,
      );
    phase ??= PHASE_OF_EVENT[e];
  }
  return phase ?? 'Skip';
}

/** `helm.sh/hook-weight` as a wave, or undefined when absent or empty. */
export function helmHookWeight(obj: Pick<KubeObject, 'metadata'>, where: string): number | undefined {
  const text = obj.metadata.annotations?.[HelmAnnotation.Weight];
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text.trim());
  if (!Number.isInteger(n))
    throw new TrueupError(
      'SyncWaveInvalid',
      `${where}: ${HelmAnnotation.Weight} "${text}" is not an integer`,
    );
  return n;
}

/** `helm.sh/hook-delete-policy` mapped to ours (empty when absent). */
export function helmDeletePolicies(
  obj: Pick<KubeObject, 'metadata'>,
  where: string,
): ('BeforeHookCreation' | 'HookSucceeded' | 'HookFailed')[] {
  const text = obj.metadata.annotations?.[HelmAnnotation.DeletePolicy];
  if (text === undefined) return [];
  return entries(text).map((p) => {
    const ours = POLICY_OF[p];
    if (!ours)
      throw new TrueupError(
        'HookInvalid',
        `${where}: ${HelmAnnotation.DeletePolicy} "${p}" is not one of ${Object.keys(POLICY_OF).join(', ')}`,
      );
    return ours;
  });
}
