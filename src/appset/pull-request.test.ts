import assert from 'node:assert/strict';
import { test } from 'node:test';
import { branchSlug, pullRequestParams } from './generators/pull-request.js';

const pr = {
  number: 42,
  title: 'Add checkout',
  branch: 'Feature/Checkout_V2',
  targetBranch: 'main',
  headSha: '2f1b6d7e9a0c4b3d8e7f6a5b4c3d2e1f0a9b8c7d',
  labels: ['preview'],
  author: 'alice',
};

test("pull request params (Argo CD's names; number is a string; labels with goTemplate only)", () => {
  assert.deepEqual(pullRequestParams([pr], false), [
    {
      number: '42',
      title: 'Add checkout',
      branch: 'Feature/Checkout_V2',
      branch_slug: 'feature-checkout-v2',
      target_branch: 'main',
      target_branch_slug: 'main',
      head_sha: '2f1b6d7e9a0c4b3d8e7f6a5b4c3d2e1f0a9b8c7d',
      head_short_sha: '2f1b6d7e',
      head_short_sha_7: '2f1b6d7',
      author: 'alice',
    },
  ]);
  assert.deepEqual(pullRequestParams([pr], true)[0]?.labels, ['preview']);
});

const slugs: [string, string][] = [
  ['main', 'main'],
  ['feat/ABC-1_x', 'feat-abc-1-x'],
  ['--weird--', 'weird'],
  ['a&b@c', 'aandbatc'],
  [`x/${'y'.repeat(60)}`, `x-${'y'.repeat(48)}`],
  [`${'a'.repeat(49)}/b`, 'a'.repeat(49)],
];
for (const [branch, want] of slugs) {
  test(`branch_slug ${branch} → ${want}`, () => assert.equal(branchSlug(branch), want));
}
