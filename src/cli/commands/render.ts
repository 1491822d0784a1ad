import type { Command } from 'commander';
import type { RegisterCommand } from './index.js';

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
    .argument('<dir>', 'directory to render')
    .option(
      '--root <dir>',
      'directory the render is confined to (default: the enclosing Git checkout, else /)',
    )
    .action(async (dir: string, opts: { root?: string }) => {
      const { renderLocal } = await import('../render-local.js');
      io.stdout(await renderLocal(dir, opts.root));
      setExit(0);
    });
};
