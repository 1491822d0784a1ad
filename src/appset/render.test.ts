import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APPSET_LABEL, type ApplicationSet } from '../api/application-set.js';
import { mergePatch, renderApplications } from './render.js';
import { fasttemplateRenderer } from './template-engine.js';

function set(spec: Partial<ApplicationSet['spec']> = {}): ApplicationSet {
  return {
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'services', namespace: 'trueup-system', uid: 'uid-1' },
    spec: {
      generators: [],
      template: {
        metadata: {
          name: '{{path.basename}}',
          labels: { team: '{{path[1]}}' },
          finalizers: ['trueup.dev/resources-finalizer'],
        },
        spec: {
          source: { repoURL: 'https://git.example/gitops.git', path: '{{path}}' },
          destination: { namespace: '{{path.basename}}' },
        },
      },
      ...spec,
    },
  };
}

const web = { path: 'apps/web', 'path.basename': 'web', 'path[1]': 'web' };
const api = { path: 'apps/api', 'path.basename': 'api', 'path[1]': 'api' };

test('one Application per parameter set: label naming the set, owner reference, namespace of the set', async () => {
  const apps = await renderApplications(set(), [web, api], fasttemplateRenderer);
  assert.deepEqual(
    apps.map((a) => a.metadata.name),
    ['web', 'api'],
  );
  const [a] = apps;
  assert.equal(a?.metadata.namespace, 'trueup-system');
  assert.deepEqual(a?.metadata.labels, { team: 'web', [APPSET_LABEL]: 'services' });
  assert.deepEqual(a?.metadata.finalizers, ['trueup.dev/resources-finalizer']);
  assert.deepEqual((a as unknown as { metadata: { ownerReferences: unknown } }).metadata.ownerReferences, [
    {
      apiVersion: 'trueup.dev/v1alpha1',
      kind: 'ApplicationSet',
      name: 'services',
      uid: 'uid-1',
      controller: true,
      blockOwnerDeletion: true,
    },
  ]);
  assert.deepEqual(a?.spec, {
    source: { repoURL: 'https://git.example/gitops.git', path: 'apps/web' },
    destination: { namespace: 'web' },
  });
});

test('two parameter sets generating the same name fail the whole set', async () => {
  await assert.rejects(
    renderApplications(set(), [web, web], fasttemplateRenderer),
    /parameter sets 1 and 2 both generate the Application web/,
  );
});

test('an invalid generated Application fails the set, naming the app and the field', async () => {
  const bad = set();
  (bad.spec.template.spec as { destination: Record<string, string> }).destination = {
    server: '{{server}}',
  };
  await assert.rejects(
    renderApplications(bad, [{ ...web, server: '' }], fasttemplateRenderer),
    /Application web: spec\.destination\.server: /,
  );
  // An unresolved param stays as written (Argo CD) and then fails the name check.
  await assert.rejects(
    renderApplications(set(), [{ path: 'x' }], fasttemplateRenderer),
    /not a valid object name/,
  );
  const elsewhere = set();
  elsewhere.spec.template.metadata.namespace = 'other';
  await assert.rejects(
    renderApplications(elsewhere, [web], fasttemplateRenderer),
    /must be the set's namespace/,
  );
});

test('templatePatch is merged over each Application (maps merge, lists replace, null deletes)', async () => {
  const patched = set({
    templatePatch:
      'spec:\n  syncPolicy:\n    automated: {prune: true}\n    syncOptions: [CreateNamespace=true]\nmetadata:\n  finalizers: null\n',
  });
  const [a] = await renderApplications(patched, [web], fasttemplateRenderer);
  assert.deepEqual(a?.spec.syncPolicy, { automated: { prune: true }, syncOptions: ['CreateNamespace=true'] });
  assert.equal(a?.spec.source?.path, 'apps/web');
  assert.equal(a?.metadata.finalizers, undefined);
  assert.deepEqual(mergePatch({ a: [1, 2], b: { c: 1 } }, { a: [3], b: { d: 2 } }), {
    a: [3],
    b: { c: 1, d: 2 },
  });
});
