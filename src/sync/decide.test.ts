import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decideObject,
  decidePrune,
  nextInventory,
  type Observation,
  type PruneObservation,
  planVerdict,
  selectObjects,
} from './decide.js';
import type { ObjectId } from './identity.js';
import { DEFAULT_SYNC_OPTIONS } from './options.js';
import type { Item } from './prepare.js';
import type { PlannedObject, SyncPlan } from './types.js';

const W = 'ConfigMap web/a';

test('decideObject: one row per observation and option', () => {
  const off = { force: false, failOnSharedResource: false };
  const rows: [Observation, typeof off, string, string][] = [
    [{ kind: 'absent' }, off, 'create', 'would be created'],
    [{ kind: 'known-in-sync' }, off, 'unchanged', 'in sync'],
    [{ kind: 'compared', drifted: false }, off, 'unchanged', 'in sync'],
    [{ kind: 'compared', drifted: true }, off, 'update', 'would be configured'],
    [{ kind: 'foreign', owner: 'x/y' }, off, 'skip', `${W}: already managed by application x/y`],
    [{ kind: 'refused', message: 'bad', immutable: false }, off, 'skip', 'bad'],
    [{ kind: 'refused', message: 'bad', immutable: false }, { ...off, force: true }, 'skip', 'bad'],
    [
      { kind: 'refused', message: 'imm', immutable: true },
      off,
      'skip',
      'imm (the change needs the object deleted and recreated: set the sync option Force=true to allow it)',
    ],
    [
      { kind: 'refused', message: 'imm', immutable: true },
      { ...off, force: true },
      'update',
      'would be configured (delete and recreate): imm; Force=true',
    ],
  ];
  for (const [seen, opts, action, reason] of rows) {
    const d = decideObject(seen, opts, W);
    assert.deepEqual([d.action, d.reason], [action, reason], JSON.stringify(seen));
  }
  assert.deepEqual(
    decideObject(
      { kind: 'refused', message: 'imm', immutable: true },
      { force: true, failOnSharedResource: false },
      W,
    ),
    {
      action: 'update',
      reason: 'would be configured (delete and recreate): imm; Force=true',
      recreate: true,
    },
  );
  const shared = (fail: boolean) =>
    decideObject({ kind: 'foreign', owner: 'x/y' }, { force: false, failOnSharedResource: fail }, W);
  const loose = shared(false);
  assert.equal(loose.action === 'skip' && loose.blocking, false);
  const strict = shared(true);
  assert.equal(strict.action === 'skip' && strict.blocking, true);
});

test('decidePrune: Prune=false wins over prune; Prune=confirm waits for confirmation; Delete=false on app deletion', () => {
  const present = (
    pruneOption: boolean | 'confirm',
    more: { deleteOption?: boolean | 'confirm'; ignoreExtraneous?: boolean } = {},
  ) =>
    ({
      kind: 'present',
      pruneOption,
      deleteOption: more.deleteOption ?? true,
      ignoreExtraneous: more.ignoreExtraneous ?? false,
    }) as const;
  const on = { prune: true, confirmed: false, deleting: false };
  const rows: [PruneObservation, typeof on, string, string?, boolean?][] = [
    [{ kind: 'gone' }, on, 'drop'],
    [{ kind: 'hook' }, on, 'drop'],
    [present(true), on, 'prune'],
    [present(true), { ...on, prune: false }, 'skip', 'prune-disabled', true],
    [present(false), on, 'skip', 'prune-false', true],
    [present(false), { ...on, prune: false }, 'skip', 'prune-false', true],
    [present('confirm'), on, 'skip', 'prune-confirm', true],
    [present('confirm'), { ...on, confirmed: true }, 'prune'],
    [present('confirm'), { ...on, prune: false, confirmed: true }, 'skip', 'prune-disabled', true],
    [present(false), { ...on, deleting: true }, 'prune'],
    [present(true, { deleteOption: false }), { ...on, deleting: true }, 'skip', 'delete-false', false],
    [present(true, { deleteOption: false }), on, 'prune'],
    [present(true, { deleteOption: 'confirm' }), { ...on, deleting: true }, 'skip', 'delete-confirm', false],
    [present(true, { deleteOption: 'confirm' }), { ...on, deleting: true, confirmed: true }, 'prune'],
    [{ kind: 'foreign', owner: 'o/p' }, on, 'skip', 'foreign', false],
    [{ kind: 'unreadable', message: 'timeout' }, on, 'skip', 'unreadable', true],
    [{ kind: 'bad-annotation', message: 'bad wave' }, on, 'skip', 'invalid', true],
  ];
  for (const [seen, mode, action, cause, requires] of rows) {
    const d = decidePrune(seen, mode, W);
    assert.equal(d.action, action, `${JSON.stringify(seen)} ${JSON.stringify(mode)}`);
    if (d.action === 'skip') assert.deepEqual([d.cause, d.requiresPruning], [cause, requires]);
  }
  const kept = decidePrune(present(false), on, W);
  assert.equal(kept.action === 'skip' && kept.reason, `${W}: not pruned (Prune=false)`);
  const extraneous = decidePrune(present(true, { ignoreExtraneous: true }), { ...on, prune: false }, W);
  assert.equal(extraneous.action === 'skip' && extraneous.ignoreExtraneous, true);
});

