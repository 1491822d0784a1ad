/**
 * bin/trueup's shell prologue: a `render` of a local directory starts node without
 * NODE_EXTRA_CA_CERTS (node 20 parses the whole bundle at start-up; a local render makes no TLS
 * connection) and the process puts the variable back for what it starts; `render --repo` and the
 * other commands start node with it. Node warns on stderr when it loads a certificate file that is
 * not there, which shows whether it read the file. Needs `npm run build` (npm ci runs it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';

const repo = join(import.meta.dirname, '..', '..');
const bin = join(repo, 'bin', 'trueup');
const tmp = mkdtempSync(join(tmpdir(), 'trueup-launcher-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
mkdirSync(join(tmp, 'app'));
writeFileSync(join(tmp, 'app', 'kustomization.yaml'), 'resources: [cm.yaml]\n');
writeFileSync(join(tmp, 'app', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
const missingCerts = join(tmp, 'no-such-certs.pem');
const certWarning = /Ignoring extra certs from/;

function launch(argv: string[], viaNode = false) {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_EXTRA_CA_CERTS: missingCerts };
  delete env.TRUEUP_NODE_EXTRA_CA_CERTS;
  return viaNode
    ? spawnSync(process.execPath, [bin, ...argv], { encoding: 'utf8', env })
    : spawnSync(bin, argv, { encoding: 'utf8', env });
}

const rendered = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n';

test('a local render starts node without reading NODE_EXTRA_CA_CERTS', () => {
  const r = launch(['render', '--root', tmp, join(tmp, 'app')]);
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.equal(r.stdout, rendered);
});

test('render --repo and the other commands start node with NODE_EXTRA_CA_CERTS', () => {
  for (const argv of [
    ['render', '--repo', 'https://127.0.0.1:1/nothing.git'],
    ['render', '--repo=https://127.0.0.1:1/nothing.git'],
    ['--version'],
  ]) {
    assert.match(launch(argv).stderr, certWarning, argv.join(' '));
  }
});

test('node bin/trueup (the image entrypoint) reads past the shell prologue', () => {
  const r = launch(['render', '--root', tmp, join(tmp, 'app')], true);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, rendered);
  assert.match(r.stderr, certWarning); // node itself started with the variable
});

test('restoreExtraCaCerts puts the handed-over value back', async () => {
  const { restoreExtraCaCerts } = (await import(
    pathToFileURL(join(repo, 'bin', 'render-bundle.cjs')).href
  )) as {
    restoreExtraCaCerts: (env: Record<string, string | undefined>) => void;
  };
  const cases: { env: Record<string, string>; want: Record<string, string> }[] = [
    {
      env: { TRUEUP_NODE_EXTRA_CA_CERTS: '/ca.pem', A: '1' },
      want: { NODE_EXTRA_CA_CERTS: '/ca.pem', A: '1' },
    },
    { env: { TRUEUP_NODE_EXTRA_CA_CERTS: '' }, want: { NODE_EXTRA_CA_CERTS: '' } },
    { env: { NODE_EXTRA_CA_CERTS: '/ca.pem' }, want: { NODE_EXTRA_CA_CERTS: '/ca.pem' } },
    { env: {}, want: {} },
  ];
  for (const { env, want } of cases) {
    const got = { ...env };
    restoreExtraCaCerts(got);
    assert.deepEqual(got, want, JSON.stringify(env));
  }
});

test('the render process has NODE_EXTRA_CA_CERTS back in its environment, for what it starts', () => {
  // the restored variable, as seen from inside the render process (bin/trueup runs the restore
  // before anything else): a preload prints it to stderr
  const probe = join(tmp, 'probe.cjs');
  writeFileSync(
    probe,
    "process.on('exit', () => process.stderr.write('ca=' + process.env.NODE_EXTRA_CA_CERTS));\n",
  );
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: missingCerts, NODE_OPTIONS: `--require ${probe}` };
  const r = spawnSync(bin, ['render', '--root', tmp, join(tmp, 'app')], { encoding: 'utf8', env });
  assert.equal(r.status, 0);
  assert.equal(r.stderr, `ca=${missingCerts}`);
});
