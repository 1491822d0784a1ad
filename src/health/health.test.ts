import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject, KubeObject } from '../api/object.js';
import { assessHealth, type HealthStatus, worstHealth } from './index.js';

function o(
  apiVersion: string,
  kind: string,
  spec: JsonObject,
  status: JsonObject,
  generation = 1,
): KubeObject {
  return { apiVersion, kind, metadata: { name: 'x', namespace: 'n', generation }, spec, status };
}
const cond = (type: string, status: string, reason = '', message = '') => ({ type, status, reason, message });
const dep = (spec: JsonObject, status: JsonObject, generation = 1) =>
  o('apps/v1', 'Deployment', spec, status, generation);
const pod = (status: JsonObject, spec: JsonObject = {}) => o('v1', 'Pod', spec, status);
const job = (status: JsonObject, spec: JsonObject = {}) => o('batch/v1', 'Job', spec, status);
const cr = (status: JsonObject, generation = 1) => o('example.com/v1', 'Widget', {}, status, generation);

const cases: [string, KubeObject | undefined, HealthStatus, RegExp?][] = [
  ['missing', undefined, 'Missing'],
  [
    'deployment healthy',
    dep({ replicas: 2 }, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }),
    'Healthy',
  ],
  [
    'deployment default 1 replica',
    dep({}, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }),
    'Healthy',
  ],
  [
    'deployment generation not observed',
    dep({ replicas: 1 }, { observedGeneration: 1, updatedReplicas: 1, availableReplicas: 1 }, 2),
    'Progressing',
    /observe/,
  ],
  [
    'deployment rolling',
    dep({ replicas: 3 }, { observedGeneration: 1, replicas: 3, updatedReplicas: 1, availableReplicas: 3 }),
    'Progressing',
    /1 of 3 replicas updated/,
  ],
  [
    'deployment old pods',
    dep({ replicas: 2 }, { observedGeneration: 1, replicas: 3, updatedReplicas: 2, availableReplicas: 2 }),
    'Progressing',
    /pending termination/,
  ],
  [
    'deployment unavailable',
    dep({ replicas: 2 }, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1 }),
    'Progressing',
    /1 of 2/,
  ],
  [
    'deployment deadline',
    dep(
      { replicas: 2 },
      { observedGeneration: 1, conditions: [cond('Progressing', 'False', 'ProgressDeadlineExceeded')] },
    ),
    'Degraded',
  ],
  ['deployment paused', dep({ paused: true }, {}), 'Suspended'],
  [
    'statefulset ready',
    o(
      'apps/v1',
      'StatefulSet',
      { replicas: 2 },
      {
        observedGeneration: 1,
        readyReplicas: 2,
        updatedReplicas: 2,
        currentRevision: 'a',
        updateRevision: 'a',
      },
    ),
    'Healthy',
  ],
  [
    'statefulset rolling',
    o(
      'apps/v1',
      'StatefulSet',
      { replicas: 2 },
      {
        observedGeneration: 1,
        readyReplicas: 2,
        updatedReplicas: 2,
        currentRevision: 'a',
        updateRevision: 'b',
      },
    ),
    'Progressing',
  ],
  [
    'statefulset partition',
    o(
      'apps/v1',
      'StatefulSet',
      { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } },
      {
        observedGeneration: 1,
        readyReplicas: 3,
        updatedReplicas: 1,
        currentRevision: 'a',
        updateRevision: 'b',
      },
    ),
    'Healthy',
  ],
  [
    'daemonset',
    o(
      'apps/v1',
      'DaemonSet',
      {},
      { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 },
    ),
    'Progressing',
    /2 of 3/,
  ],
  [
    'daemonset ok',
    o(
      'apps/v1',
      'DaemonSet',
      {},
      { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 },
    ),
    'Healthy',
  ],
  [
    'replicaset failure',
    o(
      'apps/v1',
      'ReplicaSet',
      { replicas: 1 },
      { conditions: [cond('ReplicaFailure', 'True', 'FailedCreate', 'quota')] },
    ),
    'Degraded',
    /quota/,
  ],
  ['replicaset ok', o('apps/v1', 'ReplicaSet', { replicas: 1 }, { availableReplicas: 1 }), 'Healthy'],
  ['pod running ready', pod({ phase: 'Running', conditions: [cond('Ready', 'True')] }), 'Healthy'],
  ['pod running not ready', pod({ phase: 'Running', conditions: [cond('Ready', 'False')] }), 'Progressing'],
  [
    'pod crashloop',
    pod({
      phase: 'Running',
      containerStatuses: [{ name: 'c', state: { waiting: { reason: 'CrashLoopBackOff' } } }],
    }),
    'Degraded',
    /CrashLoopBackOff/,
  ],
  [
    'pod image pull',
    pod({
      phase: 'Pending',
      containerStatuses: [{ name: 'c', state: { waiting: { reason: 'ImagePullBackOff' } } }],
    }),
    'Degraded',
  ],
  ['pod pending', pod({ phase: 'Pending' }), 'Progressing'],
  ['pod succeeded', pod({ phase: 'Succeeded' }), 'Healthy'],
  ['pod failed', pod({ phase: 'Failed', message: 'OOMKilled' }), 'Degraded', /OOMKilled/],
  ['pod run-once running', pod({ phase: 'Running' }, { restartPolicy: 'Never' }), 'Progressing'],
  ['job complete', job({ conditions: [cond('Complete', 'True')] }), 'Healthy'],
  [
    'job failed',
    job({ conditions: [cond('Failed', 'True', 'BackoffLimitExceeded')] }),
    'Degraded',
    /BackoffLimitExceeded/,
  ],
  ['job running', job({ active: 1 }), 'Progressing'],
  ['job suspended', job({}, { suspend: true }), 'Suspended'],
  ['cronjob suspended', o('batch/v1', 'CronJob', { suspend: true }, {}), 'Suspended'],
  ['cronjob', o('batch/v1', 'CronJob', {}, {}), 'Healthy'],
  ['pvc bound', o('v1', 'PersistentVolumeClaim', {}, { phase: 'Bound' }), 'Healthy'],
  ['pvc pending', o('v1', 'PersistentVolumeClaim', {}, { phase: 'Pending' }), 'Progressing'],
  ['pvc lost', o('v1', 'PersistentVolumeClaim', {}, { phase: 'Lost' }), 'Degraded'],
  ['service clusterip', o('v1', 'Service', { type: 'ClusterIP' }, {}), 'Healthy'],
  ['service lb pending', o('v1', 'Service', { type: 'LoadBalancer' }, {}), 'Progressing'],
  [
    'service lb ready',
    o('v1', 'Service', { type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }),
    'Healthy',
  ],
  ['ingress no address', o('networking.k8s.io/v1', 'Ingress', {}, {}), 'Progressing'],
  [
    'ingress address',
    o('networking.k8s.io/v1', 'Ingress', {}, { loadBalancer: { ingress: [{ hostname: 'h' }] } }),
    'Healthy',
  ],
  ['hpa fresh', o('autoscaling/v2', 'HorizontalPodAutoscaler', {}, {}), 'Progressing'],
  [
    'hpa ok',
    o(
      'autoscaling/v2',
      'HorizontalPodAutoscaler',
      {},
      { conditions: [cond('AbleToScale', 'True'), cond('ScalingActive', 'True')] },
    ),
    'Healthy',
  ],
  [
    'hpa no metrics',
    o(
      'autoscaling/v2',
      'HorizontalPodAutoscaler',
      {},
      {
        conditions: [cond('AbleToScale', 'True'), cond('ScalingActive', 'False', 'FailedGetResourceMetric')],
      },
    ),
    'Degraded',
  ],
  [
    'apiservice',
    o('apiregistration.k8s.io/v1', 'APIService', {}, { conditions: [cond('Available', 'True')] }),
    'Healthy',
  ],
  [
    'apiservice down',
    o(
      'apiregistration.k8s.io/v1',
      'APIService',
      {},
      { conditions: [cond('Available', 'False', 'MissingEndpoints')] },
    ),
    'Progressing',
    /MissingEndpoints/,
  ],
  [
    'crd established',
    o(
      'apiextensions.k8s.io/v1',
      'CustomResourceDefinition',
      {},
      { conditions: [cond('Established', 'True')] },
    ),
    'Healthy',
  ],
  [
    'crd names',
    o(
      'apiextensions.k8s.io/v1',
      'CustomResourceDefinition',
      {},
      { conditions: [cond('NamesAccepted', 'False', 'Conflict')] },
    ),
    'Degraded',
  ],
  ['crd new', o('apiextensions.k8s.io/v1', 'CustomResourceDefinition', {}, {}), 'Progressing'],
  ['namespace', o('v1', 'Namespace', {}, { phase: 'Active' }), 'Healthy'],
  ['namespace terminating', o('v1', 'Namespace', {}, { phase: 'Terminating' }), 'Progressing'],
  ['cr no conditions', cr({}), 'Healthy'],
  ['cr ready', cr({ observedGeneration: 1, conditions: [cond('Ready', 'True')] }), 'Healthy'],
  ['cr not ready', cr({ conditions: [cond('Ready', 'False', 'Waiting')] }), 'Progressing', /Waiting/],
  ['cr stalled', cr({ conditions: [cond('Stalled', 'True', 'BadConfig')] }), 'Degraded', /BadConfig/],
  ['cr reconciling', cr({ conditions: [cond('Reconciling', 'True')] }), 'Progressing'],
  ['cr old generation', cr({ observedGeneration: 1, conditions: [cond('Ready', 'True')] }, 2), 'Progressing'],
  ['cr available', cr({ conditions: [cond('Available', 'True')] }), 'Healthy'],
  ['app healthy', o('trueup.dev/v1alpha1', 'Application', {}, { health: { status: 'Healthy' } }), 'Healthy'],
  [
    'app degraded',
    o('trueup.dev/v1alpha1', 'Application', {}, { health: { status: 'Degraded', message: 'x' } }),
    'Degraded',
  ],
  ['app new', o('trueup.dev/v1alpha1', 'Application', {}, {}), 'Progressing'],
  [
    'appset up to date',
    o(
      'trueup.dev/v1alpha1',
      'ApplicationSet',
      {},
      { conditions: [cond('ErrorOccurred', 'False'), cond('ResourcesUpToDate', 'True')] },
    ),
    'Healthy',
  ],
  [
    'appset error',
    o(
      'trueup.dev/v1alpha1',
      'ApplicationSet',
      {},
      {
        conditions: [
          cond('ErrorOccurred', 'True', 'RenderTemplateParamsError', 'both generate web'),
          cond('ResourcesUpToDate', 'False'),
        ],
      },
    ),
    'Degraded',
    /both generate web/,
  ],
  ['appset new', o('trueup.dev/v1alpha1', 'ApplicationSet', {}, {}), 'Progressing'],
  [
    'being deleted',
    { ...dep({}, {}), metadata: { name: 'x', deletionTimestamp: '2026-01-01T00:00:00Z' } },
    'Progressing',
    /deleted/,
  ],
];

test('assessHealth: a table of kinds and states', () => {
  for (const [name, obj, status, message] of cases) {
    const h = assessHealth(obj);
    assert.equal(h.status, status, `${name}: ${h.message}`);
    if (message) assert.match(h.message, message, name);
  }
});

test('worstHealth: Degraded beats Progressing beats Suspended beats Healthy; empty is Healthy', () => {
  const h = (status: HealthStatus, message: string = status) => ({ status, message });
  assert.equal(worstHealth([]).status, 'Healthy');
  assert.deepEqual(worstHealth([h('Healthy'), h('Progressing', 'p'), h('Suspended')]), h('Progressing', 'p'));
  assert.equal(worstHealth([h('Progressing'), h('Degraded'), h('Missing')]).status, 'Degraded');
  assert.equal(worstHealth([h('Healthy'), h('Suspended')]).status, 'Suspended');
});
