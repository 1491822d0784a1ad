/**
 * Where Kustomize's built-in transformers act (the default "transformer configurations"), and
 * the merge of custom `configurations:` files into them. Compact tables, expanded once.
 */
import type { FieldSpec } from './fieldspec.js';

export interface NameRefEntry {
  group?: string;
  version?: string;
  kind: string;
  fieldSpecs: FieldSpec[];
}

export interface TransformerConfig {
  namePrefix: FieldSpec[];
  nameSuffix: FieldSpec[];
  namespace: FieldSpec[];
  commonLabels: FieldSpec[];
  templateLabels: FieldSpec[];
  commonAnnotations: FieldSpec[];
  nameReference: NameRefEntry[];
  varReference: FieldSpec[];
  images: FieldSpec[];
  replicas: FieldSpec[];
}

/** `group/Kind` or `Kind` or `group/version/Kind` ('' group written as `/Kind` is core). */
function gk(spec: string): Omit<FieldSpec, 'path'> {
  const parts = spec.split('/');
  if (parts.length === 1) return { kind: parts[0]! };
  if (parts.length === 2) return parts[0] ? { group: parts[0], kind: parts[1]! } : { kind: parts[1]! };
  return { group: parts[0]!, version: parts[1]!, kind: parts[2]! };
}

function specs(kinds: string[], paths: string[], create = false): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const k of kinds)
    for (const path of paths) out.push({ ...gk(k), path, ...(create ? { create } : {}) });
  return out;
}

/** Where each workload kind keeps its pod spec. */
const POD_SPEC: [string, string][] = [
  ['/v1/Pod', 'spec'],
  ['PodTemplate', 'template/spec'],
  ['Deployment', 'spec/template/spec'],
  ['ReplicaSet', 'spec/template/spec'],
  ['DaemonSet', 'spec/template/spec'],
  ['StatefulSet', 'spec/template/spec'],
  ['Job', 'spec/template/spec'],
  ['CronJob', 'spec/jobTemplate/spec/template/spec'],
];

function inPodSpecs(rels: string[], kinds = POD_SPEC): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const [k, base] of kinds) for (const rel of rels) out.push({ ...gk(k), path: `${base}/${rel}` });
  return out;
}

const CM_REFS = [
  'volumes/configMap/name',
  'containers/env/valueFrom/configMapKeyRef/name',
  'initContainers/env/valueFrom/configMapKeyRef/name',
  'containers/envFrom/configMapRef/name',
  'initContainers/envFrom/configMapRef/name',
  'volumes/projected/sources/configMap/name',
];
const SECRET_REFS = [
  'volumes/secret/secretName',
  'containers/env/valueFrom/secretKeyRef/name',
  'initContainers/env/valueFrom/secretKeyRef/name',
  'containers/envFrom/secretRef/name',
  'initContainers/envFrom/secretRef/name',
  'imagePullSecrets/name',
  'volumes/projected/sources/secret/name',
];
const POD_KINDS_SA: [string, string][] = [
  ['Pod', 'spec'],
  ['StatefulSet', 'spec/template/spec'],
  ['Deployment', 'spec/template/spec'],
  ['ReplicationController', 'spec/template/spec'],
  ['CronJob', 'spec/jobTemplate/spec/template/spec'],
  ['Job', 'spec/template/spec'],
  ['DaemonSet', 'spec/template/spec'],
];

