/**
 * The API-floor bench's script (bench/scale/floor-script.ts): what each recorded request is, and
 * what the variants leave out, so the figures in bench/RESULTS.md count the right requests.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  collectionOf,
  kindOf,
  type RecordedRequest,
  summarize,
  VARIANTS,
  variantOf,
  withQuery,
} from '../../bench/scale/floor-script.js';

const req = (method: string, path: string, extra: Partial<RecordedRequest> = {}): RecordedRequest => ({
  atMs: 0,
  method,
  path,
  ...extra,
});

const APPLY = 'application/apply-patch+yaml';
const script: RecordedRequest[] = [
  req('GET', '/api/v1'),
  req('GET', '/apis/trueup.dev/v1alpha1'),
  req('GET', '/apis/trueup.dev/v1alpha1/namespaces/apps/applications?limit=500'),
  req('GET', '/apis/trueup.dev/v1alpha1/namespaces/apps/applications?watch=true&resourceVersion=7'),
  req('GET', '/api/v1/namespaces/dest'),
  req('GET', '/api/v1/namespaces/dest/configmaps/one'),
  req('PATCH', '/api/v1/namespaces/dest/configmaps/one?fieldManager=t&force=true', {
    contentType: APPLY,
    body: '{"a":1}',
  }),
  req('PATCH', '/api/v1/namespaces/dest/configmaps/one?fieldManager=t&dryRun=All', { contentType: APPLY }),
  req('PATCH', '/apis/trueup.dev/v1alpha1/namespaces/apps/applications/a/status?fieldManager=t', {
    contentType: 'application/merge-patch+json',
    body: '{"status":{}}',
  }),
  req('POST', '/api/v1/namespaces/apps/events', { body: '{}' }),
  req('POST', '/apis/trueup.dev/v1alpha1/namespaces/apps/appprojects', { body: '{}' }),
  req('PUT', '/apis/coordination.k8s.io/v1/namespaces/apps/leases/x', { body: '{}' }),
];

test('each recorded request is classified by what it does', () => {
  assert.deepEqual(script.map(kindOf), [
    'discovery',
    'discovery',
    'list',
    'watch',
    'get',
    'get',
    'apply',
    'dryRunApply',
    'statusPatch',
    'event',
    'create',
    'other',
  ]);
});

test('the variants leave out the Events, the watches, or both, and nothing else', () => {
  const kinds = (i: number) => variantOf(script, VARIANTS[i] ?? VARIANTS[0]!).map(kindOf);
  assert.equal(kinds(0).length, script.length);
  assert.deepEqual(
    kinds(1).filter((k) => k === 'event'),
    [],
  );
  assert.equal(kinds(1).length, script.length - 1);
  assert.ok(!kinds(2).includes('watch') && kinds(2).length === script.length - 1);
  assert.equal(kinds(3).length, script.length - 2);
});

test('the summary counts requests and body bytes per kind', () => {
  const s = summarize(script);
  assert.deepEqual(s.apply, { count: 1, bodyBytes: 7 });
  assert.deepEqual(s.statusPatch, { count: 1, bodyBytes: 13 });
  assert.equal(s.discovery?.count, 2);
});

test('a watch and its list share a collection; a query parameter is replaced or removed', () => {
  assert.equal(collectionOf(script[2]!.path), collectionOf(script[3]!.path));
  assert.equal(
    withQuery('/api/v1/configmaps?watch=true&resourceVersion=7', 'resourceVersion', '99'),
    '/api/v1/configmaps?watch=true&resourceVersion=99',
  );
  assert.equal(
    withQuery('/api/v1/configmaps?limit=500&continue=abc', 'continue', undefined),
    '/api/v1/configmaps?limit=500',
  );
});
