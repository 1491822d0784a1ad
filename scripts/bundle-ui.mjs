// Builds the web UI's static files into dist/ui-static/ (served by src/ui/static-files.ts):
// src/ui/web/main.ts and login.ts bundled by esbuild with Preact and htm (no framework, no
// runtime dependency: the bundle carries them), plus the HTML and the stylesheet as they are.
// `npm run build` runs it; the UI tests run it too (it takes well under a second).
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const web = join(root, 'src', 'ui', 'web');

export async function bundleUi(outDir = join(root, 'dist', 'ui-static')) {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { app: join(web, 'main.ts'), login: join(web, 'login.ts') },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const f of ['index.html', 'login.html', 'style.css']) copyFileSync(join(web, f), join(outDir, f));
  return outDir;
}

if (process.argv[1] === import.meta.filename) await bundleUi(process.argv[2]);
