/**
 * The load restrictor through a directory symlink (`tenant/app/up -> ../../`): every field that
 * names a file refuses one that resolves above the kustomization, whatever component is a link.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { isTrueupError } from '../api/errors.js';
import { DiskTree } from './disk-tree.js';
import { renderTree } from './index.js';

const tmp = mkdtempSync(join(tmpdir(), 'trueup-restrictor-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n';
const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata: {name: top}\ndata: {k: dg==}\n';

/** The field, its kustomization text (naming `up/<file>`), and the file above the kustomization. */
const CASES: [string, string][] = [
  ['resources', 'resources: [up/secret.yaml]\n'],
  ['patches', 'resources: [cm.yaml]\npatches: [{path: up/secret.yaml}]\n'],
  ['patchesStrategicMerge', 'resources: [cm.yaml]\npatchesStrategicMerge: [up/secret.yaml]\n'],
  [
    'patchesJson6902',
    'resources: [cm.yaml]\npatchesJson6902: [{target: {version: v1, kind: ConfigMap, name: cm}, path: up/secret.yaml}]\n',
  ],
  ['configMapGenerator files', 'configMapGenerator: [{name: g, files: [up/secret.yaml]}]\n'],
  ['configMapGenerator envs', 'configMapGenerator: [{name: g, envs: [up/secret.yaml]}]\n'],
  ['secretGenerator files', 'secretGenerator: [{name: g, files: [k=up/secret.yaml]}]\n'],
  ['replacements', 'resources: [cm.yaml]\nreplacements: [{path: up/secret.yaml}]\n'],
  ['configurations', 'resources: [cm.yaml]\nconfigurations: [up/secret.yaml]\n'],
  ['crds', 'resources: [cm.yaml]\ncrds: [up/secret.yaml]\n'],
  ['openapi', 'resources: [cm.yaml]\nopenapi: {path: up/secret.yaml}\n'],
  // a link in the middle of the path, and a link to a sibling directory of the kustomization
  ['resources (middle link)', 'resources: [sub/up/secret.yaml]\n'],
  ['resources (sibling link)', 'resources: [other/cm.yaml]\n'],
];

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

for (const [i, [field, kustomization]] of CASES.entries()) {
  test(`${field}: a file behind a directory link above the kustomization is refused`, async () => {
    const root = join(tmp, String(i));
    write(join(root, 'secret.yaml'), SECRET);
    write(join(root, 'elsewhere', 'cm.yaml'), CM);
    write(join(root, 'tenant', 'app', 'cm.yaml'), CM);
    write(join(root, 'tenant', 'app', 'kustomization.yaml'), kustomization);
    mkdirSync(join(root, 'tenant', 'app', 'sub'));
    symlinkSync('../../', join(root, 'tenant', 'app', 'up'));
    symlinkSync('../../../', join(root, 'tenant', 'app', 'sub', 'up'));
    symlinkSync('../../elsewhere', join(root, 'tenant', 'app', 'other'));
    await assert.rejects(renderTree(new DiskTree(root), 'tenant/app'), (err: unknown) => {
      assert.ok(isTrueupError(err), String(err));
      assert.equal(err.code, 'RENDER_OUTSIDE_ROOT', err.message);
      assert.match(
        err.message,
        /^tenant\/app\/kustomization\.yaml: .*security; file 'tenant\/app\/.*' is not in or below 'tenant\/app'/,
      );
      return true;
    });
  });
}

test('a link that stays below the kustomization is followed', async () => {
  const root = join(tmp, 'inside');
  write(join(root, 'app', 'real', 'cm.yaml'), CM);
  write(join(root, 'app', 'kustomization.yaml'), 'resources: [link/cm.yaml]\n');
  symlinkSync('real', join(root, 'app', 'link'));
  const objs = await renderTree(new DiskTree(root), 'app');
  assert.deepEqual(
    objs.map((o) => o.metadata.name),
    ['cm'],
  );
});
