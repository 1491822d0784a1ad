import type { Command } from 'commander';
import { type RetryClass, TrueupError } from '../../api/errors.js';
import type { RegisterCommand } from './index.js';

type RenderLocal = (dir: string, root?: string) => Promise<string>;

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
