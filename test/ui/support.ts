/**
 * The UI against the real control plane: the e2e environment (control plane, Git server, an
 * in-process controller), the UI started as the controller starts it (token access over
 * TokenReview/SubjectAccessReview), ServiceAccounts with and without RBAC and their tokens
 * minted with the TokenRequest API (`kubectl create token`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { installedEngine } from '../../src/controller/adapters/render-helm.js';
import { GitSourcePort } from '../../src/controller/adapters/source.js';
import { silentLogger } from '../../src/controller/reconciler.js';
import { systemClock } from '../../src/runtime/clock.js';
import { GitSource } from '../../src/source/index.js';
import { type Access, tokenAccess } from '../../src/ui/access.js';
import { type RunningUi, startUi } from '../../src/ui/server.js';
import { type Env, yaml } from '../e2e/support.js';

/** Builds the front end into a temporary directory (scripts/bundle-ui.mjs, as npm run build does). */
export async function builtUi(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trueup-ui-static-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const { bundleUi } = (await import(join(import.meta.dirname, '..', '..', 'scripts', 'bundle-ui.mjs'))) as {
    bundleUi(out: string): Promise<string>;
  };
  return bundleUi(dir);
}

export async function startTestUi(
  env: Env,
  namespaces: string[],
  access: Access = tokenAccess(env.client, { ttlMs: 1000 }),
  tls?: { cert: string; key: string },
): Promise<RunningUi> {
  const cache = await mkdtemp(join(tmpdir(), 'trueup-ui-git-'));
  after(() => rm(cache, { recursive: true, force: true }));
  const git = new GitSource({ cacheDir: cache });
  const helmEngine = installedEngine();
  const ui = await startUi({
    client: env.client,
    access,
    namespaces,
    source: new GitSourcePort(git, 0),
    commits: git,
    helmEngine,
    host: '127.0.0.1',
    port: 0,
    clock: systemClock,
    log: silentLogger,
    staticDir: await builtUi(),
    ...(tls ? { tls } : {}),
  });
  after(async () => {
    await ui.close();
    await helmEngine.close();
  });
  return ui;
}

/**
 * A ServiceAccount in `saNamespace` bound, in each of `grants`' namespaces, to a Role with the
 * given verbs on Applications; returns a token for it from the TokenRequest API.
 */
export async function serviceAccountToken(
  env: Env,
  saNamespace: string,
  name: string,
  grants: { namespace: string; verbs: string[] }[],
): Promise<string> {
  await env.kubectl(['create', 'serviceaccount', '-n', saNamespace, name]);
  for (const g of grants) {
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: `${name}-apps`, namespace: g.namespace },
      rules: [{ apiGroups: ['trueup.dev'], resources: ['applications'], verbs: g.verbs }],
    };
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `${name}-apps`, namespace: g.namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${name}-apps` },
      subjects: [{ kind: 'ServiceAccount', name, namespace: saNamespace }],
    };
    await env.kubectl(['apply', '-f', '-'], yaml({ apiVersion: 'v1', kind: 'List', items: [role, binding] }));
  }
  return (await env.kubectl(['create', 'token', '-n', saNamespace, name, '--duration', '1h'])).trim();
}

/** A Deployment (one replica) and a ConfigMap, as JSON manifest files for a test repository. */
export function webFiles(image: string, data: Record<string, string>): Record<string, string> {
  const deploy = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image }] },
      },
    },
  };
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config' }, data };
  return {
    'web/deploy.json': JSON.stringify(deploy, null, 2),
    'web/config.json': JSON.stringify(cm, null, 2),
  };
}
