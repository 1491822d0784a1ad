// Loads dist/render.bundle.cjs, the CLI with `render` and everything it needs in one script (made
// by scripts/bundle-render.mjs), through vm.Script with the V8 code cache written next to it at
// build time. Start-up dominates rendering a small tree: one script instead of ~50 modules, and
// compiled code read from the cache instead of compiled on every run (node 20 has no module
// compile cache; module.enableCompileCache() is node 22). A cache V8 rejects (another node
// version or flags) only costs the compilation; the output is the same.
//
// CommonJS, as bin/trueup is (bin/package.json): node 20's ES module loader reads a module's
// source through fs/promises, which loads the readline and stream modules, and sets up the loader
// itself: ~5 ms of start-up that a render does not need. (An ESM import of node:fs would also
// read all its exports, loading the modules behind its lazy getters.)
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');
const { readFileSync, statSync } = require('node:fs');

/**
 * Puts NODE_EXTRA_CA_CERTS back as the caller had it: bin/trueup's shell prologue starts a local
 * render without it (node would parse the certificates at start-up for nothing) and passes its
 * value in TRUEUP_NODE_EXTRA_CA_CERTS. Processes started from here then see the original setting.
 */
function restoreExtraCaCerts(env) {
  const saved = env.TRUEUP_NODE_EXTRA_CA_CERTS;
  if (saved === undefined) return;
  env.NODE_EXTRA_CA_CERTS = saved;
  delete env.TRUEUP_NODE_EXTRA_CA_CERTS;
}

/** The bundle and its code cache under the package root. */
function renderBundlePaths(root) {
  const bundle = join(root, 'dist', 'render.bundle.cjs');
  return { bundle, cache: `${bundle}.cache`, modules: join(root, 'dist', 'cli', 'main.js') };
}

/**
 * The bundle's exports ({ main }) and its vm.Script, or undefined when there is no bundle or it is
 * older than the compiled modules (built by tsc alone since): then the modules are used.
 */
function loadRenderBundle(root) {
  const paths = renderBundlePaths(root);
  let source;
  try {
    if (statSync(paths.bundle).mtimeMs < statSync(paths.modules).mtimeMs) return undefined;
    source = readFileSync(paths.bundle, 'utf8');
  } catch {
    return undefined;
  }
  let cachedData;
  try {
    cachedData = readFileSync(paths.cache);
  } catch {
    // no cache: compile as usual
  }
  const url = pathToFileURL(paths.bundle);
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname, __bundleImport) {${source}\n})`,
    { filename: paths.bundle, cachedData },
  );
  const module = { exports: {} };
  script.runInThisContext()(
    module.exports,
    createRequire(paths.bundle),
    module,
    paths.bundle,
    dirname(paths.bundle),
    // what the bundle leaves out (render --repo, the other commands) comes from dist/
    (specifier) => import(new URL(specifier, url).href),
  );
  return { exports: module.exports, script };
}

module.exports = { loadRenderBundle, renderBundlePaths, restoreExtraCaCerts };
