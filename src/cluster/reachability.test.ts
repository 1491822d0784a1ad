import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../test/support/fake-clock.js';
import { apiError, networkError } from '../kube/errors.js';
import { Reachability, unreachableReason } from './reachability.js';

test('unreachableReason: network and 401 make a cluster unusable; any other answer proves it answers', () => {
  const cases: [unknown, string | undefined][] = [
    [
      networkError('GET /api/v1/namespaces/kube-system', new Error('connect ECONNREFUSED 10.0.0.1:6443')),
      'connect ECONNREFUSED 10.0.0.1:6443',
    ],
    [
      apiError('GET ns', 401, { message: 'Unauthorized' }),
      'the server refused the credentials (401 Unauthorized)',
    ],
    [apiError('GET ns', 503, { message: 'etcd is down' }), 'etcd is down'],
    [apiError('GET ns', 403, { message: 'forbidden' }), undefined],
    [apiError('GET ns', 404, { message: 'not found' }), undefined],
    [apiError('GET ns', 500, { message: 'oops' }), undefined],
  ];
  for (const [err, expected] of cases) assert.equal(unreachableReason(err), expected);
});

test('Reachability: one probe answers every app while fresh; a hung probe counts as down after its timeout', async () => {
  const clock = new FakeClock();
  let probes = 0;
  let behaviour: 'up' | 'down' | 'hang' = 'up';
  const r = new Reachability(
    'https://east:6443',
    () => {
      probes++;
      if (behaviour === 'up') return Promise.resolve();
      if (behaviour === 'down')
        return Promise.reject(networkError('GET ns', new Error('connect ECONNREFUSED')));
      return new Promise<void>(() => {});
    },
    clock,
    { freshForMs: 5000, timeoutMs: 2000 },
  );
  assert.deepEqual(await Promise.all([r.check(), r.check()]), [undefined, undefined]);
  assert.equal(probes, 1, 'concurrent checks share one probe');
  behaviour = 'down';
  assert.equal(await r.check(), undefined, 'a fresh answer is reused');
  await clock.advance(5000);
  assert.equal(await r.check(), 'cluster https://east:6443 is unreachable: connect ECONNREFUSED');
  behaviour = 'hang';
  r.expire();
  const pending = r.check();
  await clock.advance(2000);
  assert.equal(await pending, 'cluster https://east:6443 is unreachable: no answer within 2s');
  assert.equal(probes, 3);
});
