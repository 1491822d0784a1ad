import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideSync, failuresOf, type SyncInputs } from './sync-decision.js';

const base: SyncInputs = {
  requested: false,
  automated: { selfHeal: true },
  changes: 1,
  emptyRender: false,
  revision: 'c2',
  lastSynced: 'c1',
  specChanged: false,
  refresh: false,
  failures: 0,
  retry: { limit: 2, backoff: { duration: '10s', factor: 2, maxDuration: '1m' } },
  sinceLastAttempt: Number.POSITIVE_INFINITY,
};

test('decideSync: one row per rule', () => {
  const rows: [Partial<SyncInputs>, string][] = [
    [{}, 'sync:automated'],
    [{ lastSynced: 'c2' }, 'sync:self-heal'],
    [{ lastSynced: 'c2', automated: { selfHeal: false } }, 'none'],
    [{ lastSynced: 'c2', automated: { selfHeal: false }, refresh: true }, 'sync:self-heal'],
    [{ changes: 0 }, 'none'],
    [{ automated: undefined }, 'none'],
    [{ automated: undefined, requested: true }, 'sync:requested'],
    [{ requested: true, failures: 9 }, 'sync:requested'],
    [{ emptyRender: true }, 'empty'],
    [{ emptyRender: true, automated: { allowEmpty: true } }, 'sync:automated'],
    [{ failures: 1, sinceLastAttempt: 4_000 }, 'backoff:6000'],
    [{ failures: 2, sinceLastAttempt: 4_000 }, 'backoff:16000'],
    [{ failures: 2, sinceLastAttempt: 30_000 }, 'sync:automated'],
    [{ failures: 3 }, 'exhausted'],
    [{ failures: 3, specChanged: true }, 'sync:automated'],
    [{ failures: 3, refresh: true }, 'sync:automated'],
  ];
  for (const [change, want] of rows) {
    const d = decideSync({ ...base, ...change });
    const got =
      d.kind === 'sync' ? `sync:${d.reason}` : d.kind === 'backoff' ? `backoff:${d.afterMs}` : d.kind;
    assert.equal(got, want, JSON.stringify(change));
  }
});

test('failuresOf: counts the failed attempts of the same revision from the status', () => {
  const st = (phase: 'Running' | 'Failed' | 'Succeeded', revision: string, retryCount?: number) => ({
    operationState: { phase, syncResult: { revision }, ...(retryCount !== undefined ? { retryCount } : {}) },
  });
  assert.equal(failuresOf({}, 'c1'), 0);
  assert.equal(failuresOf(st('Running', 'c1', 0), 'c1'), 1);
  assert.equal(failuresOf(st('Running', 'c1', 2), 'c1'), 3);
  assert.equal(failuresOf(st('Failed', 'c1', 4), 'c1'), 5);
  assert.equal(failuresOf(st('Failed', 'c0', 4), 'c1'), 0, 'another revision starts afresh');
  assert.equal(failuresOf(st('Succeeded', 'c1'), 'c1'), 0);
});
