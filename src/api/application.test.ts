import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApplicationSpecSchema } from './application.js';

test('an Argo CD style spec parses, with defaults for targetRevision, path and server', () => {
  const spec = ApplicationSpecSchema.parse({
    source: { repoURL: 'https://git.example.com/org/config.git', path: 'apps/web/overlays/prod' },
    destination: { namespace: 'web' },
    syncPolicy: {
      automated: { prune: true, selfHeal: true },
      syncOptions: ['CreateNamespace=true'],
      retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
    },
    ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
  });
  assert.equal(spec.source.targetRevision, 'HEAD');
  assert.equal(spec.destination.server, 'https://kubernetes.default.svc');
  assert.equal(spec.syncPolicy?.retry?.backoff?.maxDuration, '3m');
});

test('bad specs are refused with the field named', () => {
  const r = ApplicationSpecSchema.safeParse({
    source: { repoURL: 'x' },
    destination: {},
    syncPolicy: { retry: { backoff: { duration: 'soon' } } },
  });
  assert.equal(r.success, false);
  assert.match(JSON.stringify(r.error?.issues), /duration/);
  assert.equal(ApplicationSpecSchema.safeParse({ source: {}, destination: {} }).success, false);
  assert.equal(
    ApplicationSpecSchema.safeParse({
      source: { repoURL: 'x' },
      destination: {},
      syncPolicy: { syncOptions: ['nope'] },
    }).success,
    false,
  );
});
