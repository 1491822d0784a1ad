/**
 * The four SOPS file formats trueup reads: YAML (also multi-document), JSON, dotenv, and
 * binary (any other file, stored as `{"data": ENC[...], "sops": {...}}`). Detection is by
 * content: a file is SOPS-encrypted when its top-level mapping (the first document's, for
 * YAML) has a `sops` mapping, or, for dotenv, `sops_*` lines. As SOPS does by extension, a
 * `.json` file is the JSON format, and a `{data, sops}` object anywhere else is binary.
 */
import type { JsonValue } from '../../api/object.js';
import { emitYamlDocuments } from '../../render/yaml/emit.js';
import { parseYamlDocuments } from '../../render/yaml/parse.js';
import { unflattenMetadata } from './metadata.js';

export type SopsFormat = 'yaml' | 'json' | 'dotenv' | 'binary';

export type DotenvLine = { key: string; value: string } | { comment: string };

export type Parsed =
  | { format: 'yaml'; docs: JsonValue[]; metadata: JsonValue }
  | { format: 'json'; docs: [JsonValue]; metadata: JsonValue }
  | { format: 'binary'; data: JsonValue; metadata: JsonValue }
  | { format: 'dotenv'; lines: DotenvLine[]; metadata: JsonValue };

type Obj = { [k: string]: JsonValue };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every SOPS file holds at least its encrypted MAC: files without this text are not parsed at all. */
export function mayBeSops(text: string): boolean {
  return text.includes('ENC[AES256_GCM,');
}

function withoutSops(doc: Obj): Obj {
  const { sops: _drop, ...rest } = doc;
  return rest;
}

function parseDotenv(text: string): { lines: DotenvLine[]; meta: [string, string][] } | undefined {
  const lines: DotenvLine[] = [];
  const meta: [string, string][] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      lines.push({ comment: line.slice(1) });
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) return undefined;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key.startsWith('sops_')) meta.push([key.slice('sops_'.length), value]);
    else lines.push({ key, value: value.replaceAll('\\n', '\n') });
  }
  return { lines, meta };
}

/** The file's SOPS structure, or undefined when it carries no SOPS metadata (or does not parse). */
export function parseSopsFile(path: string, text: string): Parsed | undefined {
  if (!mayBeSops(text)) return undefined;
  if (/^sops_(mac|lastmodified)=/m.test(text)) {
    const env = parseDotenv(text);
    if (env && env.meta.length > 0)
      return { format: 'dotenv', lines: env.lines, metadata: unflattenMetadata(env.meta) };
  }
  if (text.trimStart().startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      doc = undefined;
    }
    if (isObj(doc) && isObj(doc.sops)) {
      const keys = Object.keys(doc);
      if (!/\.json$/i.test(path) && keys.length === 2 && 'data' in doc)
        return { format: 'binary', data: doc.data as JsonValue, metadata: doc.sops };
      return { format: 'json', docs: [withoutSops(doc)], metadata: doc.sops };
    }
  }
  let docs: JsonValue[];
  try {
    docs = parseYamlDocuments(text, path);
  } catch {
    return undefined; // not YAML either: the renderer reports it as it would any bad file
  }
  const first = docs[0];
  if (!isObj(first) || !isObj(first.sops)) return undefined;
  return {
    format: 'yaml',
    docs: docs.map((d) => (isObj(d) ? withoutSops(d) : d)),
    metadata: first.sops,
  };
}

/** The decrypted file in its own format (YAML as kubectl kustomize prints, JSON tab-indented as SOPS). */
export function emitDecrypted(format: 'yaml' | 'json', docs: JsonValue[]): string {
  if (format === 'json') return `${JSON.stringify(docs[0], null, '\t')}\n`;
  return emitYamlDocuments(docs);
}

export function emitDotenv(lines: readonly DotenvLine[]): string {
  let out = '';
  for (const l of lines)
    out += 'comment' in l ? `#${l.comment}\n` : `${l.key}=${l.value.replaceAll('\n', '\\n')}\n`;
  return out;
}
