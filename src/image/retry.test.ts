import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RetryClass, TrueupError } from '../api/errors.js';
import { OciError, OciErrorCode } from '../oci/errors.js';
import { retryDelayMs } from './retry.js';

test('retry delays: terminal waits the interval, transient backs off, Retry-After is honoured', () => {
  const terminal = new TrueupError('X', 'bad spec', { retry: RetryClass.Terminal });
  const transient = new TrueupError('Y', 'down', { retry: RetryClass.Transient });
  const limited = new OciError(OciErrorCode.RateLimited, '429', { status: 429, retryAfterMs: 120_000 });
  const table: [string, unknown, number, number, number][] = [
    ['terminal', terminal, 300_000, 1, 300_000],
    ['transient, first failure', transient, 300_000, 1, 10_000],
    ['transient, third failure', transient, 300_000, 3, 40_000],
    ['transient, capped by the interval', transient, 30_000, 5, 30_000],
    ['interval shorter than the first retry', transient, 1000, 1, 1000],
    ['a plain Error counts as transient', new Error('boom'), 300_000, 2, 20_000],
    ['429 with Retry-After beyond the back-off', limited, 60_000, 1, 120_000],
  ];
  for (const [name, err, interval, failures, want] of table)
    assert.equal(retryDelayMs(err, interval, failures), want, name);
});
