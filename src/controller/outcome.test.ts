import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RetryClass, TrueupError } from '../api/errors.js';
import { failed, type PassOutcome, retryClassOf, toWorkResult } from './outcome.js';

test('toWorkResult: the one mapping from an outcome to the queue', () => {
  const rows: [PassOutcome, ReturnType<typeof toWorkResult>][] = [
    [{ kind: 'done' }, {}],
    [{ kind: 'waiting', afterMs: 1234 }, { requeueAfter: 1234 }],
    [{ kind: 'idle' }, { requeueAfter: null }],
    [failed(new TrueupError('Bad', 'bad input')), {}],
    [
      failed(new TrueupError('NotYet', 'CRD not established', { retry: RetryClass.Waiting })),
      { requeueAfter: 500 },
    ],
  ];
  for (const [outcome, want] of rows)
    assert.deepEqual(toWorkResult(outcome, 500), want, JSON.stringify(outcome));
  const flaky = new TrueupError('Down', 'API 503', { retry: RetryClass.Transient });
  assert.throws(
    () => toWorkResult(failed(flaky), 500),
    (e) => e === flaky,
    'transient: thrown for the backoff',
  );
  const unknown = new Error('socket hang up');
  assert.throws(
    () => toWorkResult(failed(unknown), 500),
    (e) => e === unknown,
  );
});

test('retryClassOf: ours carry their class; anything else is transient', () => {
  assert.equal(retryClassOf(new TrueupError('X', 'x')), RetryClass.Terminal);
  assert.equal(retryClassOf(new TrueupError('X', 'x', { retry: RetryClass.Waiting })), RetryClass.Waiting);
  assert.equal(retryClassOf(new Error('x')), RetryClass.Transient);
  assert.equal(retryClassOf('string'), RetryClass.Transient);
});
