/**
 * Health of custom resources and kinds without a specific check, from standard conditions as
 * kstatus reads them: observedGeneration behind ⇒ Progressing; Stalled (or Failed) True ⇒
 * Degraded; Reconciling True or Ready False ⇒ Progressing; Ready or Available True ⇒ Healthy.
 */
import type { KubeObject } from '../api/object.js';
import { condition, describe, unobservedGeneration } from './fields.js';
import { degraded, type Health, healthy, progressing } from './types.js';

export function conditionsHealth(o: KubeObject): Health {
  if (unobservedGeneration(o))
    return progressing('waiting for the controller to observe the latest generation');
  for (const type of ['Stalled', 'Failed']) {
    const c = condition(o, type);
    if (c?.status === 'True') return degraded(`${type}: ${describe(c)}`);
  }
  const reconciling = condition(o, 'Reconciling');
  if (reconciling?.status === 'True') return progressing(`Reconciling: ${describe(reconciling)}`);
  const ready = condition(o, 'Ready');
  if (ready?.status === 'False') return progressing(`not ready: ${describe(ready)}`);
  if (ready?.status === 'True') return healthy(describe(ready) || 'ready');
  const available = condition(o, 'Available');
  if (available?.status === 'False') return progressing(`not available: ${describe(available)}`);
  if (available?.status === 'True') return healthy(describe(available) || 'available');
  return healthy('');
}
