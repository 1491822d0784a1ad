import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FakeClock } from '../../test/support/fake-clock.js';
import { MemoryTree } from '../../test/support/memory-tree.js';
import { application, FakeCluster, FakeWriter } from '../../test/support/reconciler-harness.js';
import type { Application } from '../api/application.js';
import type { KubeObject } from '../api/object.js';
import { secretDecryptionKeys } from './adapters/decryption-keys.js';
import { TreeRenderPort } from './adapters/render.js';
import type { SourcePort } from './ports.js';
import { Reconciler } from './reconciler.js';
import { RenderCache } from './render-cache.js';

// Encrypted fixtures from scripts/gen-sops-fixtures.sh (sops CLI, test-only age keys).
const F = join(import.meta.dirname, '../../test/fixtures/sops');
const enc = (f: string) => readFileSync(join(F, 'enc', f), 'utf8');
const agekey = (n: string) => Buffer.from(readFileSync(join(F, 'keys', `${n}.agekey`))).toString('base64');
const CANARY = /canary-/;

const kustomization = 'resources: [secret.yaml]\nsecretGenerator:\n  - name: env\n    envs: [app.env]\n';
const commits: Record<string, Record<string, string>> = {
  c1: {
    'apps/web/kustomization.yaml': kustomization,
    'apps/web/secret.yaml': enc('regex.yaml'),
    'apps/web/app.env': enc('app.env'),
  },
  c2: {
    'apps/web/kustomization.yaml': kustomization,
    'apps/web/secret.yaml': enc('regex-rotated.yaml'),
    'apps/web/app.env': enc('app.env'),
  },
};

function world() {
  let head = 'c1';
  const source: SourcePort = {
    resolve: async () => ({ revision: head }),
    tree: async (_repo, rev) => new MemoryTree(commits[rev] as Record<string, string>),
  };
  const secrets = new Map<string, KubeObject>();
  let secretReads = 0;
  const cluster = new FakeCluster();
  const cache = new RenderCache(16);
  const clock = new FakeClock(0);
  const writers: FakeWriter[] = [];
  const run = async (app: Application) => {
    const writer = new FakeWriter(app);
    writers.push(writer);
    const r = new Reconciler({
      source,
      render: new TreeRenderPort(),
      sync: cluster,
      health: cluster,
      writer,
      clock,
      renderCache: cache,
      requeueInterval: 180_000,
      decryption: secretDecryptionKeys(async (ns, name) => {
        secretReads++;
        return secrets.get(`${ns}/${name}`);
      }),
    });
    await r.reconcile(writer.app);
    return writer;
  };
  const setKey = (entries: Record<string, string>) =>
    secrets.set('trueup-system/sops-age', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sops-age', namespace: 'trueup-system' },
      data: entries,
    });
  const secret = (name: string) =>
    [...cluster.objects.values()].find((o) => o.kind === 'Secret' && o.metadata.name?.startsWith(name));
  return {
    cluster,
    run,
    setKey,
    secret,
    push: (rev: string) => (head = rev),
    clock,
    secretReads: () => secretReads,
  };
}

const decrypting = (name = 'web') =>
  application(
    { decryption: { provider: 'sops', secretRef: { name: 'sops-age' } }, syncPolicy: { automated: {} } },
    { metadata: { name, namespace: 'trueup-system', generation: 1 } },
  );

const password = (o: KubeObject | undefined) =>
  (o?.stringData as Record<string, unknown> | undefined)?.password;

/** Everything the controller wrote about the app: status and events. */
const reported = (w: FakeWriter) => JSON.stringify([w.app.status, w.events]);

describe('spec.decryption in the reconciler', () => {
  it('syncs the decrypted Secret and generated Secret; a rotated value in Git updates it', async () => {
    const w = world();
    w.setKey({ 'identity.agekey': agekey('a') });
    const first = await w.run(decrypting());
    assert.equal(password(w.secret('regex')), 'canary-regex-aa10');
    assert.ok(w.secret('env-'), 'the generated Secret from the encrypted dotenv');
    assert.doesNotMatch(reported(first), CANARY);
    w.push('c2');
    const second = await w.run(decrypting());
    assert.equal(password(w.secret('regex')), 'canary-rotated-5c5c');
    assert.doesNotMatch(reported(second), CANARY);
  });

  it('reads the key Secret only when a render runs: a pass with the render cached makes no request', async () => {
    const w = world();
    w.setKey({ 'identity.agekey': agekey('a') });
    await w.run(decrypting());
    assert.equal(w.secretReads(), 1);
    await w.run(decrypting());
    assert.equal(w.secretReads(), 1, 'same revision: the cached render, no Secret read');
    w.push('c2');
    await w.run(decrypting());
    assert.equal(w.secretReads(), 2, 'a new revision renders, reading the keys again');
  });

  it('a wrong key fails the render naming the file, and keeps what was applied', async () => {
    const w = world();
    w.setKey({ 'identity.agekey': agekey('a') });
    await w.run(decrypting());
    w.setKey({ 'other.agekey': agekey('wrong') });
    w.push('c2');
    const writer = await w.run(decrypting());
    assert.equal(password(w.secret('regex')), 'canary-regex-aa10', 'the old Secret stays');
    assert.match(
      reported(writer),
      /apps\/web\/(secret\.yaml|app\.env): none of the age identities from Secret trueup-system\/sops-age entry other\.agekey opens the data key/,
    );
    assert.doesNotMatch(reported(writer), CANARY);
    assert.doesNotMatch(reported(writer), /AGE-SECRET-KEY/);
  });

  it('an app without spec.decryption does not get the decrypted render another app cached', async () => {
    const w = world();
    w.setKey({ 'identity.agekey': agekey('a') });
    await w.run(decrypting('with-keys'));
    const plain = application(
      { syncPolicy: { automated: {} } },
      { metadata: { name: 'no-keys', namespace: 'trueup-system', generation: 1 } },
    );
    const writer = await w.run(plain);
    assert.match(reported(writer), /SOPS-encrypted and no age key is configured/);
    assert.doesNotMatch(reported(writer), CANARY);
  });

  it('a missing Secret, or one without *.agekey entries, is reported naming the Secret', async () => {
    const w = world();
    assert.match(
      reported(await w.run(decrypting())),
      /spec\.decryption: Secret trueup-system\/sops-age not found/,
    );
    w.setKey({ 'keys.txt': agekey('a') });
    assert.match(
      reported(await w.run(decrypting())),
      /Secret trueup-system\/sops-age has no \*\.agekey entry/,
    );
    assert.equal(w.secret('regex'), undefined, 'nothing applied');
  });
});
