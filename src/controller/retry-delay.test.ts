import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryDelay } from './status.js';

test('retry back-off reads Go durations such as 1m30s (the schema admits them)', () => {
  const policy = { limit: 3, backoff: { duration: '1m30s', factor: 2, maxDuration: '2h30m' } };
  assert.equal(retryDelay(policy, 1), 90_000);
  assert.equal(retryDelay(policy, 2), 180_000);
  assert.equal(retryDelay(policy, 4), undefined);
  assert.equal(retryDelay({ backoff: { duration: '1h', maxDuration: '90m' } }, 3), 5_400_000);
});
