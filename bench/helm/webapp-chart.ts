/**
 * The mid-size chart of the Helm benchmark: the shape of a typical web application chart as
 * `helm create` starts it and real charts grow it (ingress-nginx, a Bitnami app): one application
 * with three components (web, worker, scheduler), the usual kinds around them (ServiceAccount,
 * RBAC, ConfigMaps, Secret, Services, Ingress, HPAs, PDBs, NetworkPolicy, CronJob,
 * ServiceMonitor), a pre-install/pre-upgrade migration Job and a `helm test` Pod as hooks, one
 * subchart (a Redis-like cache as a StatefulSet), helpers used through include/tpl/toYaml, a
 * values.schema.json and a file read by `.Files.Get`. About 25 objects, ~30 KB of YAML.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const helpers = `{{/* Names, as helm create writes them. */}}
{{- define "webapp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "webapp.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}
{{- define "webapp.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "webapp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "webapp.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end }}
{{- define "webapp.labels" -}}
helm.sh/chart: {{ include "webapp.chart" .ctx }}
{{ include "webapp.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}
{{- define "webapp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "webapp.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}
{{- define "webapp.image" -}}
{{- $registry := tpl .ctx.Values.image.registry .ctx -}}
{{- $tag := .image.tag | default .ctx.Values.image.tag | default .ctx.Chart.AppVersion -}}
{{- printf "%s/%s:%s" $registry .image.repository $tag -}}
{{- end }}
{{- define "webapp.env" -}}
{{- range $k, $v := .env }}
- name: {{ $k }}
  value: {{ tpl (toString $v) $.ctx | quote }}
{{- end }}
- name: REDIS_HOST
  value: {{ printf "%s-cache" .ctx.Release.Name }}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ include "webapp.fullname" .ctx }}, key: database-password}
{{- end }}
`;

const deployment = `{{- range $component, $c := .Values.components }}
{{- if $c.enabled }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "webapp.fullname" $ }}-{{ $component }}
  labels:
    {{- include "webapp.labels" (dict "ctx" $ "component" $component) | nindent 4 }}
spec:
  {{- if not $c.autoscaling.enabled }}
  replicas: {{ $c.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    {{- toYaml $.Values.updateStrategy | nindent 4 }}
  selector:
    matchLabels:
      {{- include "webapp.selectorLabels" (dict "ctx" $ "component" $component) | nindent 6 }}
  template:
    metadata:
      annotations:
        checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") $ | sha256sum }}
        checksum/secret: {{ include (print $.Template.BasePath "/secret.yaml") $ | sha256sum }}
        {{- with $.Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "webapp.labels" (dict "ctx" $ "component" $component) | nindent 8 }}
    spec:
      serviceAccountName: {{ include "webapp.serviceAccountName" $ }}
      securityContext:
        {{- toYaml $.Values.podSecurityContext | nindent 8 }}
      {{- with $.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ $component }}
          image: {{ include "webapp.image" (dict "ctx" $ "image" $c.image) | quote }}
          imagePullPolicy: {{ $.Values.image.pullPolicy }}
          {{- with $c.args }}
          args:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          securityContext:
            {{- toYaml $.Values.securityContext | nindent 12 }}
          env:
            {{- include "webapp.env" (dict "ctx" $ "env" (merge (deepCopy ($c.env | default dict)) $.Values.env)) | nindent 12 }}
          envFrom:
            - configMapRef: {name: {{ include "webapp.fullname" $ }}-config}
          {{- with $c.port }}
          ports:
            - {name: http, containerPort: {{ . }}, protocol: TCP}
            - {name: metrics, containerPort: 9090, protocol: TCP}
          livenessProbe:
            httpGet: {path: /healthz, port: http}
            initialDelaySeconds: 10
            periodSeconds: 10
            timeoutSeconds: 2
            failureThreshold: 3
          readinessProbe:
            httpGet: {path: /ready, port: http}
            periodSeconds: 5
            timeoutSeconds: 2
          {{- end }}
          resources:
            {{- toYaml (default $.Values.resources $c.resources) | nindent 12 }}
          volumeMounts:
            - {name: config, mountPath: /etc/webapp, readOnly: true}
            - {name: tmp, mountPath: /tmp}
      volumes:
        - name: config
          configMap: {name: {{ include "webapp.fullname" $ }}-files}
        - name: tmp
          emptyDir: {}
      {{- with $.Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    {{- include "webapp.selectorLabels" (dict "ctx" $ "component" $component) | nindent 20 }}
      {{- with $.Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
{{- end }}
`;

const perComponent = (body: string, when: string) => `{{- range $component, $c := .Values.components }}
{{- if and $c.enabled ${when} }}
---
${body}
{{- end }}
{{- end }}
`;

const meta = (kind: string, apiVersion: string, suffix = '-{{ $component }}') => `apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: {{ include "webapp.fullname" $ }}${suffix}
  labels:
    {{- include "webapp.labels" (dict "ctx" $ "component" $component) | nindent 4 }}`;

const topMeta = (kind: string, apiVersion: string, suffix = '') => `apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: {{ include "webapp.fullname" . }}${suffix}
  labels:
    {{- include "webapp.labels" (dict "ctx" .) | nindent 4 }}`;

const templates: Record<string, string> = {
  'templates/_helpers.tpl': helpers,
  'templates/deployment.yaml': deployment,
  'templates/service.yaml': perComponent(
    `${meta('Service', 'v1')}
spec:
  type: {{ $.Values.service.type }}
  selector:
    {{- include "webapp.selectorLabels" (dict "ctx" $ "component" $component) | nindent 4 }}
  ports:
    - {name: http, port: {{ $.Values.service.port }}, targetPort: http, protocol: TCP}
    - {name: metrics, port: 9090, targetPort: metrics, protocol: TCP}`,
    '$c.port',
  ),
  'templates/hpa.yaml': perComponent(
    `${meta('HorizontalPodAutoscaler', 'autoscaling/v2')}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: {{ include "webapp.fullname" $ }}-{{ $component }}}
  minReplicas: {{ $c.autoscaling.minReplicas }}
  maxReplicas: {{ $c.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: {{ $c.autoscaling.targetCPU }}}}`,
    '$c.autoscaling.enabled',
  ),
  'templates/pdb.yaml': perComponent(
    `${meta('PodDisruptionBudget', 'policy/v1')}
spec:
  minAvailable: 1
  selector:
    matchLabels:
      {{- include "webapp.selectorLabels" (dict "ctx" $ "component" $component) | nindent 6 }}`,
    '(gt (int $c.replicas) 1)',
  ),
  'templates/serviceaccount.yaml': `{{- if .Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "webapp.serviceAccountName" . }}
  labels:
    {{- include "webapp.labels" (dict "ctx" .) | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end }}
`,
  'templates/rbac.yaml': `${topMeta('Role', 'rbac.authorization.k8s.io/v1')}
rules:
  {{- toYaml .Values.rbac.rules | nindent 2 }}
---
${topMeta('RoleBinding', 'rbac.authorization.k8s.io/v1')}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: {{ include "webapp.fullname" . }}}
subjects:
  - {kind: ServiceAccount, name: {{ include "webapp.serviceAccountName" . }}, namespace: {{ .Release.Namespace }}}
`,
  'templates/configmap.yaml': `${topMeta('ConfigMap', 'v1', '-config')}
data:
  {{- range $k, $v := .Values.config }}
  {{ $k }}: {{ tpl (toString $v) $ | quote }}
  {{- end }}
---
${topMeta('ConfigMap', 'v1', '-files')}
data:
  app.yaml: |
    {{- tpl (.Files.Get "files/app.yaml") . | nindent 4 }}
  logging.yaml: |
    {{- toYaml .Values.logging | nindent 4 }}
`,
  'templates/secret.yaml': `${topMeta('Secret', 'v1')}
type: Opaque
data:
  database-password: {{ .Values.database.password | b64enc | quote }}
  session-key: {{ printf "%s-%s" .Release.Name .Values.database.name | sha256sum | b64enc | quote }}
`,
  'templates/ingress.yaml': `{{- if .Values.ingress.enabled }}
${topMeta('Ingress', 'networking.k8s.io/v1')}
  annotations:
    {{- toYaml .Values.ingress.annotations | nindent 4 }}
spec:
  ingressClassName: {{ .Values.ingress.className }}
  tls:
    - hosts: [{{ tpl .Values.ingress.host . | quote }}]
      secretName: {{ include "webapp.fullname" . }}-tls
  rules:
    - host: {{ tpl .Values.ingress.host . | quote }}
      http:
        paths:
          {{- range .Values.ingress.paths }}
          - path: {{ .path }}
            pathType: Prefix
            backend:
              service: {name: {{ include "webapp.fullname" $ }}-{{ .component }}, port: {name: http}}
          {{- end }}
{{- end }}
`,
  'templates/networkpolicy.yaml': `${topMeta('NetworkPolicy', 'networking.k8s.io/v1')}
spec:
  podSelector:
    matchLabels:
      {{- include "webapp.selectorLabels" (dict "ctx" .) | nindent 6 }}
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}
        - podSelector:
            matchLabels:
              {{- include "webapp.selectorLabels" (dict "ctx" .) | nindent 14 }}
  egress:
    - to: [{namespaceSelector: {}}]
      ports: [{port: 53, protocol: UDP}, {port: 5432, protocol: TCP}, {port: 6379, protocol: TCP}]
`,
  'templates/cronjob.yaml': `${topMeta('CronJob', 'batch/v1', '-cleanup')}
spec:
  schedule: {{ .Values.cleanup.schedule | quote }}
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          serviceAccountName: {{ include "webapp.serviceAccountName" . }}
          containers:
            - name: cleanup
              image: {{ include "webapp.image" (dict "ctx" . "image" .Values.components.worker.image) | quote }}
              args: [cleanup, --older-than, {{ .Values.cleanup.olderThan | quote }}]
              env:
                {{- include "webapp.env" (dict "ctx" . "env" .Values.env) | nindent 16 }}
              resources:
                {{- toYaml .Values.resources | nindent 16 }}
`,
  'templates/servicemonitor.yaml': `{{- if .Values.metrics.serviceMonitor.enabled }}
${topMeta('ServiceMonitor', 'monitoring.coreos.com/v1')}
spec:
  selector:
    matchLabels:
      {{- include "webapp.selectorLabels" (dict "ctx" .) | nindent 6 }}
  endpoints:
    - {port: metrics, interval: {{ .Values.metrics.serviceMonitor.interval }}, path: /metrics}
{{- end }}
`,
  'templates/migrate-job.yaml': `${topMeta('Job', 'batch/v1', '-migrate')}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-5"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: {{ include "webapp.image" (dict "ctx" . "image" .Values.components.web.image) | quote }}
          args: [migrate, --to, latest]
          env:
            {{- include "webapp.env" (dict "ctx" . "env" .Values.env) | nindent 12 }}
`,
  'templates/tests/test-connection.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: "{{ include "webapp.fullname" . }}-test-connection"
  annotations: {helm.sh/hook: test}
spec:
  restartPolicy: Never
  containers:
    - name: wget
      image: busybox
      command: [wget]
      args: ['{{ include "webapp.fullname" . }}-web:{{ .Values.service.port }}']
`,
  'templates/NOTES.txt': `1. Get the application URL:
  https://{{ tpl .Values.ingress.host . }}/
`,
};

const component = (name: string, replicas: number, port: string, extra: string) => `  ${name}:
    enabled: true
    replicas: ${replicas}
    image: {repository: webapp-${name}}
${port}    autoscaling: {enabled: ${replicas > 1}, minReplicas: ${replicas}, maxReplicas: ${replicas * 5}, targetCPU: 75}
${extra}`;

const values = `image:
  registry: "registry.{{ .Values.global.domain }}"
  tag: ""
  pullPolicy: IfNotPresent
imagePullSecrets: [{name: registry-credentials}]
global: {domain: example.com, environment: production}
commonLabels: {team: storefront, cost-center: cc-1234}
podAnnotations: {prometheus.io/scrape: "true", prometheus.io/port: "9090"}
serviceAccount: {create: true, name: "", annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::123456789012:role/webapp"}}
podSecurityContext: {runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001, seccompProfile: {type: RuntimeDefault}}
securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
updateStrategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}}
resources:
  requests: {cpu: 100m, memory: 256Mi}
  limits: {cpu: "1", memory: 512Mi}
nodeSelector: {kubernetes.io/os: linux}
tolerations: [{key: dedicated, operator: Equal, value: web, effect: NoSchedule}]
env:
  APP_ENV: "{{ .Values.global.environment }}"
  PUBLIC_URL: "https://{{ tpl .Values.ingress.host . }}"
  LOG_FORMAT: json
  DATABASE_HOST: "{{ .Values.database.host }}"
  DATABASE_NAME: "{{ .Values.database.name }}"
components:
${component('web', 3, '    port: 8080\n', '    resources: {requests: {cpu: 250m, memory: 384Mi}, limits: {cpu: "2", memory: 1Gi}}\n')}${component('worker', 2, '', '    args: [worker, --queues, "default,mail,reports"]\n    env: {WORKER_CONCURRENCY: "8"}\n')}${component('scheduler', 1, '', '    args: [scheduler]\n')}
service: {type: ClusterIP, port: 80}
ingress:
  enabled: true
  className: nginx
  host: "shop.{{ .Values.global.domain }}"
  annotations: {cert-manager.io/cluster-issuer: letsencrypt, nginx.ingress.kubernetes.io/proxy-body-size: 16m}
  paths: [{path: /, component: web}, {path: /api, component: web}]
rbac:
  rules:
    - {apiGroups: [""], resources: [configmaps], verbs: [get, list, watch]}
    - {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get, create, update]}
config:
  CACHE_TTL: "300"
  FEATURE_FLAGS: "checkout-v2,search-suggest"
  MAIL_FROM: "shop@{{ .Values.global.domain }}"
  UPLOAD_BUCKET: "{{ .Release.Name }}-uploads"
logging: {level: info, format: json, outputs: [{type: stdout}], loggers: {http: warn, sql: error}}
database: {host: postgres.db.svc, name: shop, password: change-me}
cleanup: {schedule: "17 3 * * *", olderThan: 30d}
metrics: {serviceMonitor: {enabled: true, interval: 30s}}
cache:
  enabled: true
  replicas: 3
  persistence: {size: 8Gi, storageClass: standard}
`;

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['image', 'components', 'service', 'database'],
  properties: {
    image: {
      type: 'object',
      required: ['registry', 'pullPolicy'],
      properties: {
        registry: { type: 'string' },
        tag: { type: 'string' },
        pullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] },
      },
    },
    components: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['enabled', 'replicas', 'image'],
        properties: {
          enabled: { type: 'boolean' },
          replicas: { type: 'integer', minimum: 0 },
          port: { type: 'integer', minimum: 1, maximum: 65535 },
          autoscaling: {
            type: 'object',
            properties: {
              enabled: { type: 'boolean' },
              minReplicas: { type: 'integer' },
              maxReplicas: { type: 'integer' },
              targetCPU: { type: 'integer', minimum: 1, maximum: 100 },
            },
          },
        },
      },
    },
    service: {
      type: 'object',
      properties: { type: { enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] }, port: { type: 'integer' } },
    },
    ingress: {
      type: 'object',
      properties: { enabled: { type: 'boolean' }, className: { type: 'string' }, host: { type: 'string' } },
    },
    database: {
      type: 'object',
      required: ['host', 'name'],
      properties: { host: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' } },
    },
  },
};

