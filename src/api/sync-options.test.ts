import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  APP_SYNC_OPTIONS,
  appSyncOptionProblem,
  OBJECT_SYNC_OPTIONS,
  SYNC_OPTIONS,
  syncOptionCelRules,
} from './sync-options.js';

test('app-wide sync options: accepted entries and the reason for each refusal', () => {
  const cases: [string, RegExp | undefined][] = [
    ['CreateNamespace=true', undefined],
    ['CreateNamespace=false', undefined],
    ['Prune=false', undefined],
    ['PruneLast=true', undefined],
    ['Replace=true', undefined],
    ['Force=true', undefined],
    ['ServerSideApply=true', undefined],
    ['Validate=false', undefined],
    ['ApplyOutOfSyncOnly=true', undefined],
    ['FailOnSharedResource=true', undefined],
    ['PrunePropagationPolicy=orphan', undefined],
    ['RespectIgnoreDifferences=true', undefined],
    ['SkipDryRunOnMissingResource=true', undefined],
    ['ServerSideApply=false', /server-side apply only/],
    ['ApplyOutOfSyncOnly=false', /always applies only the objects that are out of sync/],
    ['Prune=confirm', /per-object option/],
    ['Delete=false', /^Delete is a per-object option/],
    ['AutoMagic=true', /^AutoMagic is not a sync option trueup knows; app-wide options are CreateNamespace,/],
    ['CreateNamespace', /must be Name=value/],
    ['createnamespace=true', /^createnamespace is not a sync option/],
    ['PruneLast=yes', /^PruneLast must be true or false$/],
    ['CreateNamespace=True', /^CreateNamespace must be true or false$/],
    ['PrunePropagationPolicy=sideways', /^PrunePropagationPolicy must be foreground, background or orphan$/],
  ];
  for (const [entry, expected] of cases) {
    const problem = appSyncOptionProblem(entry);
    if (expected === undefined) assert.equal(problem, undefined, entry);
    else assert.match(problem ?? '(accepted)', expected, entry);
  }
});

test('the scopes split the table: Delete only per object, CreateNamespace only app-wide', () => {
  const names = (l: readonly { name: string }[]) => l.map((o) => o.name);
  assert.ok(names(OBJECT_SYNC_OPTIONS).includes('Delete'));
  assert.ok(!names(APP_SYNC_OPTIONS).includes('Delete'));
  assert.ok(names(APP_SYNC_OPTIONS).includes('CreateNamespace'));
  assert.ok(!names(OBJECT_SYNC_OPTIONS).includes('CreateNamespace'));
  assert.equal(new Set(names(SYNC_OPTIONS)).size, SYNC_OPTIONS.length);
});

test('the CEL rules carry the same messages as the zod check (one rule per refusal and per value set)', () => {
  const rules = syncOptionCelRules();
  for (const entry of ['ServerSideApply=false', 'Prune=confirm', 'PruneLast=yes', 'Delete=false']) {
    const problem = appSyncOptionProblem(entry);
    assert.ok(
      rules.some((r) => r.message === problem),
      `${entry}: no CEL rule says "${problem}"`,
    );
  }
  for (const r of rules) assert.ok(r.message ?? r.messageExpression, r.rule);
});

test('the README documents every sync option of the table, with where it may be written', async () => {
  const { readFile } = await import('node:fs/promises');
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  for (const o of SYNC_OPTIONS) {
    const row = readme.split('\n').find((l) => l.startsWith(`| \`${o.name}=`));
    assert.ok(row, `README has no row for ${o.name}`);
    const where = row.split('|').at(-2)?.trim() ?? '';
    const expected = { app: 'app', object: 'object', both: 'app, object' }[o.scope];
    assert.equal(where, expected, o.name);
  }
});