const id = (name: string, kind = 'ConfigMap'): ObjectId => ({
  group: '',
  version: 'v1',
  kind,
  namespace: 'web',
  name,
});
const item = (live: boolean) =>
  ({
    key: 'k',
    ...(live ? { live: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} } } : {}),
  }) as unknown as Item;
const diff = { ref: id('x') };
const planOf = (objects: PlannedObject[]): SyncPlan => ({
  app: { namespace: 'apps', name: 'web' },
  destinationNamespace: 'web',
  options: DEFAULT_SYNC_OPTIONS,
  ignoreDifferences: [],
  objects,
  inventory: [],
  refusedEmpty: false,
  warnings: [],
});

test('nextInventory: desired objects and kept leftovers; never hooks, pruned or foreign objects', () => {
  const plan = planOf([
    { id: id('new'), wave: 0, reason: '', action: 'create', item: item(false), diff },
    { id: id('same'), wave: 0, reason: '', action: 'unchanged', item: item(true) },
    { id: id('job', 'Job'), wave: 0, reason: '', action: 'hook', item: item(false), hook: 'PreSync' },
    {
      id: id('gone'),
      wave: 0,
      reason: '',
      action: 'prune',
      live: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} },
      options: DEFAULT_SYNC_OPTIONS,
      diff,
    },
    {
      id: id('stays'),
      wave: 0,
      reason: '',
      action: 'prune',
      live: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} },
      options: DEFAULT_SYNC_OPTIONS,
      diff,
    },
    {
      id: id('pvc'),
      wave: 0,
      reason: '',
      action: 'skip',
      cause: 'prune-false',
      blocking: false,
      requiresPruning: true,
    },
    {
      id: id('theirs'),
      wave: 0,
      reason: '',
      action: 'skip',
      cause: 'foreign',
      blocking: false,
      requiresPruning: false,
    },
    {
      id: id('broken'),
      wave: 0,
      reason: '',
      action: 'skip',
      cause: 'invalid',
      blocking: true,
      requiresPruning: false,
      item: item(false),
    },
    {
      id: id('broken-live'),
      wave: 0,
      reason: '',
      action: 'skip',
      cause: 'invalid',
      blocking: true,
      requiresPruning: false,
      item: item(true),
    },
  ]);
  const names = nextInventory(plan, new Set(['/ConfigMap/web/gone'])).map((e) => e.name);
  assert.deepEqual(names, ['broken-live', 'new', 'pvc', 'same', 'stays']);
  const v = planVerdict(plan);
  assert.deepEqual(
    {
      status: v.syncStatus,
      outOfSync: v.outOfSync,
      requiresPruning: v.requiresPruning,
      changes: v.changes,
      blocking: v.blocking.length,
    },
    { status: 'OutOfSync', outOfSync: 6, requiresPruning: 3, changes: 3, blocking: 2 },
  );
});

test('planVerdict: a plan of unchanged objects and hooks is Synced with nothing to do', () => {
  const v = planVerdict(
    planOf([
      { id: id('same'), wave: 0, reason: '', action: 'unchanged', item: item(true) },
      { id: id('job', 'Job'), wave: 0, reason: '', action: 'hook', item: item(false), hook: 'PreSync' },
    ]),
  );
  assert.deepEqual([v.syncStatus, v.outOfSync, v.changes], ['Synced', 0, 0]);
});

test('IgnoreExtraneous: an object that left Git is listed but the app stays Synced', () => {
  const v = planVerdict(
    planOf([
      { id: id('same'), wave: 0, reason: '', action: 'unchanged', item: item(true) },
      {
        id: id('extra'),
        wave: 0,
        reason: '',
        action: 'skip',
        cause: 'prune-disabled',
        blocking: false,
        requiresPruning: true,
        ignoreExtraneous: true,
      },
    ]),
  );
  assert.deepEqual([v.syncStatus, v.outOfSync, v.requiresPruning], ['Synced', 0, 1]);
});

test('selectObjects: outside the selection nothing is written or pruned and hooks do not run', () => {
  const live = { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} };
  const plan = planOf([
    { id: id('a'), wave: 0, reason: '', action: 'update', item: item(true), recreate: false },
    { id: id('b'), wave: 0, reason: '', action: 'create', item: item(false), diff },
    { id: id('old'), wave: 0, reason: '', action: 'prune', live, options: DEFAULT_SYNC_OPTIONS, diff },
    { id: id('job', 'Job'), wave: 0, reason: '', action: 'hook', item: item(false), hook: 'PreSync' },
  ]);
  assert.equal(selectObjects(plan, undefined), plan);
  const picked = selectObjects(plan, [{ kind: 'ConfigMap', name: 'a' }]);
  assert.deepEqual(
    picked.objects.map((p) => [p.id.name, p.action, p.action === 'skip' ? p.requiresPruning : '']),
    [
      ['a', 'update', ''],
      ['b', 'skip', false],
      ['old', 'skip', true],
    ],
  );
  assert.equal(planVerdict(picked).changes, 1);
});
