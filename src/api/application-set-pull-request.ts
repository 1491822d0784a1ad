/**
 * The ApplicationSet's pullRequest generator: open pull requests of a GitHub or Gitea repository
 * as parameter sets. The other providers of Argo CD, and its filters, are refused.
 */
import { z } from 'zod';
import {
  exactlyOne,
  httpUrl,
  opaque,
  PER_GENERATOR_TEMPLATE,
  refusals,
  refuse,
} from './application-set-refusals.js';

export const PULL_REQUEST_PROVIDER_MESSAGE =
  'the pullRequest generator supports github and gitea (GitHub-compatible) only';
export const PULL_REQUEST_ONE_MESSAGE = 'a pullRequest generator sets exactly one of github or gitea';
export const PULL_REQUEST_FILTERS_MESSAGE =
  'pullRequest.filters is not supported: filter with labels or a selector on the params';
export const GITHUB_APP_MESSAGE = 'GitHub App credentials (appSecretName) are not supported: use tokenRef';
export const GITEA_INSECURE_MESSAGE =
  'gitea.insecure (skipping TLS verification) is not supported: trust the server instead';

const SecretKeyRefSchema = z.object({
  secretName: z.string().min(1).describe("A Secret in the set's namespace."),
  key: z.string().min(1),
});

const PullRequestRepoSchema = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  tokenRef: SecretKeyRefSchema.optional().describe('The API token (without it, anonymous requests).'),
  labels: z
    .array(z.string())
    .max(32)
    .optional()
    .describe('Only pull requests carrying every one of these labels.'),
});

const ProviderUrl = httpUrl('api must be an http(s) URL');

const GithubPullRequestSchema = PullRequestRepoSchema.extend({
  api: ProviderUrl.optional().describe(
    'API base URL (default https://api.github.com; GitHub Enterprise: https://host/api/v3).',
  ),
  appSecretName: z.string().optional().describe(`Refused: ${GITHUB_APP_MESSAGE}.`),
})
  .meta({ 'x-kubernetes-validations': [{ rule: '!has(self.appSecretName)', message: GITHUB_APP_MESSAGE }] })
  .superRefine((v, ctx) => {
    if (v.appSecretName !== undefined)
      ctx.addIssue({ code: 'custom', path: ['appSecretName'], message: GITHUB_APP_MESSAGE });
  });

const GiteaPullRequestSchema = PullRequestRepoSchema.extend({
  api: ProviderUrl.describe('The Gitea server, e.g. https://gitea.example.com.'),
  insecure: z.boolean().optional().describe(`Refused: ${GITEA_INSECURE_MESSAGE}.`),
})
  .meta({
    'x-kubernetes-validations': [
      { rule: '!has(self.insecure) || !self.insecure', message: GITEA_INSECURE_MESSAGE },
    ],
  })
  .superRefine((v, ctx) => {
    if (v.insecure) ctx.addIssue({ code: 'custom', path: ['insecure'], message: GITEA_INSECURE_MESSAGE });
  });

const refusedProviders = {
  gitlab: PULL_REQUEST_PROVIDER_MESSAGE,
  bitbucketServer: PULL_REQUEST_PROVIDER_MESSAGE,
  bitbucket: PULL_REQUEST_PROVIDER_MESSAGE,
  azuredevops: PULL_REQUEST_PROVIDER_MESSAGE,
  filters: PULL_REQUEST_FILTERS_MESSAGE,
  template: PER_GENERATOR_TEMPLATE,
};

export const PullRequestGeneratorSchema = z
  .object({
    github: GithubPullRequestSchema.optional(),
    gitea: GiteaPullRequestSchema.optional(),
    requeueAfterSeconds: z
      .int()
      .min(1)
      .optional()
      .describe('How often the open pull requests are listed (default 1800, as Argo CD).'),
    gitlab: opaque.optional().describe(`Refused: ${PULL_REQUEST_PROVIDER_MESSAGE}.`),
    bitbucketServer: opaque.optional().describe(`Refused: ${PULL_REQUEST_PROVIDER_MESSAGE}.`),
    bitbucket: opaque.optional().describe(`Refused: ${PULL_REQUEST_PROVIDER_MESSAGE}.`),
    azuredevops: opaque.optional().describe(`Refused: ${PULL_REQUEST_PROVIDER_MESSAGE}.`),
    filters: z.array(opaque).max(16).optional().describe(`Refused: ${PULL_REQUEST_FILTERS_MESSAGE}.`),
    template: opaque.optional(),
  })
  .meta({
    'x-kubernetes-validations': [
      ...refusals(refusedProviders),
      {
        rule: '(has(self.github) ? 1 : 0) + (has(self.gitea) ? 1 : 0) == 1',
        message: PULL_REQUEST_ONE_MESSAGE,
      },
    ],
  })
  .superRefine(refuse(refusedProviders))
  .superRefine(exactlyOne(['github', 'gitea'], PULL_REQUEST_ONE_MESSAGE));

export type PullRequestGenerator = z.infer<typeof PullRequestGeneratorSchema>;