const appFile = `server:
  listen: ":8080"
  publicUrl: "https://{{ tpl .Values.ingress.host . }}"
  readTimeout: 15s
  writeTimeout: 30s
database:
  host: {{ .Values.database.host }}
  name: {{ .Values.database.name }}
  pool: {min: 2, max: 20}
cache:
  url: "redis://{{ .Release.Name }}-cache:6379/0"
`;

const cache: Record<string, string> = {
  'charts/cache/Chart.yaml': 'apiVersion: v2\nname: cache\nversion: 7.2.4\nappVersion: "7.2"\n',
  'charts/cache/values.yaml': `replicas: 1
image: {repository: redis, tag: 7.2-alpine}
persistence: {size: 1Gi, storageClass: ""}
resources: {requests: {cpu: 50m, memory: 64Mi}, limits: {memory: 256Mi}}
config: {maxmemory: 200mb, maxmemory-policy: allkeys-lru, appendonly: "yes"}
`,
  'charts/cache/templates/_helpers.tpl': `{{- define "cache.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "cache.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
`,
  'charts/cache/templates/statefulset.yaml': `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ include "cache.fullname" . }}
  labels: {{- include "cache.labels" . | nindent 4 }}
spec:
  serviceName: {{ include "cache.fullname" . }}-headless
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {{- include "cache.labels" . | nindent 6 }}
  template:
    metadata:
      labels: {{- include "cache.labels" . | nindent 8 }}
      annotations:
        checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
    spec:
      securityContext: {runAsUser: 999, fsGroup: 999}
      containers:
        - name: redis
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          args: [redis-server, /etc/redis/redis.conf]
          ports: [{name: redis, containerPort: 6379}]
          readinessProbe: {exec: {command: [redis-cli, ping]}, periodSeconds: 5}
          resources: {{- toYaml .Values.resources | nindent 12 }}
          volumeMounts:
            - {name: data, mountPath: /data}
            - {name: config, mountPath: /etc/redis}
      volumes:
        - name: config
          configMap: {name: {{ include "cache.fullname" . }}}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        {{- with .Values.persistence.storageClass }}
        storageClassName: {{ . }}
        {{- end }}
        resources: {requests: {storage: {{ .Values.persistence.size }}}}
`,
  'charts/cache/templates/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ include "cache.fullname" . }}
  labels: {{- include "cache.labels" . | nindent 4 }}
spec:
  selector: {{- include "cache.labels" . | nindent 4 }}
  ports: [{name: redis, port: 6379, targetPort: redis}]
---
apiVersion: v1
kind: Service
metadata:
  name: {{ include "cache.fullname" . }}-headless
  labels: {{- include "cache.labels" . | nindent 4 }}
spec:
  clusterIP: None
  selector: {{- include "cache.labels" . | nindent 4 }}
  ports: [{name: redis, port: 6379, targetPort: redis}]
`,
  'charts/cache/templates/configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "cache.fullname" . }}
  labels: {{- include "cache.labels" . | nindent 4 }}
data:
  redis.conf: |
    {{- range $k, $v := .Values.config }}
    {{ $k }} {{ $v }}
    {{- end }}
`,
};

export function writeWebAppChart(root: string): void {
  const files: Record<string, string> = {
    'Chart.yaml': `apiVersion: v2
name: webapp
description: A storefront web application
version: 1.4.2
appVersion: "2.18.0"
dependencies:
  - {name: cache, version: 7.2.4, condition: cache.enabled}
`,
    'values.yaml': values,
    'values.schema.json': JSON.stringify(schema, null, 2),
    'files/app.yaml': appFile,
    ...templates,
    ...cache,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}
