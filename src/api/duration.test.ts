import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DURATION_PATTERN, goDurationMs } from './duration.js';

test('Go durations, as time.ParseDuration reads them', () => {
  const cases: [string, number | undefined][] = [
    ['5s', 5000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['200ms', 200],
    ['2h45m', 9_900_000],
    ['1500us', 1.5],
    ['', undefined],
    ['5', undefined],
    ['5 s', undefined],
    ['s', undefined],
    ['1d', undefined],
  ];
  for (const [text, ms] of cases) {
    assert.equal(goDurationMs(text), ms, text);
    // The CRD admits exactly what parses.
    assert.equal(new RegExp(DURATION_PATTERN).test(text), ms !== undefined, text);
  }
});
