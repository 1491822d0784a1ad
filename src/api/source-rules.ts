/**
 * What a `spec.source` may not combine, and which repository URLs it accepts: the CEL rules
 * kubectl apply meets and the zod checks the controller runs, with the same messages.
 */
import type { z } from 'zod';
import { PASS_CREDENTIALS_MESSAGE } from './helm-source.js';

export const HTTP_ONLY_MESSAGE = 'only http(s) Git URLs are supported (no SSH)';
export const CHART_REPO_URL_MESSAGE =
  'a chart repository is an http(s):// Helm repository, an oci:// registry, or host/path (an OCI registry with an enableOCI repository Secret)';
export const CHART_ALONE_MESSAGE =
  'chart (a chart from a Helm repository) cannot be combined with path, kustomize or directory: the chart is rendered from its own directory';
const CHART_REPO_URL = /^((https?|oci):\/\/|[^:/]+(:[0-9]+)?(\/|$))/i;
export const PATH_INSIDE_MESSAGE = 'must stay inside the repository (no .. segments)';
export const KUSTOMIZE_OR_DIRECTORY_MESSAGE =
  'set either kustomize (a kustomization at path) or directory (a plain directory of manifests), not both';
export const HELM_ALONE_MESSAGE =
  'helm (a chart at path) cannot be combined with kustomize or directory: set one of them';

/** The CEL side, on the source object (x-kubernetes-validations). */
export const SOURCE_CEL_RULES = [
  { rule: '!(has(self.kustomize) && has(self.directory))', message: KUSTOMIZE_OR_DIRECTORY_MESSAGE },
  {
    rule: '!has(self.helm) || !(has(self.kustomize) || has(self.directory))',
    message: HELM_ALONE_MESSAGE,
  },
  // fieldPath: the API server names the field (spec.source.repoURL), as a rule on it would.
  {
    rule: "has(self.chart) || self.repoURL.matches('^https?://')",
    message: HTTP_ONLY_MESSAGE,
    fieldPath: '.repoURL',
  },
  {
    rule: "!has(self.chart) || self.repoURL.matches('^((https?|oci)://|[^:/]+(:[0-9]+)?(/|$))')",
    message: CHART_REPO_URL_MESSAGE,
    fieldPath: '.repoURL',
  },
  {
    rule: "!has(self.chart) || ((!has(self.path) || self.path == '.' || self.path == '') && !has(self.kustomize) && !has(self.directory))",
    message: CHART_ALONE_MESSAGE,
    fieldPath: '.chart',
  },
  {
    rule: '!has(self.helm) || !has(self.helm.passCredentials) || has(self.chart)',
    message: PASS_CREDENTIALS_MESSAGE,
    fieldPath: '.helm.passCredentials',
  },
];

/** The fields of a source the rules read. */
interface SourceFields {
  repoURL: string;
  path: string;
  kustomize?: unknown;
  directory?: unknown;
  helm?: { passCredentials?: boolean | undefined } | undefined;
  chart?: string | undefined;
}

/** The zod side of SOURCE_CEL_RULES: the controller refuses with the same messages as kubectl. */
export function sourceRuleIssues(s: SourceFields, ctx: z.RefinementCtx): void {
  if (s.kustomize && s.directory) ctx.addIssue({ code: 'custom', message: KUSTOMIZE_OR_DIRECTORY_MESSAGE });
  if (s.helm && (s.kustomize || s.directory)) ctx.addIssue({ code: 'custom', message: HELM_ALONE_MESSAGE });
  // A Git repoURL's scheme: checked by the controller (validateSpec), naming the URL.
  if (s.chart !== undefined && !CHART_REPO_URL.test(s.repoURL))
    ctx.addIssue({ code: 'custom', path: ['repoURL'], message: CHART_REPO_URL_MESSAGE });
  if (s.chart !== undefined && ((s.path !== '.' && s.path !== '') || s.kustomize || s.directory))
    ctx.addIssue({ code: 'custom', path: ['chart'], message: CHART_ALONE_MESSAGE });
  if (s.helm?.passCredentials !== undefined && s.chart === undefined)
    ctx.addIssue({ code: 'custom', path: ['helm', 'passCredentials'], message: PASS_CREDENTIALS_MESSAGE });
}
