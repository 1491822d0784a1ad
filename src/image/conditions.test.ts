import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Condition } from '../api/status-common.js';
import { imageConditions, type Outcome } from './conditions.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:01:00.000Z';
const brief = (cs: Condition[]) => cs.map((c) => `${c.type}=${c.status}/${c.reason}@${c.lastTransitionTime}`);

const ok: Outcome = { ready: true, reason: 'Succeeded', message: 'found 3 tags' };
const down: Outcome = { ready: false, reason: 'OciUnavailable', message: 'scan failed: down' };
const denied: Outcome = {
  ready: false,
  reason: 'OciAuthFailed',
  message: 'scan failed: 401',
  terminal: true,
};

test('imageConditions: Ready always, Reconciling while retried, Stalled when terminal, both dropped on success', () => {
  const cases: { name: string; previous: Condition[] | undefined; outcome: Outcome; want: string[] }[] = [
    { name: 'first success', previous: undefined, outcome: ok, want: [`Ready=True/Succeeded@${T1}`] },
    {
      name: 'a transient failure: Reconciling with retry',
      previous: imageConditions(undefined, ok, 1, T0),
      outcome: down,
      want: [`Ready=False/OciUnavailable@${T1}`, `Reconciling=True/ProgressingWithRetry@${T1}`],
    },
    {
      name: 'the same failure again keeps both transition times',
      previous: imageConditions(undefined, down, 1, T0),
      outcome: down,
      want: [`Ready=False/OciUnavailable@${T0}`, `Reconciling=True/ProgressingWithRetry@${T0}`],
    },
    {
      name: 'terminal: Stalled, no Reconciling',
      previous: imageConditions(undefined, down, 1, T0),
      outcome: denied,
      want: [`Ready=False/OciAuthFailed@${T0}`, `Stalled=True/OciAuthFailed@${T1}`],
    },
    {
      name: 'recovery drops Stalled',
      previous: imageConditions(undefined, denied, 1, T0),
      outcome: ok,
      want: [`Ready=True/Succeeded@${T1}`],
    },
    {
      name: 'a new generation begins: Ready=Unknown, Reconciling=True Progressing',
      previous: imageConditions(undefined, down, 1, T0),
      outcome: { ready: false, progressing: true, reason: 'Progressing', message: 'scanning' },
      want: [`Ready=Unknown/Progressing@${T1}`, `Reconciling=True/Progressing@${T0}`],
    },
    {
      name: 'its end drops Reconciling',
      previous: imageConditions(
        undefined,
        { ready: false, progressing: true, reason: 'Progressing', message: '' },
        1,
        T0,
      ),
      outcome: ok,
      want: [`Ready=True/Succeeded@${T1}`],
    },
    {
      name: 'another condition type is kept',
      previous: [{ type: 'Other', status: 'True', reason: 'X', message: '', lastTransitionTime: T0 }],
      outcome: ok,
      want: [`Other=True/X@${T0}`, `Ready=True/Succeeded@${T1}`],
    },
  ];
  for (const c of cases)
    assert.deepEqual(brief(imageConditions(c.previous, c.outcome, 1, T1)), c.want, c.name);
  const stalled = imageConditions(undefined, denied, 7, T1).find((c) => c.type === 'Stalled');
  assert.equal(stalled?.message, 'scan failed: 401');
  assert.equal(stalled?.observedGeneration, 7);
});
