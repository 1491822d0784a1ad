/**
 * `trueup render --repo URL --revision REV --path P`: fetch through the Git source (the same
 * cache, resolution and FileTree the controller uses) and render. Loaded only when it runs.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TreeRenderPort } from '../controller/adapters/render.js';
import type { DirectoryOptions, RenderOptions } from '../render/index.js';
import { emitYamlDocuments } from '../render/yaml/emit.js';
import { AgeIdentities } from '../secrets/age.js';
import { DecryptingTree } from '../secrets/tree.js';
import {
  createNodeHttpClient,
  GitSource,
  type NodeHttpOptions,
  type SecretLike,
  staticSecretSource,
} from '../source/index.js';

export interface RemoteRenderRequest {
  repo: string;
  /** Branch, tag, semver range, commit or HEAD (the default). */
  revision?: string;
  /** Directory inside the repository (default: its root). */
  path?: string;
  /** spec.source.directory: a plain directory is read as the controller reads it (top only by default). */
  directory?: DirectoryOptions;
}

/**
 * Settings read once at the CLI edge: TRUEUP_CACHE_DIR (cache root, `<it>/git` holds the
 * repositories), TRUEUP_GIT_USERNAME + TRUEUP_GIT_PASSWORD or TRUEUP_GIT_TOKEN (HTTPS
 * credentials for this repository; they are never printed), HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
 */
export function remoteRenderSettings(env: NodeJS.ProcessEnv, repo: string) {
  const cacheDir = join(env.TRUEUP_CACHE_DIR ?? join(homedir(), '.cache', 'trueup'), 'git');
  const password = env.TRUEUP_GIT_PASSWORD ?? env.TRUEUP_GIT_TOKEN;
  const secrets: SecretLike[] = password
    ? [
        {
          metadata: { namespace: 'cli', name: 'env', labels: { 'trueup.dev/secret-type': 'repository' } },
          stringData: {
            url: repo,
            password,
            ...(env.TRUEUP_GIT_USERNAME ? { username: env.TRUEUP_GIT_USERNAME } : {}),
          },
        },
      ]
    : [];
  const proxy = env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').filter((h) => h.trim() !== '');
  const http: NodeHttpOptions = proxy ? { proxy, noProxy } : {};
  return { cacheDir, secrets: staticSecretSource(secrets), http: createNodeHttpClient(http) };
}

/** Fetches (or reuses the cache), renders `path` at the revision, returns multi-document YAML. */
export async function renderRemote(
  req: RemoteRenderRequest,
  env: NodeJS.ProcessEnv = process.env,
  options?: RenderOptions,
  keys: AgeIdentities = AgeIdentities.none,
): Promise<string> {
  const source = new GitSource(remoteRenderSettings(env, req.repo));
  const { tree } = await source.open({ repoURL: req.repo, targetRevision: req.revision ?? 'HEAD' });
  const objects = await new TreeRenderPort(options).render(
    new DecryptingTree(tree, keys),
    req.path ?? '.',
    undefined,
    req.directory,
  );
  return emitYamlDocuments(objects);
}
