import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { emitYamlDocuments } from './emit.js';
import { parseYamlDocuments } from './parse.js';
import { analyzeScalar } from './scalar.js';
import { plainSafeAscii } from './writer.js';

const fixtures = join(import.meta.dirname, 'fixtures');

describe('emitYamlDocuments matches kubectl kustomize byte for byte (fixtures from the reference)', () => {
  for (const name of readdirSync(fixtures).sort()) {
    it(name, () => {
      const input = readFileSync(join(fixtures, name, 'input.yaml'), 'utf8');
      const expected = readFileSync(join(fixtures, name, 'expected.yaml'), 'utf8');
      assert.equal(emitYamlDocuments(parseYamlDocuments(input, 'input.yaml')), expected);
    });
  }
});

describe('emitYamlDocuments', () => {
  const emit1 = (v: Parameters<typeof emitYamlDocuments>[0][number]) => emitYamlDocuments([v]);

  it('leaves out keys whose value is undefined', () => {
    const v = { a: 1, b: undefined, c: { d: undefined } } as unknown as Parameters<typeof emit1>[0];
    assert.equal(emit1(v), 'a: 1\nc: {}\n');
  });

  it('separates documents with ---', () => {
    assert.equal(emitYamlDocuments([{ a: 1 }, { b: 2 }]), 'a: 1\n---\nb: 2\n');
    assert.equal(emitYamlDocuments([]), '');
  });

  it('quotes strings YAML 1.1 would read as another type', () => {
    const quoted = [
      'yes',
      'on',
      'no',
      'y',
      'N',
      'Off',
      '0755',
      '1e3',
      'true',
      '~',
      'null',
      '12',
      '-1',
      '0x1F',
    ];
    for (const s of quoted) assert.equal(emit1({ k: s }), `k: "${s}"\n`, s);
    for (const s of ['yess', 'online', 'x1', 'v1.2.3', '1.2.3', '<<', 'a=b']) {
      assert.equal(emit1({ k: s }), `k: ${s}\n`, s);
    }
    assert.equal(emit1({ k: '2001-12-14' }), 'k: "2001-12-14"\n');
    assert.equal(emit1({ k: '1:20' }), 'k: "1:20"\n');
  });

  it('uses single quotes for indicators, double quotes for escapes', () => {
    assert.equal(emit1({ k: '*x' }), "k: '*x'\n");
    assert.equal(emit1({ k: "it's: x" }), "k: 'it''s: x'\n");
    assert.equal(emit1({ k: 'a\tb' }), 'k: "a\\tb"\n');
    assert.equal(emit1({ k: '😀' }), 'k: "\\U0001F600"\n');
  });

  it('writes multi-line strings as literal blocks with chomping indicators', () => {
    assert.equal(emit1({ k: 'a\nb\n' }), 'k: |\n  a\n  b\n');
    assert.equal(emit1({ k: 'a\nb' }), 'k: |-\n  a\n  b\n');
    assert.equal(emit1({ k: 'a\n\n' }), 'k: |+\n  a\n\n');
    assert.equal(emit1({ k: '  a\nb' }), 'k: |2-\n    a\n  b\n');
  });

  it('does not indent sequences under their key and prints empty collections in flow style', () => {
    assert.equal(emit1({ l: ['a', { b: 1, c: [] }], m: {} }), 'l:\n- a\n- b: 1\n  c: []\nm: {}\n');
  });

  it('keeps big integers exact and prints floats as Go does', () => {
    const [doc] = parseYamlDocuments('a: 12345678901234567890\nb: 1234567.5\nc: 1.0\nd: 0.00001\n', 'n.yaml');
    assert.equal(
      emitYamlDocuments([doc ?? null]),
      'a: 12345678901234567890\nb: 1.2345675e+06\nc: 1\nd: 1e-05\n',
    );
  });
});

describe('plainSafeAscii (the writer fast path) only admits what the full analysis writes plain', () => {
  // every string of up to 3 characters over an alphabet of indicators, blanks and ordinary text
  const alphabet = [
    'a',
    '0',
    '-',
    '?',
    ':',
    '#',
    ',',
    '[',
    '{',
    '&',
    '*',
    '!',
    '|',
    '>',
    "'",
    '"',
    '%',
    '@',
    '`',
    '.',
    ' ',
    '\t',
    'é',
  ];
  const strings = [''];
  for (let len = 1; len <= 3; len++) {
    for (const s of strings.filter((x) => x.length === len - 1))
      for (const c of alphabet) strings.push(s + c);
  }
  it(`agrees with analyzeScalar on ${strings.length} strings and admits some`, () => {
    let admitted = 0;
    for (const s of strings) {
      if (!plainSafeAscii(s)) continue;
      admitted++;
      const a = analyzeScalar(
        [...s].map((c) => c.codePointAt(0) as number),
        (cp) => cp >= 0x20 && cp <= 0x7e,
      );
      assert.ok(a.blockPlainAllowed && !a.multiline, JSON.stringify(s));
    }
    assert.ok(admitted > 1000, `admitted ${admitted}`);
  });
  it('refuses the leading indicators and the document markers', () => {
    for (const s of [
      '-',
      ':',
      '?',
      'a:',
      '---',
      '...x',
      '#a',
      '*a',
      '&a',
      '!a',
      '|',
      '>',
      '%a',
      '@a',
      '`a',
      "'a",
      '"a',
      'a b',
      '',
    ])
      assert.equal(plainSafeAscii(s), false, s);
    for (const s of ['-a', ':a', 'a:b', 'ghcr.io/acme/app:1.4.2', '..', 'a#b', '200m'])
      assert.equal(plainSafeAscii(s), true, s);
  });
});
