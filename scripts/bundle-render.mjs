// Bundles the `trueup render` path (dist/cli/render-local.js and everything it imports) into one
// file, dist/cli/render-local.bundle.mjs: one module to read and compile instead of ~40 halves the
// command's start-up time, which dominates rendering a small tree. Run after tsc (npm run build).

import { join } from 'node:path';
import { build } from 'esbuild';

const dist = join(import.meta.dirname, '..', 'dist', 'cli');
await build({
  entryPoints: [join(dist, 'render-local.js')],
  outfile: join(dist, 'render-local.bundle.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'none',
});
