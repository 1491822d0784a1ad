/**
 * Where the built engine is. helm/build.sh writes it to
 * `<cache>/helm/helm-<version>_src-<hash>/helm-engine.wasm`, the hash covering the engine's
 * sources (go.mod, go.sum, *.go, build.sh), so an edit to helm/wasm never loads a stale build. This file
 * computes the same key from the sources next to the code; an installation without them (the
 * container image) names the file explicitly (TRUEUP_HELM_ENGINE, read at the CLI's edge).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HelmErrorCode, helmError } from './errors.js';

/** The engine's Go sources: src/helm/x.ts and dist/helm/x.js are both two levels below the checkout. */
export const engineSourceDir = fileURLToPath(new URL('../../helm/wasm/', import.meta.url));

export const BUILD_HINT =
  'build it with `bash helm/build.sh` in a trueup checkout (needs Go; a few minutes, once), ' +
  'or set TRUEUP_HELM_ENGINE to a built helm-engine.wasm';

export interface LocateOptions {
  /** An explicit engine file (TRUEUP_HELM_ENGINE); wins over the cache. */
  explicit?: string | undefined;
  /** The cache root (TRUEUP_CACHE_DIR); default ~/.cache/trueup. */
  cacheDir?: string | undefined;
}

/** The directory helm/build.sh builds into for the current sources (engine and reference helm). */
export async function engineBuildDir(options: LocateOptions = {}): Promise<string> {
  const goMod = await readFile(join(engineSourceDir, 'go.mod'), 'utf8');
  const version = /^\s*helm\.sh\/helm\/v3 (\S+)/m.exec(goMod)?.[1];
  if (!version)
    throw helmError(HelmErrorCode.EngineMissing, `${engineSourceDir}go.mod: no helm.sh/helm/v3 requirement`);
  const goFiles = (await readdir(engineSourceDir)).filter((f) => f.endsWith('.go')).sort();
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', ...goFiles, '../build.sh'])
    hash.update(await readFile(join(engineSourceDir, f)));
  const root = options.cacheDir ?? join(homedir(), '.cache', 'trueup');
  return join(root, 'helm', `helm-${version}_src-${hash.digest('hex').slice(0, 12)}`);
}

/** The engine file to load; throws HELM_ENGINE_MISSING with how to build it. */
export async function locateEngine(options: LocateOptions = {}): Promise<string> {
  if (options.explicit) {
    if (existsSync(options.explicit)) return options.explicit;
    throw helmError(
      HelmErrorCode.EngineMissing,
      `the Helm engine is not installed: TRUEUP_HELM_ENGINE=${options.explicit} does not exist; ${BUILD_HINT}`,
    );
  }
  if (!existsSync(join(engineSourceDir, 'go.mod')))
    throw helmError(HelmErrorCode.EngineMissing, `the Helm engine is not installed: ${BUILD_HINT}`);
  const path = join(await engineBuildDir(options), 'helm-engine.wasm');
  if (existsSync(path)) return path;
  throw helmError(HelmErrorCode.EngineMissing, `the Helm engine is not built (no ${path}): ${BUILD_HINT}`);
}
