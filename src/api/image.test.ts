/** The controller's side of the image resources' refusals (zod), mirroring the CEL rules. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImagePolicySpecSchema } from './image-policy.js';
import { ImageRepositorySpecSchema } from './image-repository.js';
import { ImageUpdateAutomationSpecSchema } from './image-update-automation.js';

const repo = { image: 'ghcr.io/org/api', interval: '1m' };
const policy = { imageRepositoryRef: { name: 'api' }, policy: { semver: { range: '1.x' } } };
const auto = {
  sourceRef: { repoURL: 'https://git.example/org/config.git' },
  interval: '5m',
  git: { checkout: { ref: { branch: 'main' } }, commit: { author: { name: 'b', email: 'b@x' } } },
};

const firstIssue = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
  r.success ? undefined : r.error?.issues[0]?.message;

test('valid specs parse, with defaults', () => {
  assert.ok(ImageRepositorySpecSchema.safeParse(repo).success);
  assert.ok(ImageRepositorySpecSchema.safeParse({ ...repo, image: 'localhost:5000/app' }).success);
  assert.deepEqual(ImagePolicySpecSchema.parse({ ...policy, policy: { numerical: {} } }).policy, {
    numerical: { order: 'asc' },
  });
  assert.deepEqual(ImageUpdateAutomationSpecSchema.parse(auto).update, { path: './', strategy: 'Setters' });
});

test('refused fields name why', () => {
  const cases: [string, { safeParse(v: unknown): never }, unknown, RegExp][] = [
    [
      'tagged image',
      ImageRepositorySpecSchema as never,
      { ...repo, image: 'nginx:1.25' },
      /without scheme, tag or digest/,
    ],
    [
      'certSecretRef',
      ImageRepositorySpecSchema as never,
      { ...repo, certSecretRef: { name: 'x' } },
      /certSecretRef is not supported/,
    ],
    ['provider', ImageRepositorySpecSchema as never, { ...repo, provider: 'gcp' }, /only generic/],
    [
      'two policies',
      ImagePolicySpecSchema as never,
      { ...policy, policy: { semver: { range: '1' }, alphabetical: {} } },
      /exactly one/,
    ],
    [
      'cross-namespace',
      ImagePolicySpecSchema as never,
      { ...policy, imageRepositoryRef: { name: 'a', namespace: 'b' } },
      /namespace is not supported/,
    ],
    [
      'GitRepository',
      ImageUpdateAutomationSpecSchema as never,
      { ...auto, sourceRef: { kind: 'GitRepository', name: 'x' } },
      /no GitRepository/,
    ],
    [
      'tag checkout',
      ImageUpdateAutomationSpecSchema as never,
      { ...auto, git: { ...auto.git, checkout: { ref: { tag: 'v1' } } } },
      /only branch/,
    ],
    [
      'refspec',
      ImageUpdateAutomationSpecSchema as never,
      { ...auto, git: { ...auto.git, push: { refspec: 'x' } } },
      /refspec is not supported/,
    ],
    [
      'matchExpressions',
      ImageUpdateAutomationSpecSchema as never,
      { ...auto, policySelector: { matchExpressions: [] } },
      /matchExpressions is not supported/,
    ],
    [
      'path escapes',
      ImageUpdateAutomationSpecSchema as never,
      { ...auto, update: { path: 'a/../..' } },
      /inside the repository/,
    ],
  ];
  for (const [name, schema, value, pattern] of cases)
    assert.match(firstIssue(schema.safeParse(value)) ?? '', pattern, name);
});
