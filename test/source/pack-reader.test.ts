import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { indexPack } from '../../src/source/pack-index.js';
import { PackReader, parseTree } from '../../src/source/pack-reader.js';
import { gitCli } from '../support/git-server.js';

describe('PackReader: objects straight from pack files', () => {
  let dir: string;
  let gitdir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trueup-pack-'));
    await gitCli(dir, 'init', '-q', '-b', 'main');
    // Many versions of similar files, so git stores most of them as deltas (ofs-delta chains).
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i}: ${'x'.repeat(i % 50)}`);
    for (let v = 0; v < 30; v++) {
      lines[v * 5] = `changed in version ${v}`;
      await writeFile(join(dir, 'big.txt'), `${lines.join('\n')}\n`);
      await writeFile(join(dir, `f${v % 7}.txt`), `file version ${v}\n${lines.slice(0, 40).join('\n')}\n`);
      await gitCli(dir, 'add', '-A');
      await gitCli(dir, 'commit', '-q', '-m', `v${v}`);
    }
    await gitCli(dir, 'repack', '-adfq', '--depth=50', '--window=50');
    gitdir = join(dir, '.git');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads every object exactly as git cat-file does, deltas included', async () => {
    const reader = new PackReader(gitdir);
    const list = (await gitCli(dir, 'cat-file', '--batch-all-objects', '--batch-check')).split('\n');
    const packDir = join(gitdir, 'objects', 'pack');
    const idx = (await readdir(packDir)).filter((f) => f.endsWith('.idx')).map((f) => join(packDir, f));
    const deltas = await gitCli(dir, 'verify-pack', '-v', ...idx);
    assert.ok(/ \d+ [0-9a-f]{40}$/m.test(deltas), 'the fixture has deltified objects');
    assert.ok(list.length > 60);
    for (const line of list) {
      const [oid, type] = line.split(' ') as [string, string];
      const object = await reader.read(oid);
      assert.ok(object, oid);
      assert.equal(object.type, type, oid);
      const want = await gitCli(dir, 'cat-file', type === 'tree' ? '-p' : type, oid);
      if (type === 'tree') {
        const got = parseTree(object.data)
          .map((e) => `${e.mode} ${e.mode === '040000' ? 'tree' : 'blob'} ${e.oid}\t${e.name}`)
          .join('\n');
        assert.equal(got, want, oid);
      } else assert.equal(object.data.toString('utf8').trim(), want, oid);
    }
  });

  it('indexes a pack byte for byte as git does, and refuses a damaged one', async () => {
    const packDir = join(gitdir, 'objects', 'pack');
    const name = (await readdir(packDir)).find((f) => f.endsWith('.pack'))!;
    const pack = await readFile(join(packDir, name));
    const { idx, count } = indexPack(pack);
    assert.ok(count > 60);
    const want = await readFile(join(packDir, name.replace(/\.pack$/, '.idx')));
    assert.ok(idx.equals(want));
    // With a tiny base cache every delta base is inflated again: same index.
    assert.ok(indexPack(pack, 1024).idx.equals(want));
    assert.throws(() => indexPack(pack.subarray(0, pack.length - 100)), /checksum/);
    const flipped = Buffer.from(pack);
    flipped[200] = flipped[200]! ^ 0xff;
    assert.throws(() => indexPack(flipped));
  });

  it('expands abbreviated ids like git rev-parse', async () => {
    const reader = new PackReader(gitdir);
    const all = (await gitCli(dir, 'cat-file', '--batch-all-objects', '--batch-check'))
      .split('\n')
      .map((l) => l.slice(0, 40));
    for (const oid of all.slice(0, 20)) {
      const short = await gitCli(dir, 'rev-parse', '--short=4', oid);
      assert.deepEqual(await reader.expand(short), [oid], short);
    }
    const ambiguous = all.find((a) => all.some((b) => b !== a && b.slice(0, 2) === a.slice(0, 2)));
    if (ambiguous) assert.ok((await reader.expand(ambiguous.slice(0, 2))).length > 1);
  });

  it('answers undefined for an object no pack holds', async () => {
    assert.equal(await new PackReader(gitdir).read('0'.repeat(40)), undefined);
  });
});
