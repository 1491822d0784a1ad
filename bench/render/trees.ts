/** The benchmark's trees: a seed-style app overlay and a 2,000+ object tree under three overlay layers. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function put(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const K = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';

function workload(name: string, image: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  replicas: 1
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      serviceAccountName: ${name}
      containers:
      - name: ${name}
        image: ${image}:1.0.0
        ports: [{name: http, containerPort: 8080}]
        envFrom: [{configMapRef: {name: ${name}-config}}]
        resources:
          requests: {cpu: 100m, memory: 128Mi}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: ${name}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: ${name}}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ${name}}
  minReplicas: 1
  maxReplicas: 3
`;
}

export function seedTree(dir: string): string {
  put(join(dir, 'apps/web/base/app.yaml'), workload('web', 'ghcr.io/acme/web'));
  put(
    join(dir, 'apps/web/base/kustomization.yaml'),
    `${K}resources: [app.yaml]\nconfigMapGenerator:\n- name: web-config\n  literals: [LOG_LEVEL=info, PORT=8080]\n`,
  );
  put(
    join(dir, 'apps/web/overlays/production/kustomization.yaml'),
    `${K}namespace: web\ncommonLabels: {env: production}\nresources: [../../base]\nimages:\n- {name: ghcr.io/acme/web, newTag: 1.4.2}\nreplicas:\n- {name: web, count: 4}\nconfigMapGenerator:\n- name: web-config\n  behavior: merge\n  literals: [LOG_LEVEL=warn]\npatches:\n- path: resources.yaml\n- target: {kind: HorizontalPodAutoscaler}\n  patch: |-\n    - {op: replace, path: /spec/maxReplicas, value: 12}\n`,
  );
  put(
    join(dir, 'apps/web/overlays/production/resources.yaml'),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        resources:\n          limits: {memory: 1Gi}\n',
  );
  return join(dir, 'apps/web/overlays/production');
}

/** 40 services x 13 files x 4 objects + generators = 2,000+ objects, under three overlay layers. */
export function largeTree(dir: string): { path: string; objects: number } {
  const services = 40;
  const perService = 13;
  const baseRes: string[] = [];
  for (let s = 0; s < services; s++) {
    const svc = `svc${String(s).padStart(2, '0')}`;
    const files: string[] = [];
    for (let i = 0; i < perService; i++) {
      const name = `${svc}-c${String(i).padStart(2, '0')}`;
      put(join(dir, `base/${svc}/${name}.yaml`), workload(name, `registry.example.com/${svc}/app`));
      files.push(`${name}.yaml`);
    }
    put(
      join(dir, `base/${svc}/kustomization.yaml`),
      `${K}resources:\n${files.map((f) => `- ${f}`).join('\n')}\nconfigMapGenerator:\n${Array.from(
        { length: perService },
        (_, i) =>
          `- name: ${svc}-c${String(i).padStart(2, '0')}-config\n  literals: [SERVICE=${svc}, INDEX=${i}]`,
      ).join('\n')}\n`,
    );
    baseRes.push(svc);
  }
  put(join(dir, 'base/kustomization.yaml'), `${K}resources:\n${baseRes.map((r) => `- ${r}`).join('\n')}\n`);
  put(
    join(dir, 'layer1/kustomization.yaml'),
    `${K}resources: [../base]\nnamePrefix: acme-\ncommonLabels: {platform: acme}\npatches:\n- target: {kind: Deployment}\n  patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: any}\n    spec:\n      template:\n        spec:\n          containers:\n          - name: placeholder\n            image: busybox\n`,
  );
  put(
    join(dir, 'layer2/kustomization.yaml'),
    `${K}resources: [../layer1]\nnamespace: production\nimages:\n${Array.from({ length: services }, (_, s) => `- {name: registry.example.com/svc${String(s).padStart(2, '0')}/app, newTag: "2.${s}.0"}`).join('\n')}\nreplicas:\n- {name: svc00-c00, count: 5}\n`,
  );
  put(
    join(dir, 'layer3/kustomization.yaml'),
    `${K}resources: [../layer2]\ncommonAnnotations: {owner: platform-team}\nconfigMapGenerator:\n- name: global\n  literals: [REGION=eu-west-1]\npatches:\n- target: {kind: HorizontalPodAutoscaler, name: ".*-c0[0-4]"}\n  patch: |-\n    - {op: replace, path: /spec/maxReplicas, value: 10}\n`,
  );
  return { path: join(dir, 'layer3'), objects: services * perService * 5 + 1 };
}

/**
 * The issue's mid-size tree: a seed-style monorepo of 200 apps (each a base and a production
 * overlay laid out like examples/apps/web-api), gathered by an environment layer and a cluster
 * layer: three overlay layers, 1,200 objects. Returns the cluster layer.
 */
export function monorepoTree(dir: string, apps = 200): string {
  const names = Array.from({ length: apps }, (_, i) => `app${String(i).padStart(3, '0')}`);
  for (const name of names) {
    put(join(dir, `apps/${name}/base/app.yaml`), workload(name, `ghcr.io/acme/${name}`));
    put(
      join(dir, `apps/${name}/base/kustomization.yaml`),
      `${K}labels:\n- pairs: {app.kubernetes.io/name: ${name}}\n  includeSelectors: true\nresources: [app.yaml]\nconfigMapGenerator:\n- name: ${name}-config\n  literals: [LOG_LEVEL=info, PORT=8080]\n`,
    );
    const prod = `apps/${name}/overlays/production`;
    put(
      join(dir, prod, 'kustomization.yaml'),
      `${K}namespace: ${name}\nresources: [../../base, pdb.yaml]\nlabels:\n- pairs: {environment: production}\nimages:\n- {name: ghcr.io/acme/${name}, newTag: 1.4.2}\nreplicas:\n- {name: ${name}, count: 3}\nconfigMapGenerator:\n- name: ${name}-config\n  behavior: merge\n  literals: [LOG_LEVEL=warn]\npatches:\n- path: resources.yaml\n- target: {kind: HorizontalPodAutoscaler}\n  patch: |-\n    - {op: replace, path: /spec/maxReplicas, value: 12}\n`,
    );
    put(
      join(dir, prod, 'pdb.yaml'),
      `apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: ${name}}\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels: {app: ${name}}\n`,
    );
    put(
      join(dir, prod, 'resources.yaml'),
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  template:\n    spec:\n      containers:\n      - name: ${name}\n        resources:\n          requests: {cpu: 200m, memory: 256Mi}\n          limits: {memory: 1Gi}\n`,
    );
  }
  put(
    join(dir, 'envs/production/kustomization.yaml'),
    `${K}resources:\n${names.map((n) => `- ../../apps/${n}/overlays/production`).join('\n')}\ncommonAnnotations: {acme.example.com/environment: production}\nlabels:\n- pairs: {acme.example.com/tier: apps}\n`,
  );
  put(
    join(dir, 'clusters/eu-west/kustomization.yaml'),
    `${K}resources: [../../envs/production]\nnameSuffix: -euw\nlabels:\n- pairs: {acme.example.com/cluster: eu-west}\npatches:\n- target: {kind: Deployment}\n  patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: any}\n    spec:\n      template:\n        spec:\n          nodeSelector: {topology.kubernetes.io/region: eu-west-1}\n`,
  );
  return join(dir, 'clusters/eu-west');
}