function nameReferences(): NameRefEntry[] {
  const scale = specs(['HorizontalPodAutoscaler'], ['spec/scaleTargetRef/name']);
  return [
    { kind: 'Deployment', fieldSpecs: scale },
    { kind: 'ReplicationController', fieldSpecs: scale },
    { kind: 'ReplicaSet', fieldSpecs: scale },
    { kind: 'StatefulSet', fieldSpecs: scale },
    {
      kind: 'ConfigMap',
      version: 'v1',
      fieldSpecs: [
        ...inPodSpecs(CM_REFS),
        ...specs(['Node'], ['spec/configSource/configMap']),
        ...specs(['Role', 'ClusterRole'], ['rules/resourceNames']),
        ...specs(
          ['Ingress'],
          ['metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap'],
        ),
      ],
    },
    {
      kind: 'Secret',
      version: 'v1',
      fieldSpecs: [
        ...inPodSpecs(SECRET_REFS),
        ...specs(
          ['Ingress'],
          [
            'spec/tls/secretName',
            'metadata/annotations/ingress.kubernetes.io\\/auth-secret',
            'metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret',
            'metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret',
          ],
        ),
        ...specs(['ServiceAccount'], ['imagePullSecrets/name']),
        ...specs(
          ['StorageClass'],
          [
            'parameters/secretName',
            'parameters/adminSecretName',
            'parameters/userSecretName',
            'parameters/secretRef',
          ],
        ),
        ...specs(['Role', 'ClusterRole'], ['rules/resourceNames']),
        ...specs(
          ['serving.knative.dev/v1/Service'],
          ['spec/template/spec/containers/env/valueFrom/secretKeyRef/name'],
        ),
        ...specs(['PersistentVolume'], ['spec/azureFile/secretName']),
      ],
    },
    {
      kind: 'Service',
      version: 'v1',
      fieldSpecs: [
        ...specs(['apps/StatefulSet'], ['spec/serviceName']),
        ...specs(
          ['Ingress'],
          [
            'spec/rules/http/paths/backend/serviceName',
            'spec/backend/serviceName',
            'spec/rules/http/paths/backend/service/name',
            'spec/defaultBackend/service/name',
          ],
        ),
        ...specs(['apiregistration.k8s.io/APIService'], ['spec/service/name']),
        ...specs(
          [
            'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
            'admissionregistration.k8s.io/MutatingWebhookConfiguration',
          ],
          ['webhooks/clientConfig/service'],
        ),
        ...specs(['HTTPRoute'], ['spec/rules/backendRefs/name']),
      ],
    },
    {
      kind: 'Role',
      group: 'rbac.authorization.k8s.io',
      fieldSpecs: specs(['rbac.authorization.k8s.io/RoleBinding'], ['roleRef/name']),
    },
    {
      kind: 'ClusterRole',
      group: 'rbac.authorization.k8s.io',
      fieldSpecs: specs(
        ['rbac.authorization.k8s.io/RoleBinding', 'rbac.authorization.k8s.io/ClusterRoleBinding'],
        ['roleRef/name'],
      ),
    },
    {
      kind: 'ServiceAccount',
      version: 'v1',
      fieldSpecs: [
        ...specs(
          ['rbac.authorization.k8s.io/RoleBinding', 'rbac.authorization.k8s.io/ClusterRoleBinding'],
          ['subjects'],
        ),
        ...inPodSpecs(['serviceAccountName'], POD_KINDS_SA),
      ],
    },
    {
      kind: 'PersistentVolumeClaim',
      version: 'v1',
      fieldSpecs: inPodSpecs(['volumes/persistentVolumeClaim/claimName'], POD_KINDS_SA),
    },
    {
      kind: 'PersistentVolume',
      version: 'v1',
      fieldSpecs: [
        ...specs(['PersistentVolumeClaim'], ['spec/volumeName']),
        ...specs(['ClusterRole'], ['rules/resourceNames']),
      ],
    },
    {
      kind: 'StorageClass',
      version: 'v1',
      group: 'storage.k8s.io',
      fieldSpecs: [
        ...specs(['PersistentVolume', 'PersistentVolumeClaim'], ['spec/storageClassName']),
        ...specs(['StatefulSet'], ['spec/volumeClaimTemplates/spec/storageClassName']),
      ],
    },
    {
      kind: 'PriorityClass',
      version: 'v1',
      group: 'scheduling.k8s.io',
      fieldSpecs: inPodSpecs(['priorityClassName'], POD_KINDS_SA),
    },
    {
      kind: 'ValidatingAdmissionPolicy',
      group: 'admissionregistration.k8s.io',
      fieldSpecs: specs(
        ['admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding'],
        ['spec/policyName'],
      ),
    },
    {
      kind: 'IngressClass',
      version: 'v1',
      // Kustomize's table says group networking.k8s.io/v1, which matches nothing: ingressClassName
      // is never updated. Kept for identical output.
      group: 'networking.k8s.io/v1',
      fieldSpecs: specs(['Ingress'], ['spec/ingressClassName']),
    },
  ];
}

const TEMPLATE_LABELS: FieldSpec[] = [
  ...specs(
    ['/v1/ReplicationController', 'Deployment', 'ReplicaSet', 'DaemonSet', 'apps/StatefulSet', 'batch/Job'],
    ['spec/template/metadata/labels'],
    true,
  ),
  ...specs(
    ['batch/CronJob'],
    ['spec/jobTemplate/metadata/labels', 'spec/jobTemplate/spec/template/metadata/labels'],
    true,
  ),
];

const AFFINITY = [
  'spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels',
];

const SELECTORS: FieldSpec[] = [
  ...specs(['/v1/Service', '/v1/ReplicationController'], ['spec/selector'], true),
  ...specs(
    ['Deployment', 'ReplicaSet', 'DaemonSet', 'apps/StatefulSet'],
    ['spec/selector/matchLabels'],
    true,
  ),
  ...specs(['apps/StatefulSet'], ['spec/volumeClaimTemplates[]/metadata/labels'], true),
  ...specs(['apps/Deployment', 'apps/StatefulSet'], AFFINITY),
  ...specs(['batch/Job'], ['spec/selector/matchLabels']),
  ...specs(['batch/CronJob'], ['spec/jobTemplate/spec/selector/matchLabels']),
  ...specs(['policy/PodDisruptionBudget'], ['spec/selector/matchLabels']),
  ...specs(
    ['networking.k8s.io/NetworkPolicy'],
    [
      'spec/podSelector/matchLabels',
      'spec/ingress/from/podSelector/matchLabels',
      'spec/egress/to/podSelector/matchLabels',
    ],
  ),
];

