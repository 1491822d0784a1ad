import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, settle } from '../../test/support/fake-clock.js';
import type { KubeObject } from '../api/object.js';
import { apiError, networkError } from '../kube/errors.js';
import type { ClusterClient, ListResult, WatchEventType, WatchOptions } from '../kube/types.js';
import { Informer, type InformerOptions, withoutManagedFields } from './informer.js';

const cm = (name: string, rv: string, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', resourceVersion: rv, annotations },
});

type WatchScript = (emit: (t: WatchEventType, o: KubeObject) => void, opts: WatchOptions) => Promise<void>;

/** A ClusterClient whose list answers and watch sessions are scripted in order. */
function scripted(lists: ListResult[], watches: WatchScript[]) {
  const calls: string[] = [];
  const client = {
    async list() {
      const next = lists.shift();
      assert.ok(next, 'unexpected list');
      calls.push(`list -> ${next.resourceVersion}`);
      return next;
    },
    async watch(
      _v: string,
      _k: string,
      opts: WatchOptions,
      onEvent: (t: WatchEventType, o: KubeObject) => void,
      signal?: AbortSignal,
    ) {
      calls.push(`watch from ${opts.resourceVersion}`);
      const next = watches.shift();
      if (!next) {
        // Hang until stopped.
        await new Promise<void>((r) => signal?.addEventListener('abort', () => r()));
        return;
      }
      await next(onEvent, opts);
    },
  } as unknown as ClusterClient;
  return { client, calls };
}

/** An informer of ConfigMaps over `client` with a fake clock and no jitter, started. */
function startInformer(client: ClusterClient, options: Partial<InformerOptions> = {}): Informer {
  const inf = new Informer({
    client,
    apiVersion: 'v1',
    kind: 'ConfigMap',
    clock: new FakeClock(),
    random: () => 0,
    onEvent() {},
    ...options,
  });
  inf.start();
  return inf;
}

test('lists, watches, resumes from the last resourceVersion, and relists on 410 Gone', async () => {
  const { client, calls } = scripted(
    [
      { items: [cm('a', '1'), cm('b', '2')], resourceVersion: '10' },
      { items: [cm('a', '1'), cm('c', '30')], resourceVersion: '40' },
    ],
    [
      // A normal session that the server closes (timeout): resume from rv 12.
      async (emit) => {
        emit('MODIFIED', cm('a', '11'));
        emit('BOOKMARK', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: '12' } });
      },
      // The resume is too old: 410 → relist.
      async () => {
        throw apiError('watch ConfigMap', 410, { reason: 'Expired', message: 'too old resource version' });
      },
    ],
  );
  const events: string[] = [];
  const clock = new FakeClock();
  const inf = startInformer(client, {
    clock,
    onEvent: (t, o) => events.push(`${t} ${o.metadata.name}@${o.metadata.resourceVersion}`),
  });
  await inf.whenSynced();
  await settle(20);
  assert.deepEqual(calls, ['list -> 10', 'watch from 10', 'watch from 12', 'list -> 40', 'watch from 40']);
  assert.deepEqual(events, [
    'ADDED a@1',
    'ADDED b@2',
    'MODIFIED a@11',
    // After the relist: a went back to rv 1 (differs from 11), b is gone, c is new.
    'MODIFIED a@1',
    'ADDED c@30',
    'DELETED b@2',
  ]);
  assert.deepEqual([...inf.store.keys()].sort(), ['/ConfigMap/ns/a', '/ConfigMap/ns/c']);
  await inf.stop();
});

test('a failed watch is retried with backoff on the injected clock, from the same resourceVersion', async () => {
  const { client, calls } = scripted(
    [{ items: [], resourceVersion: '5' }],
    [
      async () => {
        throw networkError('watch ConfigMap', new Error('ECONNREFUSED'));
      },
    ],
  );
  const clock = new FakeClock();
  const inf = startInformer(client, {
    clock,
  });
  await settle(10);
  assert.deepEqual(calls, ['list -> 5', 'watch from 5']);
  assert.deepEqual(clock.pending(), [250]);
  await clock.advance(250);
  await settle(10);
  assert.deepEqual(calls, ['list -> 5', 'watch from 5', 'watch from 5']);
  await inf.stop();
});

test('keep() filters the store; an object that stops matching is reported deleted', async () => {
  const tracked = { 'trueup.dev/tracking-id': 'x' };
  const { client } = scripted(
    [{ items: [cm('a', '1', tracked), cm('b', '2')], resourceVersion: '3' }],
    [
      async (emit) => {
        emit('MODIFIED', cm('a', '4'));
        emit('ADDED', cm('c', '5', tracked));
      },
    ],
  );
  const events: string[] = [];
  const inf = startInformer(client, {
    keep: (o) => Boolean(o.metadata.annotations?.['trueup.dev/tracking-id']),
    onEvent: (t, o) => events.push(`${t} ${o.metadata.name}`),
  });
  await settle(20);
  assert.deepEqual(events, ['ADDED a', 'DELETED a', 'ADDED c']);
  assert.deepEqual([...inf.store.keys()], ['/ConfigMap/ns/c']);
  await inf.stop();
});

