import type { Command } from 'commander';
import { type RetryClass, TrueupError } from '../../api/errors.js';
import { addHelmFlags, type HelmFlags, wantsHelm } from '../render-helm-flags.js';
import type { RegisterCommand } from './index.js';

type RenderLocal = (dir: string, root?: string) => Promise<string>;
/** `--repo` renders through the Git source (src/cli/render-remote.ts), as the controller does. */
type RenderOpts = { root?: string; repo?: string; revision: string; path: string };

/**
 * The render implementation: the one-file bundle `npm run build` makes of it (fast to load) when
 * it is at least as new as the compiled modules, else the modules themselves.
 */
async function loadRenderLocal(): Promise<RenderLocal> {
  const { statSync } = await import('node:fs');
  const bundle = new URL('../render-local.bundle.mjs', import.meta.url);
  const plain = new URL('../render-local.js', import.meta.url);
  try {
    if (statSync(bundle).mtimeMs >= statSync(plain).mtimeMs) {
      return ((await import(bundle.href)) as { renderLocal: RenderLocal }).renderLocal;
    }
  } catch {
    // no bundle (built by tsc alone, or running from source): use the modules
  }
  return (await import('../render-local.js')).renderLocal;
}

/**
 * `trueup render DIR`: prints the objects of a Kustomize tree (or plain manifest directory) as
 * multi-document YAML, as `kubectl kustomize DIR` does. Errors go to stderr, nothing to stdout.
 */
export const registerRender: RegisterCommand = (program: Command, io, setExit) => {
  addHelmFlags(program.command('render'))
    .description(
      'render a Kustomize directory (or a plain directory of manifests) to stdout, like kubectl kustomize',
    )
    .argument('[dir]', 'directory to render (omit with --repo)')
    .option(
      '--root <dir>',
      'directory the render is confined to (default: the enclosing Git checkout, else /)',
    )
    .option('--repo <url>', 'render from this Git repository (https) instead of a directory')
    .option('--revision <rev>', 'with --repo: branch, tag, semver range, commit or HEAD', 'HEAD')
    .option('--path <path>', 'with --repo: directory inside the repository', '.')
    .action(async (dir: string | undefined, opts: RenderOpts & HelmFlags) => {
      // A chart (Chart.yaml, or a .tgz) renders as `helm template` would: src/cli/render-helm.ts.
      if (wantsHelm(dir, opts)) {
        const { renderHelm } = await import('../render-helm.js');
        io.stdout(await renderHelm(dir, opts, io));
        setExit(0);
        return;
      }
      if (opts.repo) {
        const { renderRemote } = await import('../render-remote.js');
        io.stdout(await renderRemote({ repo: opts.repo, revision: opts.revision, path: opts.path }));
        setExit(0);
        return;
      }
      if (dir === undefined) throw new TrueupError('CLI_USAGE', 'render: give a directory, or --repo URL');
      const renderLocal = await loadRenderLocal();
      let text: string;
      try {
        text = await renderLocal(dir, opts.root);
      } catch (err) {
        // the bundle carries its own copy of TrueupError: hand main one it recognises
        const e = err as { name?: unknown; code?: unknown; message?: unknown; retry?: RetryClass };
        if (e?.name === 'TrueupError' && typeof e.code === 'string' && !(err instanceof TrueupError))
          throw new TrueupError(e.code, String(e.message), {
            cause: err,
            ...(e.retry ? { retry: e.retry } : {}),
          });
        throw err;
      }
      io.stdout(text);
      setExit(0);
    });
};
