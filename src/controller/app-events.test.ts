import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/object.js';
import { type AppEventTargets, onAppEvent } from './app-events.js';

const app = (generation: number, status?: string): KubeObject => ({
  apiVersion: 'trueup.dev/v1alpha1',
  kind: 'Application',
  metadata: { namespace: 'apps', name: 'web', generation, resourceVersion: `${generation}${status ?? ''}` },
  spec: { source: { repoURL: 'https://git.example/r.git', path: 'web' } },
  ...(status ? { status: { sync: { status } } } : {}),
});

test('a new app or a new generation is learned (no older shared Git answer serves it); a status write is not', () => {
  const learned: string[] = [];
  const noop = () => {};
  const targets = {
    queue: { add: noop, forget: noop },
    local: {
      onTrackedEvent: noop,
      forget: noop,
      reconciler: { seen: noop, learned: (k: string) => learned.push(k) },
    },
    remotes: undefined,
    followers: { track: noop, untrack: noop },
    log: { debug: noop, info: noop, warn: noop, error: noop },
  } as unknown as AppEventTargets;
  const cases: [string, KubeObject, KubeObject | undefined, number][] = [
    ['added', app(1), undefined, 1],
    ['status only', app(1, 'Synced'), app(1), 0],
    ['spec edit', app(2), app(1, 'Synced'), 1],
  ];
  for (const [what, obj, old, n] of cases) {
    learned.length = 0;
    onAppEvent(targets, old ? 'MODIFIED' : 'ADDED', obj, old, 'urgent');
    assert.equal(learned.length, n, what);
  }
});
