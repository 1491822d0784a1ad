/**
 * Pure health assessment: one object ⇒ Healthy / Progressing / Degraded / Suspended / Missing /
 * Unknown with a message; an app's health is its worst resource's.
 */
import { groupOf, type KubeObject } from '../api/object.js';
import { conditionsHealth } from './generic.js';
import {
  apiServiceHealth,
  applicationHealth,
  applicationSetHealth,
  crdHealth,
  hpaHealth,
  ingressHealth,
  namespaceHealth,
  pvcHealth,
  serviceHealth,
} from './others.js';
import { externalSecretHealth, sealedSecretHealth } from './secrets.js';
import { type Health, HealthStatus, isWorse } from './types.js';
import {
  cronJobHealth,
  daemonSetHealth,
  deploymentHealth,
  jobHealth,
  podHealth,
  replicaSetHealth,
  statefulSetHealth,
} from './workloads.js';

export * from './types.js';

type Check = (o: KubeObject) => Health;

/** Checks by `group/Kind` (core group is empty). */
const CHECKS: Record<string, Check> = {
  'apps/Deployment': deploymentHealth,
  'apps/StatefulSet': statefulSetHealth,
  'apps/DaemonSet': daemonSetHealth,
  'apps/ReplicaSet': replicaSetHealth,
  '/Pod': podHealth,
  'batch/Job': jobHealth,
  'batch/CronJob': cronJobHealth,
  '/PersistentVolumeClaim': pvcHealth,
  '/Service': serviceHealth,
  'networking.k8s.io/Ingress': ingressHealth,
  'autoscaling/HorizontalPodAutoscaler': hpaHealth,
  'apiregistration.k8s.io/APIService': apiServiceHealth,
  'apiextensions.k8s.io/CustomResourceDefinition': crdHealth,
  '/Namespace': namespaceHealth,
  'trueup.dev/Application': applicationHealth,
  'bitnami.com/SealedSecret': sealedSecretHealth,
  'external-secrets.io/ExternalSecret': externalSecretHealth,
  'trueup.dev/ApplicationSet': applicationSetHealth,
};

/** The health of one live object; `undefined` (not there) is Missing. */
export function assessHealth(o: KubeObject | undefined): Health {
  if (!o) return { status: HealthStatus.Missing, message: 'object does not exist' };
  if (o.metadata.deletionTimestamp)
    return { status: HealthStatus.Progressing, message: 'object is being deleted' };
  const check = CHECKS[`${groupOf(o.apiVersion)}/${o.kind}`] ?? conditionsHealth;
  try {
    return check(o);
  } catch (err) {
    return { status: HealthStatus.Unknown, message: `health check failed: ${String(err)}` };
  }
}

/** The worst of several healths (Healthy when there are none), with the first worst one's message. */
export function worstHealth(healths: readonly Health[]): Health {
  let worst: Health = { status: HealthStatus.Healthy, message: '' };
  for (const h of healths) if (isWorse(h.status, worst.status)) worst = h;
  return worst;
}
