import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrueupError } from '../api/errors.js';
import { parseResource } from './app-cli.js';

test('parseResource: [group/]Kind/[namespace/]name', () => {
  const rows: [string, ReturnType<typeof parseResource>][] = [
    ['ConfigMap/cfg', { kind: 'ConfigMap', name: 'cfg' }],
    ['ConfigMap/web/cfg', { kind: 'ConfigMap', namespace: 'web', name: 'cfg' }],
    ['apps/Deployment/api', { group: 'apps', kind: 'Deployment', name: 'api' }],
    ['apps/Deployment/web/api', { group: 'apps', kind: 'Deployment', namespace: 'web', name: 'api' }],
  ];
  for (const [text, want] of rows) assert.deepEqual(parseResource(text), want, text);
  for (const bad of ['cfg', 'ConfigMap', 'ConfigMap/', 'a/b/Kind/x', 'apps/Deployment/a/b/c'])
    assert.throws(
      () => parseResource(bad),
      (e: unknown) => isTrueupError(e) && e.message.includes(`--resource ${bad}:`),
      bad,
    );
});
