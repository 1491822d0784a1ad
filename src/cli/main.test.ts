import assert from 'node:assert/strict';
import { test } from 'node:test';
import { version } from '../version.js';
import { main } from './main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

test('--version prints the package version', async () => {
  const c = capture();
  assert.equal(await main(['--version'], c.io), 0);
  assert.equal(c.out.join(''), `${version}\n`);
});

test('--help lists the program and exits 0', async () => {
  const c = capture();
  assert.equal(await main(['--help'], c.io), 0);
  assert.match(c.out.join(''), /Usage: trueup/);
});

test('an unknown command is a usage error on stderr', async () => {
  const c = capture();
  assert.equal(await main(['no-such-command'], c.io), 2);
  assert.match(c.err.join(''), /unknown command/);
  assert.equal(c.out.join(''), '');
});
