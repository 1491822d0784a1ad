import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { main } from '../main.js';

const tmp = mkdtempSync(join(tmpdir(), 'trueup-render-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

test('trueup render DIR prints the objects as YAML and exits 0', async () => {
  const dir = join(tmp, 'ok');
  mkdirSync(dir);
  writeFileSync(join(dir, 'kustomization.yaml'), 'namespace: shop\nresources: [cm.yaml]\n');
  writeFileSync(
    join(dir, 'cm.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {on: "on"}\n',
  );
  const c = capture();
  assert.equal(await main(['render', '--root', tmp, dir], c.io), 0);
  assert.equal(
    c.out.join(''),
    'apiVersion: v1\ndata:\n  "on": "on"\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: shop\n',
  );
  assert.equal(c.err.join(''), '');
});

test('a render error goes to stderr with its code, nothing to stdout, exit 1', async () => {
  const dir = join(tmp, 'bad');
  mkdirSync(dir);
  writeFileSync(join(dir, 'kustomization.yaml'), 'resources: [missing.yaml]\n');
  const c = capture();
  assert.equal(await main(['render', '--root', tmp, dir], c.io), 1);
  assert.equal(c.out.join(''), '');
  assert.match(
    c.err.join(''),
    /bad\/kustomization\.yaml: resources entry missing\.yaml.*\[RENDER_FILE_MISSING\]/,
  );
});
