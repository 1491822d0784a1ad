/** Health of workload kinds: Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod, Job, CronJob. */
import type { KubeObject } from '../api/object.js';
import { arr, condition, describe, num, obj, spec, status, str, unobservedGeneration } from './fields.js';
import { degraded, type Health, healthy, progressing, suspended } from './types.js';

const WAITING = 'waiting for the controller to observe the latest generation';

export function deploymentHealth(o: KubeObject): Health {
  const sp = spec(o);
  const st = status(o);
  if (sp.paused === true) return suspended('deployment is paused');
  if (unobservedGeneration(o)) return progressing(WAITING);
  const cond = condition(o, 'Progressing');
  if (cond?.reason === 'ProgressDeadlineExceeded') return degraded(`rollout stalled: ${describe(cond)}`);
  const want = num(sp.replicas, 1);
  const updated = num(st.updatedReplicas);
  const total = num(st.replicas);
  const available = num(st.availableReplicas);
  if (updated < want) return progressing(`${updated} of ${want} replicas updated`);
  if (total > updated) return progressing(`${total - updated} old replicas pending termination`);
  if (available < updated) return progressing(`${available} of ${updated} updated replicas available`);
  return healthy(`${available} of ${want} replicas available`);
}

export function statefulSetHealth(o: KubeObject): Health {
  const sp = spec(o);
  const st = status(o);
  if (unobservedGeneration(o) || st.observedGeneration === undefined) return progressing(WAITING);
  const want = num(sp.replicas, 1);
  const ready = num(st.readyReplicas);
  if (ready < want) return progressing(`${ready} of ${want} replicas ready`);
  const strategy = obj(sp.updateStrategy);
  if (str(strategy.type) === 'OnDelete') return healthy(`${ready} of ${want} replicas ready (OnDelete)`);
  const partition = num(obj(strategy.rollingUpdate).partition);
  const updated = num(st.updatedReplicas);
  if (updated < want - partition) return progressing(`${updated} of ${want - partition} replicas updated`);
  if (partition === 0 && st.updateRevision !== undefined && st.currentRevision !== st.updateRevision) {
    return progressing('rolling update in progress');
  }
  return healthy(`${ready} of ${want} replicas ready`);
}

export function daemonSetHealth(o: KubeObject): Health {
  const sp = spec(o);
  const st = status(o);
  if (unobservedGeneration(o) || st.observedGeneration === undefined) return progressing(WAITING);
  const want = num(st.desiredNumberScheduled);
  if (str(obj(sp.updateStrategy).type) !== 'OnDelete') {
    const updated = num(st.updatedNumberScheduled);
    if (updated < want) return progressing(`${updated} of ${want} pods updated`);
  }
  const available = num(st.numberAvailable);
  if (available < want) return progressing(`${available} of ${want} pods available`);
  return healthy(`${available} of ${want} pods available`);
}

export function replicaSetHealth(o: KubeObject): Health {
  const st = status(o);
  if (unobservedGeneration(o)) return progressing(WAITING);
  const failure = condition(o, 'ReplicaFailure');
  if (failure?.status === 'True') return degraded(describe(failure));
  const want = num(spec(o).replicas, 1);
  const available = num(st.availableReplicas);
  if (available < want) return progressing(`${available} of ${want} replicas available`);
  return healthy(`${available} of ${want} replicas available`);
}

const BAD_WAITING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
  'RunContainerError',
]);

function badContainer(o: KubeObject): string | undefined {
  const st = status(o);
  for (const list of [st.initContainerStatuses, st.containerStatuses]) {
    for (const c of arr(list)) {
      const x = obj(c);
      const waiting = obj(obj(x.state).waiting);
      const reason = str(waiting.reason);
      if (BAD_WAITING.has(reason)) {
        return `container ${str(x.name)}: ${[reason, str(waiting.message)].filter(Boolean).join(': ')}`;
      }
    }
  }
  return undefined;
}

export function podHealth(o: KubeObject): Health {
  const st = status(o);
  const phase = str(st.phase);
  const message = str(st.message) || str(st.reason);
  switch (phase) {
    case 'Succeeded':
      return healthy(message || 'pod completed');
    case 'Failed':
      return degraded(message || 'pod failed');
    case 'Running': {
      const bad = badContainer(o);
      if (bad) return degraded(bad);
      const restartPolicy = str(spec(o).restartPolicy) || 'Always';
      if (restartPolicy !== 'Always') return progressing('pod is running');
      const ready = condition(o, 'Ready');
      return ready?.status === 'True' ? healthy('pod is running and ready') : progressing('pod is not ready');
    }
    case 'Pending': {
      const bad = badContainer(o);
      return bad ? degraded(bad) : progressing(message || 'pod is pending');
    }
    default:
      return { status: 'Unknown', message: message || `pod phase ${phase || 'not reported'}` };
  }
}

export function jobHealth(o: KubeObject): Health {
  const failed = condition(o, 'Failed');
  if (failed?.status === 'True') return degraded(`job failed: ${describe(failed)}`);
  const complete = condition(o, 'Complete');
  if (complete?.status === 'True') return healthy('job completed');
  if (spec(o).suspend === true) return suspended('job is suspended');
  const st = status(o);
  return progressing(
    `job running: ${num(st.active)} active, ${num(st.succeeded)} succeeded, ${num(st.failed)} failed`,
  );
}

export function cronJobHealth(o: KubeObject): Health {
  if (spec(o).suspend === true) return suspended('cronjob is suspended');
  return healthy('cronjob is scheduled');
}
