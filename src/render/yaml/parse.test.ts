import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { TrueupError } from '../../api/errors.js';
import {
  parseYaml11Documents,
  parseYamlDocument,
  parseYamlDocuments,
  parseYamlSourceDocuments,
  RawScalar,
} from './parse.js';

function parse1(text: string) {
  return parseYamlDocument(text, 'test.yaml');
}

function throwsYaml(fn: () => unknown, pattern: RegExp) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof TrueupError);
    assert.equal(err.code, 'RENDER_YAML_INVALID');
    assert.match(err.message, pattern);
    return true;
  });
}

describe('parseYamlDocuments', () => {
  it('returns every non-empty document', () => {
    assert.deepEqual(parseYamlDocuments('---\na: 1\n---\n# only a comment\n---\nb: 2\n...\n', 'f.yaml'), [
      { a: 1 },
      { b: 2 },
    ]);
    assert.deepEqual(parseYamlDocuments('', 'f.yaml'), []);
    assert.equal(parse1(''), null);
  });

  it('reads JSON', () => {
    assert.deepEqual(parse1('{"a": [1, "x", true, null], "b": {"c": 1.5}}'), {
      a: [1, 'x', true, null],
      b: { c: 1.5 },
    });
  });

  it('resolves plain scalars as go-yaml v3 does (what kubectl kustomize reads)', () => {
    const table: [string, unknown][] = [
      ['yes', 'yes'],
      ['on', 'on'],
      ['y', 'y'],
      ['True', true],
      ['FALSE', false],
      ['0755', 493],
      ['08', 8],
      ['0o17', 15],
      ['0x1F', 31],
      ['-0x1F', -31],
      ['0b101', 5],
      ['1_000', 1000],
      ['+12', 12],
      ['1e3', 1000],
      ['.5', 0.5],
      ['1.', 1],
      ['~', null],
      ['null', null],
      ['', null],
      ['2001-12-14', '2001-12-14T00:00:00Z'],
      ['2001-12-14t21:59:43.10-05:00', '2001-12-14T21:59:43.1-05:00'],
      ['2001-12-14 21:59:43.10', '2001-12-14T21:59:43.1Z'],
      ['2001-12-14T21:59:43+00:00', '2001-12-14T21:59:43Z'],
      ['2001-02-29', '2001-02-29'],
      ['2001-12-14 21:59:43.10 -5', '2001-12-14 21:59:43.10 -5'],
      ['12:30:45', '12:30:45'],
      ['1e400', '1e400'],
      ['0x', '0x'],
    ];
    for (const [text, want] of table) assert.deepEqual(parse1(`k: ${text}`), { k: want }, text);
  });

  it('keeps quoted scalars as strings', () => {
    assert.deepEqual(parse1(`a: "yes"\nb: '0755'\nc: "1e3"\nd: "true"\ne: "~"\nf: !!str 12`), {
      a: 'yes',
      b: '0755',
      c: '1e3',
      d: 'true',
      e: '~',
      f: '12',
    });
  });

  it('expands anchors, aliases and merge keys into independent copies', () => {
    const doc = parse1('x: &x {a: 1}\ny: *x\nz:\n  <<: *x\n  b: 2\n') as Record<
      string,
      Record<string, unknown>
    >;
    assert.deepEqual(doc, { x: { a: 1 }, y: { a: 1 }, z: { a: 1, b: 2 } });
    assert.notEqual(doc.x, doc.y);
  });

  it('stops an alias bomb with a clear error', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    throwsYaml(() => parseYamlDocuments(lines.join('\n'), 'bomb.yaml'), /bomb\.yaml: .*alias/);
    throwsYaml(
      () => parseYamlDocuments(lines.slice(0, 4).join('\n'), 'bomb.yaml', { maxAliases: 100 }),
      /100/,
    );
  });

  it('refuses alias cycles, also through a merge key into its own anchor', () => {
    for (const text of [
      'spec: &a {x: 1, y: {<<: *a}}\n',
      'a: &a [1, *a]\n',
      'a: &a\n  b:\n    <<: *a\n',
      'a: &a\n  b: [{c: *a}]\n',
    ])
      throwsYaml(() => parse1(text), /^test\.yaml:\d+: YAML alias cycle/);
    // an alias to an anchor already complete is no cycle, even inside a later sibling
    assert.deepEqual(parse1('a: &a {x: 1}\nb: {<<: *a, y: *a}\n'), { a: { x: 1 }, b: { x: 1, y: { x: 1 } } });
  });

  it('keeps unknown local and foreign tags as plain values, never resolved or run', () => {
    assert.deepEqual(
      parse1(
        'a: !Ref x\nb: !Ref 12\nc: !!python/object/apply:os.system ["echo hi"]\nd: !!js/function "function(){}"\ne: !<tag:example.com,2000:x> {k: 1}\nf: !Ref\n',
      ),
      { a: 'x', b: '12', c: ['echo hi'], d: 'function(){}', e: { k: 1 }, f: '' },
    );
  });

  it('decodes !!binary as go-yaml (each invalid UTF-8 byte one U+FFFD); refuses bad base64', () => {
    assert.deepEqual(
      parse1('a: !!binary aGVsbG8=\nb: !!binary |\n  aGVs\n  bG8=\nc: !!binary /w==\nd: !!binary aGnDqf8=\n'),
      {
        a: 'hello',
        b: 'hello',
        c: '\ufffd',
        d: 'hi\u00e9\ufffd',
      },
    );
    throwsYaml(() => parse1('a: !!binary "not base64!"\n'), /test\.yaml:1:.*binary/);
  });

  it('refuses a text over the size limit', () => {
    throwsYaml(
      () => parseYamlDocuments('a: 1234567890\n', 'big.yaml', { maxBytes: 10 }),
      /big\.yaml: .*10 bytes/,
    );
  });

  it('names the file and line of a syntax error', () => {
    throwsYaml(() => parseYamlDocuments('a: 1\nb: [1\n', 'bad.yaml'), /^bad\.yaml:3:1: invalid YAML/);
    throwsYaml(() => parseYamlDocuments('a: 1\na: 2\n', 'dup.yaml'), /^dup\.yaml:2:1: .*duplicated/);
    throwsYaml(() => parseYamlDocuments('a: .inf\n', 'inf.yaml'), /inf\.yaml: unsupported value \.inf/);
  });

  it('refuses non-string mapping keys, as kubectl kustomize does', () => {
    throwsYaml(
      () => parseYamlDocuments('data:\n  80: http\n', 'k.yaml'),
      /k\.yaml: mapping key "80" is not a string/,
    );
    throwsYaml(() => parseYamlDocuments('a: {true: x}\n', 'k.yaml'), /"true"/);
    assert.deepEqual(parseYamlDocuments('data:\n  "80": http\n  x: 1.0\n  l: [1, true, ~]\n', 'k.yaml'), [
      { data: { '80': 'http', x: 1, l: [1, true, null] } },
    ]);
  });

  it('refuses the escapes go-yaml refuses (kubectl kustomize fails on them)', () => {
    throwsYaml(
      () => parseYamlDocuments('a: 1\nb: "x\\/y"\n', 'e.yaml'),
      /^e\.yaml:2: invalid YAML: found unknown escape character/,
    );
    throwsYaml(
      () => parseYamlDocuments('{"a": "\\ud83d\\ude00"}', 'e.json'),
      /invalid Unicode character escape/,
    );
    assert.deepEqual(parseYamlDocuments('a: \'x\\/y\'\nb: x\\/y\nc: "\\\\/"\n', 'ok.yaml'), [
      { a: 'x\\/y', b: 'x\\/y', c: '\\/' },
    ]);
  });

  it('refuses several documents where one is expected', () => {
    throwsYaml(() => parseYamlDocument('a: 1\n---\nb: 2\n', 'k.yaml'), /k\.yaml: expected one YAML document/);
  });
});

