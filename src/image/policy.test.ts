import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FilterTags, PolicyChoice } from '../api/image-policy.js';
import { excludeTags, expandTemplate, filterTags, parseVersion, selectLatestTag } from './policy.js';

/** `${version}` (Go's braced group reference), spelled so it is no JS placeholder. */
const BRACED_VERSION = `$${'{'}version}`;

const tags = ['v1.2.3', 'v1.2.4', 'v1.10.0', 'v2.0.0', 'v2.1.0-rc.1', 'latest', '1.2.5', 'v1.3', 'sha-abc'];

const cases: [string, readonly string[], PolicyChoice, FilterTags | undefined, string | RegExp][] = [
  ['semver: highest in range', tags, { semver: { range: '>=1.0.0 <2.0.0' } }, undefined, 'v1.10.0'],
  ['semver: caret', tags, { semver: { range: '^1.2.0' } }, undefined, 'v1.10.0'],
  ['semver: tilde', tags, { semver: { range: '~1.2.0' } }, undefined, '1.2.5'],
  ['semver: x-range', tags, { semver: { range: '1.3.x' } }, undefined, 'v1.3'],
  ['semver: comma is AND (Masterminds)', tags, { semver: { range: '>=1.2.4, <1.3.0' } }, undefined, '1.2.5'],
  ['semver: prereleases excluded', tags, { semver: { range: '>=2.0.0' } }, undefined, 'v2.0.0'],
  ['semver: prerelease asked for', tags, { semver: { range: '>=2.1.0-0' } }, undefined, 'v2.1.0-rc.1'],
  [
    'semver: nothing in range',
    tags,
    { semver: { range: '>=3.0.0' } },
    undefined,
    /no tag in range >=3.0.0 among 9 tags/,
  ],
  ['semver: bad range', tags, { semver: { range: 'not a range' } }, undefined, /not a semver range/],
  [
    'semver: equal versions, stable pick',
    ['1.2.3', 'v1.2.3'],
    { semver: { range: '*' } },
    undefined,
    'v1.2.3',
  ],
  ['alphabetical asc: last', ['a', 'c', 'b'], { alphabetical: { order: 'asc' } }, undefined, 'c'],
  ['alphabetical desc: first', ['b', 'a', 'c'], { alphabetical: { order: 'desc' } }, undefined, 'a'],
  [
    'alphabetical: byte order (Z < a)',
    ['Zed', 'alpha'],
    { alphabetical: { order: 'asc' } },
    undefined,
    'alpha',
  ],
  [
    'alphabetical: RFC 3339 timestamps',
    ['2024-01-02T10:00:00Z', '2024-01-10T09:00:00Z'],
    { alphabetical: { order: 'asc' } },
    undefined,
    '2024-01-10T09:00:00Z',
  ],
  ['numerical asc: largest', ['9', '10', '2'], { numerical: { order: 'asc' } }, undefined, '10'],
  ['numerical desc: smallest', ['9', '10', '2'], { numerical: { order: 'desc' } }, undefined, '2'],
  ['numerical: floats', ['1.5', '1.25', '-3'], { numerical: { order: 'asc' } }, undefined, '1.5'],
  [
    'numerical: a tag that is not a number',
    ['1', 'latest'],
    { numerical: { order: 'asc' } },
    undefined,
    /tag latest is not a number/,
  ],
  [
    'filter + extract $ts, numerical',
    ['main-abc123-100', 'main-def456-99', 'main-0a0a0a-1000', 'feature-fff-5000', 'latest'],
    { numerical: { order: 'asc' } },
    { pattern: '^main-[a-f0-9]+-(?<ts>[0-9]+)', extract: '$ts' },
    'main-0a0a0a-1000',
  ],
  [
    'filter with Go (?P<name>) and braced extract',
    ['rel-1.2.3', 'rel-1.10.0', 'v9.9.9'],
    { semver: { range: '>=1.0.0' } },
    { pattern: '^rel-(?P<version>.*)$', extract: BRACED_VERSION },
    'rel-1.10.0',
  ],
  [
    'filter without extract keeps the tag',
    ['dev-1', 'dev-2', 'prod-9'],
    { alphabetical: { order: 'asc' } },
    { pattern: '^dev-' },
    'dev-2',
  ],
  [
    'filter matching nothing',
    ['a', 'b'],
    { alphabetical: { order: 'asc' } },
    { pattern: '^z' },
    /0 of 2 tags match filterTags.pattern/,
  ],
  [
    'filter with a bad pattern',
    ['a'],
    { alphabetical: { order: 'asc' } },
    { pattern: '(' },
    /filterTags.pattern: \( is not a regular expression/,
  ],
  [
    'extract makes an unrelated tag numeric-comparable',
    ['build-7', 'build-12'],
    { numerical: { order: 'asc' } },
    { pattern: 'build-([0-9]+)', extract: '$1' },
    'build-12',
  ],
];

test('selectLatestTag: policies and tag filters', () => {
  for (const [name, list, policy, filter, want] of cases) {
    if (typeof want === 'string') assert.equal(selectLatestTag(list, policy, filter), want, name);
    else assert.throws(() => selectLatestTag(list, policy, filter), want, name);
  }
});

test('expandTemplate follows Go Regexp.Expand', () => {
  const m = /(?<a>x+)-(?<b>y+)/.exec('xx-yyy') as RegExpExecArray;
  const table: [string, string][] = [
    ['$a', 'xx'],
    [`$${'{'}b}`, 'yyy'],
    ['$1.$2', 'xx.yyy'],
    ['$$a', '$a'],
    ['$missing', ''],
    [`$${'{'}a}z`, 'xxz'],
  ];
  for (const [template, want] of table) assert.equal(expandTemplate(template, m), want, template);
});

test('filterTags keeps the extracted value beside the tag', () => {
  assert.deepEqual(filterTags(['main-a-1', 'x'], { pattern: '-(?<ts>[0-9]+)$', extract: '$ts' }), [
    { tag: 'main-a-1', value: '1' },
  ]);
});

test('parseVersion reads tags as Flux does', () => {
  const table: [string, string | undefined][] = [
    ['v1.2.3', '1.2.3'],
    ['1.2', '1.2.0'],
    ['v2', '2.0.0'],
    ['1.2.3-rc.1+build.5', '1.2.3-rc.1'],
    ['latest', undefined],
    ['1.2.3.4', undefined],
    ['main-123', undefined],
  ];
  for (const [tag, want] of table) assert.equal(parseVersion(tag)?.version, want, tag);
});

test('excludeTags: the default drops cosign signatures', () => {
  assert.deepEqual(excludeTags(['v1', 'sha256-abc.sig', 'v2.sig.not'], ['^.*\\.sig$']), ['v1', 'v2.sig.not']);
  assert.deepEqual(excludeTags(['a', 'b'], []), ['a', 'b']);
  assert.throws(() => excludeTags(['a'], ['[']), /exclusionList\[0\]/);
});
