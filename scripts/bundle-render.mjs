// Bundles the CLI with `trueup render` and everything it imports (dist/cli/main.js, with
// dist/cli/render-local.js inlined) into one script, dist/render.bundle.cjs, and writes the V8
// code cache of a warm-up render next to it (dist/render.bundle.cjs.cache): bin/trueup loads it
// through bin/render-bundle.cjs. Start-up dominates rendering a small tree; one script read from
// a code cache instead of ~50 modules compiled on every run. Run after tsc (npm run build).
//
// What `render` does not need stays out: every other dynamic import of our own modules (render
// --repo, sync, controller) is left to load from dist/ at run time. The bundle sits in dist/ so
// that version.ts's `../package.json` (through import.meta.url) still names the package's.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { loadRenderBundle, renderBundlePaths } from '../bin/render-bundle.cjs';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
const paths = renderBundlePaths(root);

/**
 * Our modules imported with import() (other than render-local) stay separate files in dist/. The
 * script cannot call import() itself (V8 drops what it needs for that when the script comes from
 * a code cache), so those calls go to the loader's __bundleImport (bin/render-bundle.cjs).
 */
const LAZY = 'trueup-lazy:';
const lazyModulesStayOut = {
  name: 'lazy-modules-stay-out',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\//, namespace: 'file' }, (args) => {
      if (args.kind !== 'dynamic-import' || args.path.endsWith('/render-local.js')) return undefined;
      const target = relative(dist, resolve(args.resolveDir, args.path)).split('\\').join('/');
      return { path: `${LAZY}./${target}`, external: true };
    });
  },
};

/**
 * Builtins that take milliseconds to load and that a render may not touch: commander requires
 * child_process (for executable subcommands, which trueup has none of), crypto only hashes
 * generated ConfigMaps and Secrets. In the bundle each is an object of getters that loads the
 * builtin on the first property read.
 */
const LAZY_BUILTINS = /^(node:)?(child_process|crypto)$/;
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: LAZY_BUILTINS }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (args.namespace === 'lazy-builtin') return { path: `node:${name}`, external: true };
      return { path: name, namespace: 'lazy-builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
      const keys = Object.keys(createRequire(import.meta.url)(`node:${args.path}`));
      const getters = keys.map((k) => `get ${JSON.stringify(k)}() { return load()[${JSON.stringify(k)}]; }`);
      return {
        contents: `let real;\nconst load = () => (real ??= require("node:${args.path}"));\nmodule.exports = {\n${getters.join(',\n')}\n};\n`,
        loader: 'js',
      };
    });
  },
};

rmSync(join(dist, 'cli', 'render-local.bundle.mjs'), { force: true }); // the previous layout's
rmSync(paths.cache, { force: true });
const built = await build({
  entryPoints: [join(dist, 'cli', 'main.js')],
  write: false,
  outfile: paths.bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'none',
  banner: { js: 'var __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { 'import.meta.url': '__bundleUrl' },
  plugins: [lazyModulesStayOut, lazyBuiltins],
});
const code = built.outputFiles[0].text;
const lazyImport = new RegExp(`\\bimport\\("${LAZY}([^"]+)"\\)`, 'g');
const bundled = code.replace(lazyImport, (_, path) => `__bundleImport(${JSON.stringify(path)})`);
if (bundled.includes(LAZY) || /\bimport\(/.test(bundled.replace(/"(?:[^"\\]|\\.)*"/g, '""')))
  throw new Error(`${paths.bundle}: an import() the loader cannot serve is left in the bundle`);
writeFileSync(paths.bundle, bundled);

// The code cache holds what a run compiled: render a small tree that uses the common fields.
const tmp = mkdtempSync(join(tmpdir(), 'trueup-bundle-'));
try {
  const put = (path, text) => {
    mkdirSync(dirname(join(tmp, path)), { recursive: true });
    writeFileSync(join(tmp, path), text);
  };
  put(
    'base/kustomization.yaml',
    'resources: [app.yaml]\nlabels:\n- pairs: {app.kubernetes.io/name: web}\n  includeSelectors: true\nconfigMapGenerator:\n- name: web-config\n  literals: [LOG_LEVEL=info]\n',
  );
  put(
    'base/app.yaml',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web:1\n        envFrom: [{configMapRef: {name: web-config}}]\n        ports: [{name: http, containerPort: 8080}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{name: http, port: 80, targetPort: http}]\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 3\n',
  );
  put(
    'prod/kustomization.yaml',
    'namespace: web\nnamePrefix: prod-\ncommonLabels: {env: prod}\ncommonAnnotations: {team: web}\nresources: [../base]\nimages:\n- {name: web, newTag: "2"}\nreplicas:\n- {name: web, count: 3}\nconfigMapGenerator:\n- name: web-config\n  behavior: merge\n  literals: [LOG_LEVEL=warn]\npatches:\n- path: patch.yaml\n- target: {kind: HorizontalPodAutoscaler}\n  patch: |-\n    - {op: replace, path: /spec/maxReplicas, value: 12}\n',
  );
  put(
    'prod/patch.yaml',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        resources: {limits: {memory: 1Gi}}\n',
  );
  const loaded = loadRenderBundle(root);
  if (!loaded) throw new Error(`${paths.bundle}: not loadable after the build`);
  const out = [];
  const err = [];
  const code = await loaded.exports.main(['render', '--root', tmp, join(tmp, 'prod')], {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
  });
  if (code !== 0 || !out.join('').includes('name: prod-web')) {
    throw new Error(`the warm-up render of the bundle failed (exit ${code}): ${err.join('')}`);
  }
  writeFileSync(paths.cache, loaded.script.createCachedData());
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