describe('parseYamlSourceDocuments', () => {
  it('keeps the source text of plain scalars that do not read as themselves', () => {
    const [doc] = parseYamlSourceDocuments(
      'a: 1.50\nb: 0x1F\nc: ~\nd: 2024-01-01\ne: plain\nf: "1.50"\ng: &x 012\nh: *x\n---\n~\n',
      's.yaml',
    ) as [Record<string, unknown>];
    const raw = (k: string) => {
      const v = doc[k];
      return v instanceof RawScalar ? [v.raw, v.value] : v;
    };
    assert.deepEqual(raw('a'), ['1.50', 1.5]);
    assert.deepEqual(raw('b'), ['0x1F', 31]);
    assert.deepEqual(raw('c'), ['~', null]);
    assert.deepEqual(raw('d'), ['2024-01-01', '2024-01-01T00:00:00Z']);
    assert.equal(raw('e'), 'plain');
    assert.equal(raw('f'), '1.50');
    assert.deepEqual(raw('h'), ['012', 10]);
    assert.equal(parseYamlSourceDocuments('a: 1\n---\n~\n', 's.yaml').length, 1);
  });
});

test('a text read again gives fresh documents each time (the memo hands out copies)', () => {
  const text = '- {op: replace, path: /spec/maxReplicas, value: 12}\n';
  for (let i = 0; i < 4; i++) {
    const docs = parseYaml11Documents(text, 'p.yaml') as { [k: string]: unknown }[][];
    assert.deepEqual(docs, [[{ op: 'replace', path: '/spec/maxReplicas', value: 12 }]]);
    (docs[0] as { [k: string]: unknown }[])[0]!.value = 'changed';
  }
  assert.deepEqual(parseYamlDocuments('a: 1\n', 'a.yaml'), [{ a: 1 }]);
  assert.deepEqual(parseYaml11Documents('a: yes\n', 'a.yaml'), [{ a: true }]);
  assert.deepEqual(parseYamlDocuments('a: yes\n', 'a.yaml'), [{ a: 'yes' }]);
  assert.deepEqual(parseYaml11Documents('a: yes\n', 'a.yaml'), [{ a: true }]);
});
