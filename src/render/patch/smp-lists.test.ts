/**
 * mergeAssociativeList takes a short cut for lists the patch does not name; on random lists
 * (duplicates, missing and empty keys, nulls, nested lists) it must give what the general merge
 * gives. The general merge itself is checked against kubectl kustomize by patch.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonValue } from '../../api/object.js';
import { builtinSchema, fieldSchema, schemaForKind } from '../openapi/schema.js';
import { mergeAssociativeList, mergeLists } from './smp-lists.js';

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const podSpec = fieldSchema(fieldSchema(schemaForKind('v1', 'Pod')!, 'spec')!.type!, 'containers');

test('a list the patch does not name merges as the general merge does', () => {
  const rnd = random(12);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const scalar = (): JsonValue => pick(['a', 'b', 'c', 1, 2, '1', '', null, true]);
  const element = (keys: readonly string[]): JsonValue => {
    if (rnd() < 0.05) return pick([null, {}, 'x', 3]);
    const e: Record<string, JsonValue> = {};
    for (const k of keys)
      if (rnd() < 0.85) e[k] = rnd() < 0.9 ? pick(['a', 'b', 'c', 'd', 80, 'TCP']) : scalar();
    if (rnd() < 0.5) e.other = rnd() < 0.5 ? scalar() : { x: [scalar(), scalar()], y: null };
    if (rnd() < 0.2) e.ports = [{ containerPort: pick([80, 81]), name: pick(['h', 'g']) }];
    return e;
  };
  const keySets: string[][] = [[], ['name'], ['containerPort', 'protocol'], ['name', 'port']];
  let cases = 0;
  for (let i = 0; i < 3000; i++) {
    const keys = pick(keySets);
    const n = Math.floor(rnd() * 6);
    const base =
      keys.length === 0 ? Array.from({ length: n }, scalar) : Array.from({ length: n }, () => element(keys));
    const ctx = {
      path: ['spec', 'list'],
      elemType: keys[0] === 'name' && rnd() < 0.5 ? podSpec?.type : undefined,
      schema: builtinSchema,
    };
    const expected = mergeLists(structuredClone(base), undefined, keys.length ? keys : [''], ctx);
    assert.deepEqual(
      mergeAssociativeList(structuredClone(base), undefined, keys, ctx),
      expected,
      JSON.stringify({ base, keys }),
    );
    cases++;
  }
  assert.equal(cases, 3000);
});
