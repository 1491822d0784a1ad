import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NotificationRule } from '../api/notification.js';
import type { AppEvent } from './events.js';
import { commitStateOf, messageWanted, ruleWatches, selectorMatches } from './match.js';

const rule = (spec: Partial<NotificationRule['spec']>, namespace = 'team-a'): NotificationRule => ({
  apiVersion: 'trueup.dev/v1alpha1',
  kind: 'NotificationRule',
  metadata: { name: 'r', namespace },
  spec: { events: ['SyncFailed'], providers: [{ name: 'p' }], ...spec },
});

test('selectorMatches: matchLabels and every matchExpressions operator', () => {
  const labels = { team: 'a', tier: 'web' };
  const rows: [Parameters<typeof selectorMatches>[0], boolean][] = [
    [undefined, true],
    [{}, true],
    [{ matchLabels: { team: 'a' } }, true],
    [{ matchLabels: { team: 'b' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['api'] }] }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['api'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, false],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, true],
    [{ matchExpressions: [{ key: 'team', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, false],
    [{ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, true],
    [{ matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] }, false],
    [{ matchLabels: { team: 'a' }, matchExpressions: [{ key: 'env', operator: 'Exists' }] }, false],
  ];
  for (const [sel, want] of rows) assert.equal(selectorMatches(sel, labels), want, JSON.stringify(sel));
});

test("ruleWatches: the rule's own namespace by default, listed ones, '*', and suspend", () => {
  const app = (namespace: string) => ({ namespace, labels: { team: 'a' } });
  assert.equal(ruleWatches(rule({}), app('team-a')), true);
  assert.equal(ruleWatches(rule({}), app('team-b')), false);
  assert.equal(ruleWatches(rule({ namespaces: ['team-b'] }), app('team-b')), true);
  assert.equal(ruleWatches(rule({ namespaces: ['team-b'] }), app('team-a')), false);
  assert.equal(ruleWatches(rule({ namespaces: ['*'] }), app('anything')), true);
  assert.equal(ruleWatches(rule({ suspend: true }), app('team-a')), false);
  assert.equal(
    ruleWatches(rule({ applicationSelector: { matchLabels: { team: 'b' } } }), app('team-a')),
    false,
  );
});

const ev = (event: AppEvent['event'], syncedAndHealthy = false): AppEvent => ({
  event,
  revision: 'r',
  key: 'r',
  detail: '',
  syncedAndHealthy,
});

test('commitStateOf: pending, success once Synced and Healthy, failure; only for selected events', () => {
  const all = ['SyncSucceeded', 'SyncFailed', 'Degraded', 'Healthy'];
  const rows: [AppEvent, readonly string[], string | undefined][] = [
    [ev('SyncStarted'), all, 'pending'],
    [ev('SyncStarted'), ['SyncFailed'], undefined],
    [ev('SyncStarted'), ['Healthy'], 'pending'],
    [ev('SyncSucceeded', true), all, 'success'],
    [ev('SyncSucceeded', false), all, 'pending'],
    [ev('Healthy', true), all, 'success'],
    [ev('Healthy', false), all, undefined],
    [ev('SyncFailed'), all, 'failure'],
    [ev('SyncFailed'), ['SyncSucceeded'], undefined],
    [ev('Degraded'), all, 'failure'],
    [ev('OutOfSync'), [...all, 'OutOfSync'], undefined],
    [ev('DriftCorrected'), ['DriftCorrected'], undefined],
  ];
  for (const [e, selected, want] of rows)
    assert.equal(commitStateOf(e, selected), want, `${e.event}/${e.syncedAndHealthy} with ${selected}`);
});

test('messageWanted: the selected events, never the internal SyncStarted', () => {
  assert.equal(messageWanted(ev('SyncFailed'), ['SyncFailed']), true);
  assert.equal(messageWanted(ev('Healthy'), ['SyncFailed']), false);
  assert.equal(messageWanted(ev('SyncStarted'), ['SyncStarted', 'SyncSucceeded']), false);
});
