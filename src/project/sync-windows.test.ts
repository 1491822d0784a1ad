import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SyncWindow } from '../api/app-project.js';
import { syncWindowVerdict, windowApplies, windowOpen } from './sync-windows.js';

const at = (iso: string) => Date.parse(iso);
const subject = {
  app: 'web',
  namespace: 'prod',
  server: 'https://kubernetes.default.svc',
  name: 'in-cluster',
};
const nightly = (kind: 'allow' | 'deny', extra: Partial<SyncWindow> = {}): SyncWindow => ({
  kind,
  schedule: '0 22 * * *',
  duration: '1h',
  applications: ['*'],
  ...extra,
});

describe('a window is open from each start for its duration', () => {
  const cases: [string, SyncWindow, string, boolean][] = [
    ['before the start', nightly('deny'), '2026-12-05T21:59:59Z', false],
    ['at the start', nightly('deny'), '2026-12-05T22:00:00Z', true],
    ['inside', nightly('deny'), '2026-12-05T22:59:59Z', true],
    ['at the end', nightly('deny'), '2026-12-05T23:00:00Z', false],
    ['a compound duration', nightly('deny', { duration: '1h30m' }), '2026-12-05T23:15:00Z', true],
    [
      'in its time zone (22:00 in Berlin is 21:00 UTC in winter)',
      nightly('deny', { timeZone: 'Europe/Berlin' }),
      '2026-12-05T21:30:00Z',
      true,
    ],
    [
      'a weekday schedule on a Saturday',
      nightly('deny', { schedule: '0 9 * * 1-5', duration: '8h' }),
      '2026-12-05T10:00:00Z',
      false,
    ],
    [
      'a weekday schedule on a Monday',
      nightly('deny', { schedule: '0 9 * * 1-5', duration: '8h' }),
      '2026-12-07T10:00:00Z',
      true,
    ],
  ];
  for (const [name, w, now, open] of cases) test(name, () => assert.equal(windowOpen(w, at(now)), open));
  test('a schedule that does not parse names the window', () =>
    assert.throws(
      () => windowOpen(nightly('deny', { schedule: 'nope' }), 0),
      /sync window deny nope for 1h \(UTC\)/,
    ));
});

describe('which apps a window applies to', () => {
  const cases: [string, Partial<SyncWindow>, boolean][] = [
    ['no selector: none', { applications: undefined }, false],
    ['app glob', { applications: ['w*'] }, true],
    ['namespace glob', { applications: undefined, namespaces: ['prod'] }, true],
    ['cluster by name', { applications: undefined, clusters: ['in-cluster'] }, true],
    ['any selector matches (or)', { applications: ['other'], namespaces: ['prod'] }, true],
    [
      'andOperator: all given must match',
      { applications: ['other'], namespaces: ['prod'], andOperator: true },
      false,
    ],
    ['andOperator: all match', { applications: ['web'], namespaces: ['prod'], andOperator: true }, true],
  ];
  for (const [name, extra, applies] of cases)
    test(name, () => assert.equal(windowApplies(nightly('deny', extra), subject), applies));
});

describe('the verdict (Argo CD: deny wins; applying allow windows must be open; manualSync)', () => {
  const inside = at('2026-12-05T22:30:00Z');
  const outside = at('2026-12-05T12:00:00Z');
  const cases: [string, SyncWindow[], number, boolean, boolean?][] = [
    ['no windows', [], inside, true],
    ['a deny window open', [nightly('deny')], inside, false, false],
    ['a deny window open with manualSync', [nightly('deny', { manualSync: true })], inside, false, true],
    ['a deny window closed', [nightly('deny')], outside, true],
    ['an allow window open', [nightly('allow')], inside, true],
    ['an allow window closed', [nightly('allow')], outside, false, false],
    [
      'an allow window closed with manualSync',
      [nightly('allow', { manualSync: true })],
      outside,
      false,
      true,
    ],
    ['deny wins over an open allow', [nightly('allow'), nightly('deny')], inside, false, false],
    ['windows for other apps do not apply', [nightly('deny', { applications: ['other'] })], inside, true],
  ];
  for (const [name, windows, now, allowed, manual] of cases)
    test(name, () => {
      const v = syncWindowVerdict(windows, subject, now);
      assert.equal(v.allowed, allowed);
      if (!v.allowed) {
        assert.equal(v.manualAllowed, manual);
        assert.match(v.message, /sync window/);
      }
    });
});