test('exists() knows the objects keep() turned away, so a synced informer can tell what is absent', async () => {
  const tracked = { 'trueup.dev/tracking-id': 'x' };
  const { client } = scripted(
    [{ items: [cm('a', '1', tracked), cm('b', '2')], resourceVersion: '3' }],
    [
      async (emit) => {
        emit('MODIFIED', cm('a', '4'));
        emit('ADDED', cm('c', '5'));
        emit('MODIFIED', cm('b', '6', tracked));
        emit('DELETED', cm('c', '7'));
      },
    ],
  );
  const inf = startInformer(client, {
    keep: (o) => Boolean(o.metadata.annotations?.['trueup.dev/tracking-id']),
  });
  await settle(20);
  // a: kept, then untracked (exists, not kept); b: untracked, then kept; c: added untracked, then deleted.
  assert.equal(inf.exists('/ConfigMap/ns/a'), true);
  assert.equal(inf.store.has('/ConfigMap/ns/a'), false);
  assert.equal(inf.exists('/ConfigMap/ns/b'), true);
  assert.equal(inf.store.has('/ConfigMap/ns/b'), true);
  assert.equal(inf.exists('/ConfigMap/ns/c'), false);
  assert.equal(inf.exists('/ConfigMap/ns/never'), false);
  await inf.stop();
});

test('transform() shapes what the store keeps and what events carry, on list and on watch', async () => {
  const withFields = (name: string, rv: string): KubeObject => ({
    ...cm(name, rv),
    metadata: { ...cm(name, rv).metadata, managedFields: [{ manager: 'm', operation: 'Apply' }] },
  });
  const { client } = scripted(
    [{ items: [withFields('a', '1')], resourceVersion: '2' }],
    [
      async (emit) => {
        emit('MODIFIED', withFields('a', '3'));
        emit('ADDED', withFields('b', '4'));
        emit('DELETED', withFields('b', '5'));
      },
    ],
  );
  const events: [string, KubeObject, KubeObject | undefined][] = [];
  const inf = startInformer(client, {
    transform: withoutManagedFields,
    onEvent: (t, o, old) => events.push([t, o, old]),
  });
  await settle(20);
  assert.deepEqual(
    events.map(([t, o]) => `${t} ${o.metadata.name} ${o.metadata.resourceVersion}`),
    ['ADDED a 1', 'MODIFIED a 3', 'ADDED b 4', 'DELETED b 5'],
  );
  const kept = inf.store.get('/ConfigMap/ns/a');
  assert.equal(kept?.metadata.resourceVersion, '3');
  assert.equal('managedFields' in (kept?.metadata ?? {}), false, 'the store holds no managedFields');
  for (const [t, o, old] of events.slice(0, 3)) {
    assert.equal('managedFields' in o.metadata, false, `${t} carries the transformed object`);
    if (old) assert.equal('managedFields' in old.metadata, false, `${t}'s old object is the stored one`);
  }
  assert.deepEqual(withoutManagedFields(cm('x', '1')), cm('x', '1'), 'nothing to drop: the same object');
  await inf.stop();
});

test('shareUnchanged: a changed object keeps the unchanged parts of the version it replaces, on watch and relist', async () => {
  const withData = (rv: string, data: Record<string, unknown>): KubeObject => ({
    ...cm('a', rv, { 'trueup.dev/tracking-id': 'x' }),
    data: data as never,
  });
  const { client } = scripted(
    [
      { items: [withData('1', { big: { x: 1 }, n: 1 })], resourceVersion: '1' },
      { items: [withData('3', { big: { x: 1 }, n: 3 })], resourceVersion: '3' },
    ],
    [
      async (emit) => {
        emit('MODIFIED', withData('2', { big: { x: 1 }, n: 2 }));
        throw apiError('watch ConfigMap', 410, { reason: 'Expired', message: 'too old resource version' });
      },
    ],
  );
  const seen: { obj: KubeObject; old: KubeObject | undefined }[] = [];
  const inf = startInformer(client, {
    shareUnchanged: true,
    onEvent: (_t, obj, old) => seen.push({ obj, old }),
  });
  await settle(20);
  await inf.stop();
  const data = (o: KubeObject | undefined) => (o as { data?: { big: unknown; n: number } } | undefined)?.data;
  assert.deepEqual(
    seen.map((s) => data(s.obj)?.n),
    [1, 2, 3],
  );
  for (const s of seen.slice(1)) {
    assert.equal(data(s.obj)?.big, data(s.old)?.big, 'the unchanged subtree is the old one');
    assert.equal(s.obj.metadata.annotations, s.old?.metadata.annotations);
  }
  assert.equal(inf.store.get('/ConfigMap/ns/a'), seen[2]?.obj);
});
