import type { Command } from 'commander';
import { TrueupError } from '../../api/errors.js';
import type { RegisterCommand } from './index.js';

/** `--repo` renders through the Git source (src/cli/render-remote.ts), as the controller does. */
type RenderOpts = { root?: string; repo?: string; revision: string; path: string };

/**
 * `trueup render DIR`: prints the objects of a Kustomize tree (or plain manifest directory) as
 * multi-document YAML, as `kubectl kustomize DIR` does. Errors go to stderr, nothing to stdout.
 */
export const registerRender: RegisterCommand = (program: Command, io, setExit) => {
  program
    .command('render')
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
    .action(async (dir: string | undefined, opts: RenderOpts) => {
      if (opts.repo) {
        const { renderRemote } = await import('../render-remote.js');
        io.stdout(await renderRemote({ repo: opts.repo, revision: opts.revision, path: opts.path }));
        setExit(0);
        return;
      }
      if (dir === undefined) throw new TrueupError('CLI_USAGE', 'render: give a directory, or --repo URL');
      // bin/trueup runs `render` from a one-file bundle that holds render-local too (npm run build)
      const { renderLocal } = await import('../render-local.js');
      const text = await renderLocal(dir, opts.root);
      io.stdout(text);
      setExit(0);
    });
};
