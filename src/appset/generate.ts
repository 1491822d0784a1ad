/**
 * Runs a set's generators: parameter sets in the order Argo CD yields them (generators in spec
 * order; matrix pairs first-major; each generator's `selector` applied to its own sets). Git
 * content comes through `RepoReader` (one read per repository and revision per evaluation; the
 * source layer shares fetches with Applications); templated strings (a matrix's second
 * generator, `values`) through the set's StringRenderer.
 */
import type { ApplicationSetSpec } from '../api/application-set.js';
import type { ClustersGenerator, GitGenerator, LeafGenerator } from '../api/application-set-generators.js';
import { GeneratorError } from './errors.js';
import { type ClusterListing, clustersParams } from './generators/clusters.js';
import { combinePair, mergeParams } from './generators/combine.js';
import { gitDirectoryParams, gitFileParams, gitFilesSelected } from './generators/git.js';
import { listParams } from './generators/list.js';
import { pullRequestParams } from './generators/pull-request.js';
import type { Params } from './params.js';
import type { PullRequestLister } from './pull-requests.js';
import { selectParams } from './selector.js';
import { renderEach, type StringRenderer, TemplateError } from './template-engine.js';

/** A repository at one revision, as the git generator reads it. */
export interface RepoSnapshot {
  /** The commit the revision resolved to. */
  readonly commit: string;
  /** Every directory (relative, no hidden ones, not the root), sorted. */
  directories(): Promise<string[]>;
  /** Every file (relative), sorted. */
  files(): Promise<string[]>;
  readText(path: string): Promise<string>;
}

export interface RepoReader {
  snapshot(repoURL: string, revision: string): Promise<RepoSnapshot>;
}

export interface GenerateDeps {
  repos: RepoReader;
  renderer: StringRenderer;
  goTemplate: boolean;
  /** The pullRequest generator's provider APIs (token Secrets read in `namespace`). */
  pullRequests?: PullRequestLister;
  /** The set's namespace. */
  namespace?: string;
  /** The cluster Secrets (the clusters generator; without it, only the in-cluster destination). */
  clusters?: () => readonly ClusterListing[];
}

export interface Generated {
  params: Params[];
  /** The repositories (and commits) read, for webhook matching and status. */
  repos: Map<string, string>;
}

type Leaf = Pick<LeafGenerator, 'list' | 'git' | 'clusters' | 'pullRequest' | 'selector'>;

class Run {
  readonly repos = new Map<string, string>();
  private readonly snapshots = new Map<string, Promise<RepoSnapshot>>();

  constructor(private readonly d: GenerateDeps) {}

  private snapshot(repoURL: string, revision: string): Promise<RepoSnapshot> {
    const key = `${repoURL}\n${revision}`;
    let s = this.snapshots.get(key);
    if (!s) {
      s = this.d.repos.snapshot(repoURL, revision).then((snap) => {
        this.repos.set(repoURL, snap.commit);
        return snap;
      });
      this.snapshots.set(key, s);
    }
    return s;
  }

  private async withValues(
    params: Params[],
    values: Record<string, string> | undefined,
    generator: string,
  ): Promise<Params[]> {
    if (!values || Object.keys(values).length === 0) return params;
    const rendered = await renderEach(this.d.renderer, values, params);
    return params.map((p, i) => {
      const v = rendered[i];
      if (v instanceof TemplateError)
        throw new GeneratorError(generator, `values: ${v.template}: ${v.message}`);
      if (this.d.goTemplate) return { ...p, values: v };
      const out = { ...p };
      for (const [k, x] of Object.entries(v as Record<string, string>)) out[`values.${k}`] = x;
      return out;
    });
  }

  private async git(gen: GitGenerator): Promise<Params[]> {
    const snap = await this.snapshot(gen.repoURL, gen.revision || 'HEAD');
    let params: Params[];
    if (gen.directories) params = gitDirectoryParams(gen, await snap.directories(), this.d.goTemplate);
    else {
      params = [];
      for (const file of gitFilesSelected(gen, await snap.files())) {
        params.push(...gitFileParams(gen, file, await snap.readText(file), this.d.goTemplate));
      }
    }
    return this.withValues(params, gen.values, 'git');
  }

  private clusters(gen: ClustersGenerator): Promise<Params[]> {
    return this.withValues(
      clustersParams(gen, this.d.goTemplate, this.d.clusters?.() ?? []),
      gen.values,
      'clusters',
    );
  }

  async leaf(g: Leaf): Promise<Params[]> {
    let params: Params[];
    if (g.list) params = listParams(g.list, this.d.goTemplate);
    else if (g.git) params = await this.git(g.git);
    else if (g.clusters) params = await this.clusters(g.clusters);
    else if (g.pullRequest) {
      if (!this.d.pullRequests)
        throw new GeneratorError('pullRequest', 'no pull request provider access here');
      const pulls = await this.d.pullRequests.list(this.d.namespace ?? '', g.pullRequest);
      params = pullRequestParams(pulls, this.d.goTemplate);
    } else throw new GeneratorError('unknown', 'no generator set');
    return selectParams(params, g.selector);
  }

  async matrix(generators: readonly LeafGenerator[]): Promise<Params[]> {
    const [first, second] = generators;
    if (!first || !second || generators.length !== 2)
      throw new GeneratorError('matrix', 'a matrix combines exactly two generators');
    const out: Params[] = [];
    for (const a of await this.leaf(first)) {
      // The second generator may use the first's params (e.g. a git path from a list element).
      const [child] = await renderEach(this.d.renderer, second, [a]);
      if (child instanceof TemplateError)
        throw new GeneratorError('matrix', `second generator: ${child.template}: ${child.message}`);
      for (const b of await this.leaf(child as LeafGenerator)) out.push(combinePair(a, b, this.d.goTemplate));
    }
    return out;
  }
}

export async function generate(
  spec: Pick<ApplicationSetSpec, 'generators'>,
  deps: GenerateDeps,
): Promise<Generated> {
  const run = new Run(deps);
  const params: Params[] = [];
  for (const g of spec.generators) {
    let sets: Params[];
    if (g.matrix) sets = selectParams(await run.matrix(g.matrix.generators), g.selector);
    else if (g.merge) {
      const children: Params[][] = [];
      for (const c of g.merge.generators) children.push(await run.leaf(c));
      sets = selectParams(mergeParams(children, g.merge.mergeKeys, deps.goTemplate), g.selector);
    } else sets = await run.leaf(g);
    params.push(...sets);
  }
  return { params, repos: run.repos };
}
