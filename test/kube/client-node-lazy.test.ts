/**
 * @kubernetes/client-node is loaded only for what needs it (src/kube/client-node-connection.ts):
 * its import costs the controller ~45 MiB of RSS and ~0.5 s of CPU at every start. A child
 * process in which the package cannot be resolved imports the controller's entry and loads a
 * plain kubeconfig; an exec kubeconfig then reaches for the package (so the check has teeth).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

const fixtures = join(import.meta.dirname, 'fixtures');

test('the controller entry and a plain kubeconfig do not load @kubernetes/client-node; an exec user does', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trueup-lazy-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const kubeconfig = (user: Record<string, unknown>) =>
    JSON.stringify({
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443' } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    });
  await writeFile(join(dir, 'plain'), kubeconfig({ token: 't' }));
  await writeFile(
    join(dir, 'exec'),
    kubeconfig({ exec: { command: 'true', apiVersion: 'client.authentication.k8s.io/v1' } }),
  );
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      join(fixtures, 'register-no-client-node.mjs'),
      join(fixtures, 'lazy-child.ts'),
      join(dir, 'plain'),
      join(dir, 'exec'),
    ],
    { cwd: join(import.meta.dirname, '..', '..') },
  );
  const [plain, exec] = stdout.trim().split('\n');
  assert.equal(plain, 'plain: https://127.0.0.1:6443');
  assert.match(exec ?? '', /^exec: CLIENT_NODE_IMPORTED from .*client-node-connection/);
});
