/**
 * The large chart of the Helm benchmark, written to a directory: the shape of a big platform
 * chart (many services in one release): a library of named templates, two
 * subcharts (one twice, by alias), 24 services each with a Deployment, Service, ConfigMap,
 * ServiceAccount, HPA and PodDisruptionBudget, a values.schema.json, hooks and CRDs.
 * About 160 objects, ~110 KB of YAML.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

const perService = [
  ['deployment', 'apps/v1', 'Deployment'],
  ['service', 'v1', 'Service'],
  ['configmap', 'v1', 'ConfigMap'],
  ['serviceaccount', 'v1', 'ServiceAccount'],
  ['hpa', 'autoscaling/v2', 'HorizontalPodAutoscaler'],
  ['pdb', 'policy/v1', 'PodDisruptionBudget'],
] as const;

function serviceTemplate(kind: (typeof perService)[number][2], apiVersion: string): string {
  const head = `{{- range $name, $svc := .Values.services }}
---
apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: {{ include "lib.fullname" $ }}-{{ $name }}
  labels:
    {{- include "lib.labels" (dict "ctx" $ "component" $name) | nindent 4 }}
  annotations:
    {{- toYaml $.Values.commonAnnotations | nindent 4 }}
`;
  const specs: Record<string, string> = {
    Deployment: `spec:
  replicas: {{ $svc.replicas | default $.Values.defaults.replicas }}
  selector:
    matchLabels: {{- include "lib.selector" (dict "ctx" $ "component" $name) | nindent 6 }}
  template:
    metadata:
      labels: {{- include "lib.selector" (dict "ctx" $ "component" $name) | nindent 8 }}
      annotations:
        checksum/config: {{ toJson $svc | sha256sum }}
    spec:
      serviceAccountName: {{ include "lib.fullname" $ }}-{{ $name }}
      containers:
        - name: {{ $name }}
          image: "{{ $.Values.image.registry }}/{{ $name }}:{{ $svc.tag | default $.Chart.AppVersion }}"
          ports:
            - {name: http, containerPort: {{ $svc.port | default 8080 }}}
          env:
            {{- range $k, $v := merge ($svc.env | default dict) $.Values.defaults.env }}
            - {name: {{ $k | upper | replace "-" "_" }}, value: {{ tpl (toString $v) $ | quote }}}
            {{- end }}
          resources: {{- toYaml (default $.Values.defaults.resources $svc.resources) | nindent 12 }}
          livenessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 10}
          readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 5}
{{- end }}
`,
    Service: `spec:
  selector: {{- include "lib.selector" (dict "ctx" $ "component" $name) | nindent 4 }}
  ports: [{name: http, port: 80, targetPort: http}]
{{- end }}
`,
    ConfigMap: `data:
  service.yaml: |
    {{- toYaml (dict "name" $name "settings" $svc "global" $.Values.global) | nindent 4 }}
  {{- range $i, $f := $.Values.features }}
  feature-{{ $f }}: {{ has $f ($svc.features | default list) | quote }}
  {{- end }}
{{- end }}
`,
    ServiceAccount: `automountServiceAccountToken: false
{{- end }}
`,
    HorizontalPodAutoscaler: `spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: {{ include "lib.fullname" $ }}-{{ $name }}}
  minReplicas: {{ $svc.replicas | default $.Values.defaults.replicas }}
  maxReplicas: {{ mul ($svc.replicas | default $.Values.defaults.replicas) 4 }}
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}]
{{- end }}
`,
    PodDisruptionBudget: `spec:
  maxUnavailable: 1
  selector:
    matchLabels: {{- include "lib.selector" (dict "ctx" $ "component" $name) | nindent 6 }}
{{- end }}
`,
  };
  return head + specs[kind];
}

export function writeLargeChart(root: string): void {
  const services: string[] = [];
  for (let i = 0; i < 24; i++)
    services.push(
      `  svc${String(i).padStart(2, '0')}:\n    replicas: ${(i % 4) + 1}\n    port: ${8000 + i}\n    features: [search, cart]\n    env: {REGION: "eu-{{ .Release.Namespace }}", SHARD: "${i}"}`,
    );
  const files: Record<string, string> = {
    'Chart.yaml': `apiVersion: v2
name: platform
version: 3.1.0
appVersion: "3.1"
dependencies:
  - {name: lib, version: 1.0.0}
  - {name: exporter, version: 0.4.0, alias: node-exporter}
  - {name: exporter, version: 0.4.0, alias: blackbox, condition: blackbox.enabled}
  - {name: gateway, version: 2.0.0, condition: gateway.enabled}
`,
    'values.yaml': `image: {registry: registry.example.com/platform}
global: {cluster: bench, env: prod}
commonAnnotations: {owner: platform-team, tier: backend}
features: [search, cart, checkout, wishlist, reviews]
defaults:
  replicas: 2
  env: {LOG_LEVEL: info, CLUSTER: "{{ .Values.global.cluster }}"}
  resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: "1", memory: 512Mi}}
blackbox: {enabled: true}
gateway: {enabled: true, replicas: 3}
services:
${services.join('\n')}
`,
    'values.schema.json': JSON.stringify({
      type: 'object',
      required: ['services', 'defaults'],
      properties: {
        services: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            properties: { replicas: { type: 'integer', minimum: 1 }, port: { type: 'integer' } },
          },
        },
      },
    }),
    'crds/widgets.yaml': `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.platform.example.com}
spec:
  group: platform.example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
`,
    'templates/hooks.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "lib.fullname" . }}-migrate
  annotations: {helm.sh/hook: pre-install, helm.sh/hook-weight: "-1"}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: m, image: "{{ .Values.image.registry }}/migrate:{{ .Chart.AppVersion }}"}]
`,
    'templates/NOTES.txt': '{{ include "lib.fullname" . }} installed\n',
    'charts/lib/Chart.yaml': 'apiVersion: v2\nname: lib\nversion: 1.0.0\ntype: library\n',
    'charts/lib/templates/_helpers.tpl': `{{- define "lib.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- define "lib.selector" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- end -}}
{{- define "lib.labels" -}}
{{ include "lib.selector" . }}
app.kubernetes.io/part-of: {{ .ctx.Chart.Name }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version }}
env: {{ .ctx.Values.global.env }}
{{- end -}}
`,
    'charts/exporter/Chart.yaml': 'apiVersion: v2\nname: exporter\nversion: 0.4.0\nappVersion: "1.8"\n',
    'charts/exporter/values.yaml': 'port: 9100\nscrapeInterval: 30s\n',
    'charts/exporter/templates/all.yaml': `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: "{{ .Release.Name }}-{{ .Chart.Name }}"}
spec:
  selector: {matchLabels: {app: "{{ .Chart.Name }}"}}
  template:
    metadata: {labels: {app: "{{ .Chart.Name }}"}}
    spec:
      containers: [{name: e, image: "prom/{{ .Chart.Name }}:v{{ .Chart.AppVersion }}", ports: [{containerPort: {{ .Values.port }}}]}]
---
apiVersion: v1
kind: Service
metadata: {name: "{{ .Release.Name }}-{{ .Chart.Name }}"}
spec: {selector: {app: "{{ .Chart.Name }}"}, ports: [{port: {{ .Values.port }}}]}
`,
    'charts/gateway/Chart.yaml': 'apiVersion: v2\nname: gateway\nversion: 2.0.0\n',
    'charts/gateway/values.yaml': 'replicas: 1\nroutes: [api, web, admin, static, auth, search]\n',
    'charts/gateway/templates/routes.yaml': `{{- range .Values.routes }}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: "{{ $.Release.Name }}-{{ . }}"}
spec:
  rules: [{host: "{{ . }}.{{ $.Values.global.cluster }}.example.com", http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: "{{ . }}", port: {number: 80}}}}]}}]
{{- end }}
`,
  };
  for (const [file, apiVersion, kind] of perService)
    files[`templates/${file}.yaml`] = serviceTemplate(kind, apiVersion);
  write(root, files);
}
