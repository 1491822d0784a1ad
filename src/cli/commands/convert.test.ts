import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadAll } from 'js-yaml';
import { ApplicationSchema } from '../../api/application.js';
import { main } from '../main.js';

const tmp = mkdtempSync(join(tmpdir(), 'trueup-convert-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

const argoFile = join(tmp, 'argo.yaml');
writeFileSync(
  argoFile,
  `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  namespace: argocd
  finalizers: [resources-finalizer.argocd.argoproj.io]
spec:
  project: default
  source: {repoURL: https://git.example/org/apps.git, targetRevision: HEAD, path: guestbook}
  destination: {server: https://kubernetes.default.svc, namespace: guestbook}
  syncPolicy:
    automated: {prune: true, selfHeal: true}
    syncOptions: [CreateNamespace=true, ServerSideApply=false]
`,
);
const fluxFile = join(tmp, 'flux.yaml');
writeFileSync(
  fluxFile,
  `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: podinfo, namespace: flux-system}
spec: {interval: 1m, url: 'https://git.example/org/podinfo.git', ref: {tag: v6.5.0}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: podinfo, namespace: flux-system}
spec: {sourceRef: {kind: GitRepository, name: podinfo}, path: ./kustomize, prune: false, targetNamespace: podinfo}
`,
);

test('trueup convert prints the Applications (valid for the CRD) on stdout and one warning per field on stderr', async () => {
  const c = capture();
  assert.equal(await main(['convert', '-n', 'ops', argoFile, fluxFile], c.io), 0);
  const apps = loadAll(c.out.join('')).map((d) => ApplicationSchema.parse(d));
  assert.deepEqual(
    apps.map((a) => [
      a.metadata.namespace,
      a.metadata.name,
      a.spec.source?.targetRevision,
      a.spec.destination.namespace,
    ]),
    [
      ['ops', 'guestbook', 'HEAD', 'guestbook'],
      ['ops', 'podinfo', 'v6.5.0', 'podinfo'],
    ],
  );
  assert.deepEqual(apps[0]?.spec.syncPolicy?.syncOptions, ['CreateNamespace=true']);
  assert.deepEqual(apps[1]?.spec.syncPolicy?.automated, { prune: false, selfHeal: true });
  const lines = c.err.join('').trim().split('\n');
  assert.deepEqual(
    lines.map((l) => l.split(': ').slice(0, 3).join(': ')),
    [
      `warning: ${argoFile}: Application argocd/guestbook`,
      `warning: ${fluxFile}: Kustomization flux-system/podinfo`,
      `warning: ${fluxFile}: GitRepository flux-system/podinfo`,
    ],
  );
  assert.match(lines[0] ?? '', /spec\.syncPolicy\.syncOptions\[1\]: ServerSideApply=false is not supported/);
  assert.match(lines[2] ?? '', /spec\.interval: trueup re-checks Git on one global interval/);
});

test('a refused object or an unreadable file: the rest is printed, the error named, exit 1', async () => {
  const helm = join(tmp, 'helm.yaml');
  writeFileSync(
    helm,
    'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: chart}\nspec:\n  source: {repoURL: https://charts.example, chart: nginx}\n  destination: {}\n',
  );
  const c = capture();
  assert.equal(await main(['convert', argoFile, helm, join(tmp, 'missing.yaml')], c.io), 1);
  assert.match(c.out.join(''), /name: guestbook/);
  assert.doesNotMatch(c.out.join(''), /chart/);
  const err = c.err.join('');
  assert.match(
    err,
    new RegExp(
      `error: ${helm}: Application chart: not converted: spec.source.chart: charts from Helm repositories are not supported yet`,
    ),
  );
  assert.match(err, /error: .*missing\.yaml: cannot read \(ENOENT\)/);
});

test('trueup convert with no file is a usage error', async () => {
  const c = capture();
  assert.equal(await main(['convert'], c.io), 2);
  assert.match(c.err.join(''), /missing required argument 'files'/);
});
