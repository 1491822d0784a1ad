/**
 * Health of the secret kinds whose controllers report through one condition, as Argo CD reads
 * them: a bitnami SealedSecret's `Synced` (the controller unsealed it into a Secret, or says why
 * it could not) and an external-secrets.io ExternalSecret's `Ready` (reason `SecretSynced`, or
 * `SecretSyncedError` with the provider's message). No condition yet, or a status older than the
 * spec (observedGeneration behind, where the kind reports one), is Progressing: the controller
 * has not looked at this version of the object. The generic kstatus reading would call a
 * SealedSecret with `Synced: False` Healthy (it knows no `Synced`) and an ExternalSecret that
 * failed to sync Progressing.
 */
import type { KubeObject } from '../api/object.js';
import { type Condition, condition, unobservedGeneration } from './fields.js';
import { degraded, type Health, healthy, progressing } from './types.js';

function fromCondition(c: Condition | undefined, waiting: string): Health {
  if (c?.status === 'True') return healthy(c.message || c.reason);
  if (c?.status === 'False') return degraded([c.reason, c.message].filter(Boolean).join(': ') || 'failed');
  return progressing(waiting);
}

export function sealedSecretHealth(o: KubeObject): Health {
  if (unobservedGeneration(o))
    return progressing('waiting for the sealed-secrets controller to observe the latest generation');
  return fromCondition(condition(o, 'Synced'), 'waiting for the sealed-secrets controller to unseal it');
}

export function externalSecretHealth(o: KubeObject): Health {
  if (unobservedGeneration(o))
    return progressing('waiting for external-secrets to observe the latest generation');
  return fromCondition(condition(o, 'Ready'), 'waiting for external-secrets to sync the Secret');
}
