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

test('a directory without a kustomization: an error as with kubectl kustomize, or manifests with --plain-dir', async () => {
  const dir = join(tmp, 'plain');
  mkdirSync(dir);
  writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: p}\n');
  const refused = capture();
  assert.equal(await main(['render', '--root', tmp, dir], refused.io), 1);
  assert.equal(refused.out.join(''), '');
  assert.match(
    refused.err.join(''),
    /plain: unable to find one of 'kustomization\.yaml'.*\[RENDER_FILE_MISSING\]/,
  );
  const plain = capture();
  assert.equal(await main(['render', '--plain-dir', '--root', tmp, dir], plain.io), 0);
  assert.equal(plain.out.join(''), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p\n');
});

test('the budgets are flags: bytes read, alias nodes, time', async () => {
  const dir = join(tmp, 'budget');
  mkdirSync(dir);
  writeFileSync(join(dir, 'kustomization.yaml'), 'resources: [cm.yaml]\n');
  writeFileSync(
    join(dir, 'cm.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: &d {a: "1"}\nbinaryData: {x: *d}\n',
  );
  const bytes = capture();
  assert.equal(await main(['render', '--max-bytes', '40', '--root', tmp, dir], bytes.io), 1);
  assert.match(bytes.err.join(''), /more than its budget of 40 bytes.*\[RENDER_TOO_LARGE\]/);
  const aliases = capture();
  assert.equal(await main(['render', '--max-alias-nodes', '0', '--root', tmp, dir], aliases.io), 1);
  assert.match(aliases.err.join(''), /cm\.yaml: YAML aliases expand to more than 0 nodes/);
  const bad = capture();
  assert.equal(await main(['render', '--timeout', 'soon', '--root', tmp, dir], bad.io), 1);
  assert.match(bad.err.join(''), /--timeout "soon" is not a duration/);
  const ok = capture();
  assert.equal(
    await main(['render', '--timeout', '1m', '--max-bytes', '100000', '--root', tmp, dir], ok.io),
    0,
  );
});
