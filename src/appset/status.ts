/**
 * The set's status as a pure function of one pass: Argo CD's conditions (`ErrorOccurred`,
 * `ParametersGenerated`, `ResourcesUpToDate`; a transition time kept while a condition's status
 * holds) and the generated Applications with their sync and health.
 */
import type { Application } from '../api/application.js';
import {
  type ApplicationSetResource,
  type ApplicationSetStatus,
  AppSetConditionType,
} from '../api/application-set.js';
import type { Condition } from '../api/status-common.js';

export type PassOutcome =
  | { kind: 'ok'; apps: number }
  /** Parameters or templates failed: nothing was changed. */
  | { kind: 'error'; stage: 'parameters' | 'template'; message: string }
  /** Applied, but writing some Applications failed. */
  | { kind: 'apply-error'; message: string };

function condition(type: string, status: 'True' | 'False', reason: string, message: string): Condition {
  return { type, status, reason, message };
}

function conditionsOf(outcome: PassOutcome): Condition[] {
  const T = AppSetConditionType;
  switch (outcome.kind) {
    case 'ok':
      return [
        condition(
          T.ErrorOccurred,
          'False',
          'ApplicationSetUpToDate',
          'Successfully generated parameters for all Applications',
        ),
        condition(
          T.ParametersGenerated,
          'True',
          'ParametersGenerated',
          'Successfully generated parameters for all Applications',
        ),
        condition(
          T.ResourcesUpToDate,
          'True',
          'ApplicationSetUpToDate',
          'All applications have been generated successfully',
        ),
      ];
    case 'error': {
      const reason =
        outcome.stage === 'parameters' ? 'ApplicationGenerationFromParamsError' : 'RenderTemplateParamsError';
      return [
        condition(T.ErrorOccurred, 'True', reason, outcome.message),
        outcome.stage === 'parameters'
          ? condition(T.ParametersGenerated, 'False', 'ErrorOccurred', outcome.message)
          : condition(
              T.ParametersGenerated,
              'True',
              'ParametersGenerated',
              'Successfully generated parameters for all Applications',
            ),
        condition(T.ResourcesUpToDate, 'False', 'ErrorOccurred', outcome.message),
      ];
    }
    case 'apply-error':
      return [
        condition(T.ErrorOccurred, 'True', 'UpdateApplicationError', outcome.message),
        condition(
          T.ParametersGenerated,
          'True',
          'ParametersGenerated',
          'Successfully generated parameters for all Applications',
        ),
        condition(T.ResourcesUpToDate, 'False', 'UpdateApplicationError', outcome.message),
      ];
  }
}

/** status.resources: the set's live Applications (sorted by name) with their sync and health. */
export function resourcesOf(apps: readonly Application[]): ApplicationSetResource[] {
  return [...apps]
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))
    .map((a) => {
      const r: ApplicationSetResource = { name: a.metadata.name, namespace: a.metadata.namespace };
      if (a.status?.sync?.status) r.status = a.status.sync.status;
      if (a.status?.health?.status) {
        r.health = { status: a.status.health.status };
        if (a.status.health.message) r.health.message = a.status.health.message;
      }
      return r;
    });
}

export function nextStatus(
  previous: ApplicationSetStatus | undefined,
  outcome: PassOutcome,
  liveApps: readonly Application[],
  generation: number | undefined,
  now: string,
): ApplicationSetStatus {
  const before = new Map((previous?.conditions ?? []).map((c) => [c.type, c]));
  const conditions = conditionsOf(outcome).map((c) => {
    const old = before.get(c.type);
    return {
      ...c,
      lastTransitionTime: old && old.status === c.status ? (old.lastTransitionTime ?? now) : now,
    };
  });
  const status: ApplicationSetStatus = {
    conditions,
    resources: resourcesOf(liveApps),
    applicationCount: liveApps.length,
  };
  if (generation !== undefined) status.observedGeneration = generation;
  return status;
}