function varRefs(): FieldSpec[] {
  const rels = ['args', 'command', 'env/value', 'volumeMounts/mountPath'];
  const c = (base: string) => [
    ...rels.flatMap((r) => [`${base}/containers/${r}`, `${base}/initContainers/${r}`]),
    `${base}/volumes/nfs/server`,
  ];
  return [
    ...specs(['CronJob'], c('spec/jobTemplate/spec/template/spec')),
    ...specs(['DaemonSet', 'Deployment', 'Job', 'ReplicaSet', 'StatefulSet'], c('spec/template/spec')),
    ...specs(['Pod'], c('spec')),
    ...specs(['Ingress'], ['spec/rules/host', 'spec/tls/hosts', 'spec/tls/secretName']),
    ...specs(['Service'], ['spec/ports/port', 'spec/ports/targetPort']),
    ...specs(['PersistentVolume'], ['spec/nfs/server']),
    ...specs(['StatefulSet'], ['spec/volumeClaimTemplates/spec/nfs/server']),
    ...specs(['CronJob'], ['spec/jobTemplate/spec/template/volumes/nfs/server']),
    { path: 'metadata/labels' },
    { path: 'metadata/annotations' },
    { path: 'spec/template/metadata/annotations' },
  ];
}

export function defaultConfig(): TransformerConfig {
  return {
    namePrefix: [{ path: 'metadata/name' }],
    nameSuffix: [{ path: 'metadata/name' }],
    namespace: [{ path: 'metadata/namespace', create: true }],
    commonLabels: [{ path: 'metadata/labels', create: true }, ...TEMPLATE_LABELS, ...SELECTORS],
    templateLabels: [{ path: 'metadata/labels', create: true }, ...TEMPLATE_LABELS],
    commonAnnotations: [
      { path: 'metadata/annotations', create: true },
      ...specs(
        ['/v1/ReplicationController', 'Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'batch/Job'],
        ['spec/template/metadata/annotations'],
        true,
      ),
      ...specs(
        ['batch/CronJob'],
        ['spec/jobTemplate/metadata/annotations', 'spec/jobTemplate/spec/template/metadata/annotations'],
        true,
      ),
    ],
    nameReference: nameReferences(),
    varReference: varRefs(),
    images: [],
    replicas: specs(
      ['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet'],
      ['spec/replicas'],
      true,
    ),
  };
}

function specKey(s: FieldSpec): string {
  return `${s.group ?? ''}|${s.version ?? ''}|${s.kind ?? ''}|${s.path}`;
}

/** True when `x` adds nothing to `s`: same path, and x's group/version/kind (where set) are s's. */
function covered(x: FieldSpec, s: FieldSpec): boolean {
  return (
    x.path === s.path &&
    (!x.kind || x.kind === s.kind) &&
    (!x.group || x.group === s.group) &&
    (!x.version || x.version === s.version)
  );
}

function mergeSpecs(a: FieldSpec[], b: readonly FieldSpec[]): FieldSpec[] {
  const seen = new Set(a.map(specKey));
  const out = [...a];
  for (const s of b) {
    if (seen.has(specKey(s)) || out.some((o) => covered(s, o))) continue;
    seen.add(specKey(s));
    out.push(s);
  }
  return out;
}

/** Adds `extra`'s specs to `base` (in place), skipping ones already there. */
export function mergeConfig(base: TransformerConfig, extra: Partial<TransformerConfig>): void {
  for (const key of [
    'namePrefix',
    'nameSuffix',
    'namespace',
    'commonLabels',
    'templateLabels',
    'commonAnnotations',
    'varReference',
    'images',
    'replicas',
  ] as const) {
    const add = extra[key];
    if (add) base[key] = mergeSpecs(base[key], add);
  }
  for (const entry of extra.nameReference ?? []) {
    // a version on both sides that differs is another referenced kind (a `crds:` ref to v2)
    const same = base.nameReference.find(
      (e) =>
        e.kind === entry.kind &&
        (e.group ?? '') === (entry.group ?? '') &&
        (!e.version || !entry.version || e.version === entry.version),
    );
    if (same) same.fieldSpecs = mergeSpecs(same.fieldSpecs, entry.fieldSpecs);
    else base.nameReference.push({ ...entry, fieldSpecs: [...entry.fieldSpecs] });
  }
}

export function emptyConfig(): TransformerConfig {
  return {
    namePrefix: [],
    nameSuffix: [],
    namespace: [],
    commonLabels: [],
    templateLabels: [],
    commonAnnotations: [],
    nameReference: [],
    varReference: [],
    images: [],
    replicas: [],
  };
}
