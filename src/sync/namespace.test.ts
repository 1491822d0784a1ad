import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Annotation } from '../api/application.js';
import type { KubeObject } from '../api/object.js';
import { createdNamespace, NamespaceCleanupOutcome, namespaceCleanupVerdict } from './namespace.js';
import { DEFAULT_SYNC_OPTIONS, parseSyncOptions } from './options.js';

const app = { namespace: 'trueup-system', name: 'preview-7' };
const ns = (annotations?: Record<string, string>, deletionTimestamp?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name: 'preview-7',
    ...(annotations ? { annotations } : {}),
    ...(deletionTimestamp ? { deletionTimestamp } : {}),
  },
});
const ours = { [Annotation.NamespaceCreatedFor]: 'trueup-system/preview-7' };

test('a namespace trueup creates is marked with the app it was created for', () => {
  assert.deepEqual(createdNamespace('preview-7', app), ns(ours));
});

test('DeleteNamespace deletes only a namespace created for this app and holding no other app', () => {
  const cases: [string, KubeObject | undefined, string[], NamespaceCleanupOutcome, RegExp][] = [
    ['ours, alone', ns(ours), [], NamespaceCleanupOutcome.Deleted, /^deleted namespace preview-7$/],
    ['missing', undefined, [], NamespaceCleanupOutcome.Gone, /already gone or terminating/],
    ['terminating', ns(ours, '2026-01-01T00:00:00Z'), [], NamespaceCleanupOutcome.Gone, /terminating/],
    ['no mark', ns(), [], NamespaceCleanupOutcome.NotCreatedByTrueup, /trueup did not create it/],
    [
      'other marks only',
      ns({ team: 'web' }),
      [],
      NamespaceCleanupOutcome.NotCreatedByTrueup,
      /did not create/,
    ],
    [
      'made for another app',
      ns({ [Annotation.NamespaceCreatedFor]: 'trueup-system/preview-8' }),
      [],
      NamespaceCleanupOutcome.CreatedForAnotherApp,
      /created for trueup-system\/preview-8, not trueup-system\/preview-7/,
    ],
    [
      'same name, other app namespace',
      ns({ [Annotation.NamespaceCreatedFor]: 'team-a/preview-7' }),
      [],
      NamespaceCleanupOutcome.CreatedForAnotherApp,
      /created for team-a\/preview-7/,
    ],
    [
      'holds other apps',
      ns(ours),
      ['trueup-system/shared', 'trueup-system/db', 'trueup-system/shared'],
      NamespaceCleanupOutcome.HoldsOtherApps,
      /still holds objects of trueup-system\/db, trueup-system\/shared$/,
    ],
  ];
  for (const [name, live, others, outcome, message] of cases) {
    const v = namespaceCleanupVerdict('preview-7', live, app, others);
    assert.equal(v.outcome, outcome, name);
    assert.equal(v.delete, outcome === NamespaceCleanupOutcome.Deleted, name);
    assert.match(v.message, message, name);
  }
});

test('DeleteNamespace is an app-wide boolean option, off by default', () => {
  assert.equal(DEFAULT_SYNC_OPTIONS.deleteNamespace, false);
  assert.equal(parseSyncOptions(['DeleteNamespace=true'], DEFAULT_SYNC_OPTIONS, 'x').deleteNamespace, true);
  assert.throws(
    () => parseSyncOptions(['DeleteNamespace=yes'], DEFAULT_SYNC_OPTIONS, 'x'),
    /DeleteNamespace must be true or false/,
  );
});
