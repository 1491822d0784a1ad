/**
 * The pullRequest generator's parameter sets from the open pull requests (listed by
 * pull-requests.ts), with Argo CD's names: `number` (a string), `title`, `branch`,
 * `branch_slug`, `target_branch`, `target_branch_slug`, `head_sha`, `head_short_sha` (8),
 * `head_short_sha_7`, `author`, and with goTemplate `labels` (a list).
 */
import type { Params } from '../params.js';

export interface PullRequest {
  number: number;
  title: string;
  branch: string;
  targetBranch: string;
  headSha: string;
  labels: string[];
  author: string;
}

/**
 * A branch name as a DNS label (RFC 1123): lower case, every run of other characters one '-',
 * at most 50 characters (room for a prefix or suffix), no '-' at either end. Argo CD uses
 * gosimple/slug, which also transliterates non-ASCII letters; here they become '-'.
 */
export function branchSlug(branch: string): string {
  return branch
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/@/g, 'at')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
}

export function pullRequestParams(pulls: readonly PullRequest[], goTemplate: boolean): Params[] {
  return pulls.map((p) => {
    const params: Params = {
      number: String(p.number),
      title: p.title,
      branch: p.branch,
      branch_slug: branchSlug(p.branch),
      target_branch: p.targetBranch,
      target_branch_slug: branchSlug(p.targetBranch),
      head_sha: p.headSha,
      head_short_sha: p.headSha.slice(0, 8),
      head_short_sha_7: p.headSha.slice(0, 7),
      author: p.author,
    };
    // Argo CD gives labels to goTemplate sets only (a list has no fasttemplate form).
    if (goTemplate) params.labels = [...p.labels];
    return params;
  });
}
