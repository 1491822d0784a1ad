/** Health of the other built-in kinds: PVC, Service, Ingress, HPA, APIService, CRD, Namespace, Application. */
import type { KubeObject } from '../api/object.js';
import {
  arr,
  condition,
  conditions,
  describe,
  obj,
  spec,
  status,
  str,
  unobservedGeneration,
} from './fields.js';
import { degraded, type Health, HealthStatus, healthy, progressing } from './types.js';

export function pvcHealth(o: KubeObject): Health {
  const phase = str(status(o).phase);
  if (phase === 'Bound') return healthy('claim is bound');
  if (phase === 'Lost') return degraded('claim lost its volume');
  return progressing(`claim is ${phase || 'pending'}`);
}

function hasIngressPoints(o: KubeObject): boolean {
  return arr(obj(status(o).loadBalancer).ingress).length > 0;
}

export function serviceHealth(o: KubeObject): Health {
  if (str(spec(o).type) !== 'LoadBalancer') return healthy('');
  return hasIngressPoints(o)
    ? healthy('load balancer is ready')
    : progressing('waiting for the load balancer address');
}

export function ingressHealth(o: KubeObject): Health {
  return hasIngressPoints(o)
    ? healthy('ingress has an address')
    : progressing('waiting for an ingress address');
}

export function hpaHealth(o: KubeObject): Health {
  const cs = conditions(o);
  if (cs.length === 0) return progressing('waiting for the autoscaler to report');
  const able = condition(o, 'AbleToScale');
  if (able?.status === 'False') return degraded(`cannot scale: ${describe(able)}`);
  const active = condition(o, 'ScalingActive');
  if (active?.status === 'False' && active.reason !== 'ScalingDisabled') {
    return degraded(`scaling inactive: ${describe(active)}`);
  }
  return healthy('autoscaler is active');
}

export function apiServiceHealth(o: KubeObject): Health {
  const available = condition(o, 'Available');
  if (available?.status === 'True') return healthy('API service is available');
  return progressing(
    available ? `API service not available: ${describe(available)}` : 'waiting for availability',
  );
}

export function crdHealth(o: KubeObject): Health {
  const names = condition(o, 'NamesAccepted');
  if (names?.status === 'False') return degraded(`names not accepted: ${describe(names)}`);
  const established = condition(o, 'Established');
  if (established?.status === 'True') return healthy('CRD is established');
  return progressing('waiting for the CRD to be established');
}

export function namespaceHealth(o: KubeObject): Health {
  const phase = str(status(o).phase);
  if (phase === 'Terminating') return progressing('namespace is terminating');
  return healthy('');
}

const HEALTH_VALUES = new Set<string>(Object.values(HealthStatus));

/** A child trueup Application (app of apps): its own reported health. */
export function applicationHealth(o: KubeObject): Health {
  const h = obj(status(o).health);
  const s = str(h.status);
  if (!s) return progressing('application not reconciled yet');
  const message = str(h.message);
  if (HEALTH_VALUES.has(s)) return { status: s as HealthStatus, message };
  return { status: HealthStatus.Unknown, message: `unknown health ${s}` };
}

/**
 * A child ApplicationSet (an app of apps that ships sets), as Argo CD's built-in check for its
 * ApplicationSet: ErrorOccurred or ResourcesUpToDate False is Degraded, ResourcesUpToDate True
 * is Healthy, anything else (not evaluated yet, or an older generation) is Progressing.
 */
export function applicationSetHealth(o: KubeObject): Health {
  if (unobservedGeneration(o))
    return progressing('waiting for the ApplicationSet controller to observe the change');
  const error = condition(o, 'ErrorOccurred');
  if (error?.status === 'True') return degraded(error.message || 'ErrorOccurred');
  const upToDate = condition(o, 'ResourcesUpToDate');
  if (upToDate?.status === 'False') return degraded(upToDate.message || 'resources not up to date');
  if (upToDate?.status === 'True') return healthy(upToDate.message);
  return progressing('waiting for the status to be reported');
}
