/** AppProject specs are parsed once per resourceVersion, and again when it changes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/object.js';
import { NOTHING_PERMITTED, ProjectSpecs } from './project-specs.js';

function project(name: string, resourceVersion: string | undefined, spec: unknown): KubeObject {
  return {
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'AppProject',
    metadata: { name, namespace: 'trueup-system', ...(resourceVersion ? { resourceVersion } : {}) },
    spec,
  } as KubeObject;
}

const REPO = 'https://git.example/org/config.git';

test('the same resourceVersion is parsed once: every look-up gets the same parsed spec', () => {
  const store = new Map([['team-a', project('team-a', '5', { sourceRepos: [REPO], destinations: [] })]]);
  let lookups = 0;
  const specs = new ProjectSpecs((name) => {
    lookups++;
    return store.get(name);
  });
  const first = specs.get('team-a');
  assert.deepEqual(first?.sourceRepos, [REPO]);
  assert.equal(specs.get('team-a'), first, 'not parsed again');
  assert.equal(lookups, 2, 'the informer is still asked each time (it may hold a newer version)');
  assert.ok(Object.isFrozen(first) && Object.isFrozen(first?.sourceRepos), 'shared, so frozen');
});

test('a new resourceVersion is parsed again; a deleted project is gone', () => {
  const store = new Map([['team-a', project('team-a', '5', { sourceRepos: [REPO], destinations: [] })]]);
  const specs = new ProjectSpecs((name) => store.get(name));
  const before = specs.get('team-a');
  store.set('team-a', project('team-a', '6', { sourceRepos: ['*'], destinations: [] }));
  const after = specs.get('team-a');
  assert.notEqual(after, before);
  assert.deepEqual(after?.sourceRepos, ['*']);
  store.delete('team-a');
  assert.equal(specs.get('team-a'), undefined);
});

test('a spec that does not parse permits nothing; without a resourceVersion nothing is kept', () => {
  const store = new Map([['bad', project('bad', '1', { sourceRepos: 'not a list' })]]);
  const specs = new ProjectSpecs((name) => store.get(name));
  assert.equal(specs.get('bad'), NOTHING_PERMITTED);
  store.set('bare', project('bare', undefined, { sourceRepos: [REPO], destinations: [] }));
  const one = specs.get('bare');
  assert.deepEqual(one?.sourceRepos, [REPO]);
  assert.notEqual(specs.get('bare'), one, 'parsed each time: no version to key it by');
});
