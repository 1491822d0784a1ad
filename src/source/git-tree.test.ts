import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { parseCommitInfo, splitPath } from './git-tree.js';
import { applyDelta, parseTree } from './pack-reader.js';
import { uploadPackRequest } from './upload-pack.js';

describe('splitPath', () => {
  const table: Array<[string, string[] | undefined]> = [
    ['', []],
    ['.', []],
    ['a/b', ['a', 'b']],
    ['a//b/./c/', ['a', 'b', 'c']],
    ['a/../b', ['b']],
    ['a/b/../..', []],
    ['..', undefined],
    ['a/../../b', undefined],
    ['/etc', undefined],
    ['a\0b', undefined],
  ];
  for (const [path, want] of table) {
    it(`splits '${path.replace('\0', '\\0')}'`, () => assert.deepEqual(splitPath(path), want));
  }
});

describe('applyDelta', () => {
  // Delta: base size 11, result size 11, copy "hello " (offset 0, size 6), insert "there".
  const base = Buffer.from('hello world');
  const delta = Buffer.from([11, 11, 0x80 | 0x10, 6, 5, ...Buffer.from('there')]);
  it('copies from the base and inserts literals', () => {
    assert.equal(applyDelta(delta, base).toString(), 'hello there');
  });
  it('refuses a delta for another base', () => {
    assert.throws(() => applyDelta(delta, Buffer.from('short')), /base size/);
  });
});

describe('parseTree', () => {
  it('reads mode, name and id of each entry', () => {
    const oid = 'ab'.repeat(20);
    const raw = Buffer.concat([
      Buffer.from('40000 dir\0'),
      Buffer.from(oid, 'hex'),
      Buffer.from('100644 file.yaml\0'),
      Buffer.from(oid, 'hex'),
    ]);
    assert.deepEqual(parseTree(raw), [
      { mode: '040000', name: 'dir', oid },
      { mode: '100644', name: 'file.yaml', oid },
    ]);
  });
});

describe('uploadPackRequest', () => {
  it('writes pkt-lines: wants with capabilities, flush, haves, done', () => {
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const text = uploadPackRequest([a, b], [b], 'trueup').toString();
    assert.equal(
      text,
      `0057want ${a} side-band-64k ofs-delta agent=trueup\n` +
        `0032want ${b}\n` +
        '0000' +
        `0032have ${b}\n` +
        '0009done\n',
    );
  });
});

test('parseCommitInfo: subject line, author, email and author time of a raw commit', () => {
  const rows: [string, string, ReturnType<typeof parseCommitInfo>][] = [
    [
      'plain',
      'tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor Ada Lovelace <ada@example.com> 1700000000 +0100\ncommitter C <c@x> 1700000001 +0000\n\nscale web to 3\n\nbody text\n',
      {
        commit: 'c1',
        subject: 'scale web to 3',
        author: 'Ada Lovelace',
        email: 'ada@example.com',
        time: '2023-11-14T22:13:20.000Z',
      },
    ],
    [
      'with parent and an empty email',
      'tree t\nparent p\nauthor bot <> 0 -0700\n\nfirst\n',
      { commit: 'c1', subject: 'first', author: 'bot', time: '1970-01-01T00:00:00.000Z' },
    ],
    [
      'no message',
      'tree t\nauthor A <a@b> 1 +0000\n',
      { commit: 'c1', subject: '', author: 'A', email: 'a@b', time: '1970-01-01T00:00:01.000Z' },
    ],
  ];
  for (const [what, raw, want] of rows) assert.deepEqual(parseCommitInfo('c1', raw), want, what);
});
