import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTrueupError } from '../api/errors.js';
import {
  isSemverRange,
  matchRevision,
  maxSatisfyingTag,
  type RefSnapshot,
  revisionText,
} from './revision.js';

const c = (n: number) => String(n).repeat(40).slice(0, 40);
const snapshot: RefSnapshot = {
  head: 'refs/heads/main',
  refs: {
    HEAD: c(1),
    'refs/heads/main': c(1),
    'refs/heads/release-1.x': c(2),
    'refs/heads/1.x': c(3),
    'refs/tags/v1.0.0': c(4),
    'refs/tags/v1.2.0': c(5),
    'refs/tags/1.4.1': c(6),
    'refs/tags/v1.9.0-rc.1': c(7),
    'refs/tags/v2.0.0': c(8),
    'refs/tags/annotated': 'a'.repeat(40),
    'refs/tags/not-a-version': c(9),
  },
  peeled: { 'refs/tags/annotated': 'b'.repeat(40), 'refs/tags/v2.0.0': 'e'.repeat(40) },
};

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return isTrueupError(err) ? `${err.code}/${err.retry}` : 'other';
  }
  return 'none';
};

describe('matchRevision', () => {
  const table: Array<[string, unknown]> = [
    ['', { kind: 'head', ref: 'refs/heads/main', commit: c(1) }],
    ['HEAD', { kind: 'head', ref: 'refs/heads/main', commit: c(1) }],
    ['main', { kind: 'branch', ref: 'refs/heads/main', commit: c(1) }],
    ['refs/heads/main', { kind: 'branch', ref: 'refs/heads/main', commit: c(1) }],
    ['v1.2.0', { kind: 'tag', ref: 'refs/tags/v1.2.0', commit: c(5) }],
    ['annotated', { kind: 'tag', ref: 'refs/tags/annotated', commit: 'b'.repeat(40) }],
    // A branch named like a range wins over the range.
    ['1.x', { kind: 'branch', ref: 'refs/heads/1.x', commit: c(3) }],
    ['>=1.2.0 <2.0.0', { kind: 'semver', ref: 'refs/tags/1.4.1', commit: c(6) }],
    ['~1.2', { kind: 'semver', ref: 'refs/tags/v1.2.0', commit: c(5) }],
    ['*', { kind: 'semver', ref: 'refs/tags/v2.0.0', commit: 'e'.repeat(40) }],
    ['1.0.0', { kind: 'semver', ref: 'refs/tags/v1.0.0', commit: c(4) }],
    ['>=1.9.0-rc.0 <2.0.0', { kind: 'semver', ref: 'refs/tags/v1.9.0-rc.1', commit: c(7) }],
    ['f'.repeat(40), { kind: 'commit', oid: 'f'.repeat(40) }],
    ['abc1234', { kind: 'commit', oid: 'abc1234' }],
  ];
  for (const [rev, want] of table) {
    it(`resolves '${rev}'`, () => assert.deepEqual(matchRevision('r', rev, snapshot), want));
  }

  it('says which range found no tag', () => {
    assert.equal(
      code(() => matchRevision('r', '>=3.0.0', snapshot)),
      'GitRevisionNotFound/terminal',
    );
  });
  it('reports an unknown name as not found', () => {
    assert.equal(
      code(() => matchRevision('r', 'nope', snapshot)),
      'GitRevisionNotFound/terminal',
    );
  });
  it('reports a ref that was there before as deleted', () => {
    const now = { ...snapshot, refs: { ...snapshot.refs } };
    delete now.refs['refs/heads/release-1.x'];
    assert.equal(
      code(() => matchRevision('r', 'release-1.x', now, snapshot)),
      'GitRefDeleted/terminal',
    );
  });
  it('fails on a HEAD that points nowhere', () => {
    assert.equal(
      code(() => matchRevision('r', 'HEAD', { refs: {}, peeled: {}, head: 'refs/heads/x' })),
      'GitRevisionNotFound/terminal',
    );
  });
});

describe('semver helpers', () => {
  it('recognises ranges but not branch names', () => {
    assert.equal(isSemverRange('1.x'), true);
    assert.equal(isSemverRange('*'), true);
    assert.equal(isSemverRange('main'), false);
    assert.equal(isSemverRange(''), false);
  });
  it('ignores tags that are not versions', () => {
    assert.equal(maxSatisfyingTag({ refs: { 'refs/tags/latest': c(1) }, peeled: {} }, '*'), undefined);
  });
  it('writes Flux-style revision text', () => {
    assert.equal(revisionText(c(1), 'refs/heads/main'), `main@sha1:${c(1)}`);
    assert.equal(revisionText(c(1)), `sha1:${c(1)}`);
  });
});
