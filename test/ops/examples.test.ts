/**
 * examples/ is a Git-ready repository in the seeds' layout: every kustomization renders with
 * trueup exactly as with `kubectl kustomize`, the overlays differ as documented, and every
 * Application in it is a valid trueup.dev/v1alpha1 spec pointing at a path that exists (the
 * Helm one at a chart with its value files).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { APP_API_VERSION, ApplicationSpecSchema } from '../../src/api/application.js';
import { ApplicationSetSchema } from '../../src/api/application-set.js';
import type { KubeObject } from '../../src/api/object.js';
import { DiskTree } from '../../src/render/disk-tree.js';
import { renderTree } from '../../src/render/index.js';
import { AgeIdentities, DecryptingTree } from '../../src/secrets/index.js';

const run = promisify(execFile);
const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
const DIRS = ['root', 'apps/web-api/base', 'apps/web-api/overlays/dev', 'apps/web-api/overlays/prod'];

async function kubectlKustomize(dir: string): Promise<KubeObject[]> {
  const { stdout } = await run('kubectl', ['kustomize', join(EXAMPLES, dir)]);
  return yaml.loadAll(stdout) as KubeObject[];
}

const render = (dir: string) => renderTree(new DiskTree(EXAMPLES), dir);

function find(objects: KubeObject[], kind: string): KubeObject {
  const o = objects.find((x) => x.kind === kind);
  assert.ok(o, `no ${kind}`);
  return o;
}

describe('examples/', () => {
  for (const dir of DIRS) {
    it(`${dir} renders with trueup exactly as with kubectl kustomize`, async () => {
      assert.deepEqual(await render(dir), await kubectlKustomize(dir));
    });
  }

  it('has the base kinds, and overlays that patch replicas, resources and image tags', async () => {
    const base = await render('apps/web-api/base');
    assert.deepEqual(base.map((o) => o.kind).sort(), [
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'Service',
    ]);
    const summary = async (env: string) => {
      const objs = await render(`apps/web-api/overlays/${env}`);
      const dep = find(objs, 'Deployment') as KubeObject & {
        spec: {
          replicas: number;
          template: { spec: { containers: { image: string; resources: unknown }[] } };
        };
      };
      const c = dep.spec.template.spec.containers[0];
      return {
        ns: dep.metadata.namespace,
        replicas: dep.spec.replicas,
        image: c?.image,
        resources: c?.resources,
      };
    };
    const dev = await summary('dev');
    const prod = await summary('prod');
    assert.deepEqual(
      [dev.ns, dev.replicas, dev.image],
      ['web-api-dev', 1, 'nginxinc/nginx-unprivileged:1.27-alpine'],
    );
    assert.deepEqual(
      [prod.ns, prod.replicas, prod.image],
      ['web-api-prod', 3, 'nginxinc/nginx-unprivileged:1.26-alpine'],
    );
    assert.notDeepEqual(dev.resources, prod.resources);
  });

  it('holds valid Applications whose paths exist (the bootstrap app and the app-of-apps root)', async () => {
    const apps = [
      ...(yaml.loadAll(await readFile(join(EXAMPLES, 'bootstrap.yaml'), 'utf8')) as KubeObject[]),
      ...(await render('root')),
    ];
    assert.deepEqual(
      apps.map((a) => a.metadata.name),
      ['root', 'web-api-dev', 'web-api-prod'],
    );
    for (const app of apps) {
      assert.equal(app.apiVersion, APP_API_VERSION);
      assert.equal(app.kind, 'Application');
      const spec = ApplicationSpecSchema.parse(app.spec);
      for (const s of spec.sources ?? (spec.source ? [spec.source] : []))
        if (s.path !== undefined)
          assert.ok((await stat(join(EXAMPLES, s.path))).isDirectory(), `${s.path} is missing`);
    }
  });

  it('holds a Helm Application whose chart and value files exist (examples/helm)', async () => {
    const [app] = yaml.loadAll(
      await readFile(join(EXAMPLES, 'helm', 'web-chart-prod.yaml'), 'utf8'),
    ) as KubeObject[];
    assert.equal(app?.apiVersion, APP_API_VERSION);
    const source = ApplicationSpecSchema.parse(app?.spec).source;
    assert.ok(source);
    assert.ok((await stat(join(EXAMPLES, source.path, 'Chart.yaml'))).isFile());
    assert.deepEqual(source.helm?.valueFiles, ['values-prod.yaml']);
    for (const f of source.helm?.valueFiles ?? [])
      assert.ok((await stat(join(EXAMPLES, source.path, f))).isFile(), f);
  });

  it('holds a valid ApplicationSet over directories that exist (examples/appset)', async () => {
    const [set] = yaml.loadAll(await readFile(join(EXAMPLES, 'appset', 'team-config.yaml'), 'utf8'));
    const parsed = ApplicationSetSchema.parse(set);
    assert.deepEqual(parsed.spec.generators[0]?.git?.directories, [{ path: 'apps/team-config/*' }]);
    for (const team of ['payments', 'search'])
      assert.ok((await stat(join(EXAMPLES, 'apps', 'team-config', team))).isDirectory(), team);
  });

  it('holds an app whose Secret is SOPS-encrypted for the demo key, which decrypts it (examples/secrets)', async () => {
    const [app] = yaml.loadAll(await readFile(join(EXAMPLES, 'secrets', 'app.yaml'), 'utf8')) as KubeObject[];
    const spec = ApplicationSpecSchema.parse(app?.spec);
    assert.deepEqual(spec.decryption, { provider: 'sops', secretRef: { name: 'sops-age' } });
    const path = spec.source?.path ?? '';
    // Encrypted in Git: kubectl kustomize shows ciphertext only.
    const raw = find(await kubectlKustomize(path), 'Secret');
    assert.match(String((raw.stringData as Record<string, string>).password), /^ENC\[AES256_GCM,/);
    const keys = AgeIdentities.parse(
      await readFile(join(EXAMPLES, 'secrets', 'demo.agekey'), 'utf8'),
      'examples/secrets/demo.agekey',
    );
    const secret = find(await renderTree(new DecryptingTree(new DiskTree(EXAMPLES), keys), path), 'Secret');
    assert.deepEqual(Object.keys(secret.stringData as object).sort(), ['password', 'username']);
    assert.doesNotMatch(JSON.stringify(secret), /ENC\[|"sops"/);
  });
});
