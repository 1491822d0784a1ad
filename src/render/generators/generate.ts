/**
 * configMapGenerator / secretGenerator: builds the ConfigMap or Secret from literals, files and
 * env files (read through the loader, confined to the kustomization's root).
 */
import type { JsonObject, KubeObject } from '../../api/object.js';
import { RenderErrorCode, renderError } from '../errors.js';
import type { GeneratorArgs, GeneratorOptions, Kustomization } from '../kustomization.js';
import type { Loader } from '../loader.js';
import { basename } from '../paths.js';
import { restrictedFile } from '../restrictor.js';
import { nonStringKey } from '../transformers/labels.js';
import type { GeneratorBehavior, Resource } from '../types.js';

/** Base64 as Kustomize writes generated data: lines of 70 characters, each ending in a newline, when longer. */
export function encodeBase64(bytes: Uint8Array): string {
  const s = Buffer.from(bytes).toString('base64');
  if (s.length <= 70) return s;
  let out = '';
  for (let i = 0; i < s.length; i += 70) out += `${s.slice(i, i + 70)}\n`;
  return out;
}

function removeQuotes(s: string): string {
  if (s.length >= 2 && s[0] === s[s.length - 1] && (s[0] === '"' || s[0] === "'")) return s.slice(1, -1);
  return s;
}

interface Entry {
  key: string;
  bytes?: Uint8Array;
  text?: string;
}

export function parseEnvText(text: string, file: string): [string, string][] {
  const out: [string, string][] = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, '').replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) {
      out.push([line, '']);
      continue;
    }
    const key = line.slice(0, eq);
    if (key === '')
      throw renderError(RenderErrorCode.Generator, `${file}:${i + 1}: line has no key before '='`);
    out.push([key, line.slice(eq + 1)]);
  }
  return out;
}

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

async function collect(loader: Loader, k: Kustomization, g: GeneratorArgs, what: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  const resolve = (rel: string) => restrictedFile(loader, k.dir, rel, what);
  for (const lit of g.literals ?? []) {
    const eq = lit.indexOf('=');
    if (eq < 0) throw renderError(RenderErrorCode.Generator, `${what}: literal "${lit}" is not key=value`);
    entries.push({ key: lit.slice(0, eq), text: removeQuotes(lit.slice(eq + 1)) });
  }
  for (const spec of g.files ?? []) {
    const eq = spec.indexOf('=');
    const key = eq < 0 ? basename(spec) : spec.slice(0, eq);
    const rel = eq < 0 ? spec : spec.slice(eq + 1);
    if (key === '' || rel === '')
      throw renderError(RenderErrorCode.Generator, `${what}: file source "${spec}" is invalid`);
    const bytes = await loader.readBytes(await resolve(rel), what);
    entries.push({ key, bytes });
  }
  const envs = [...(g.envs ?? []), ...(g.env ? [g.env] : [])];
  for (const rel of envs) {
    const path = await resolve(rel);
    const text = await loader.readText(path, what);
    for (const [key, value] of parseEnvText(text, path)) entries.push({ key, text: value });
  }
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.key))
      throw renderError(RenderErrorCode.Generator, `${what}: illegally repeats the key \`${e.key}\``);
    seen.add(e.key);
  }
  return entries;
}

export function mergeOptions(
  global: GeneratorOptions | undefined,
  local: GeneratorOptions | undefined,
): GeneratorOptions {
  const out: GeneratorOptions = {};
  const labels = { ...(global?.labels ?? {}), ...(local?.labels ?? {}) };
  const annotations = { ...(global?.annotations ?? {}), ...(local?.annotations ?? {}) };
  if (Object.keys(labels).length) out.labels = labels;
  if (Object.keys(annotations).length) out.annotations = annotations;
  if (global?.disableNameSuffixHash || local?.disableNameSuffixHash) out.disableNameSuffixHash = true;
  if (global?.immutable || local?.immutable) out.immutable = true;
  return out;
}

export async function generate(
  loader: Loader,
  k: Kustomization,
  g: GeneratorArgs,
  kind: 'ConfigMap' | 'Secret',
  index: number,
): Promise<Resource> {
  const field = kind === 'ConfigMap' ? 'configMapGenerator' : 'secretGenerator';
  const what = `${k.file}: ${field}[${index}]${g.name ? ` (${g.name})` : ''}`;
  if (!g.name) throw renderError(RenderErrorCode.Generator, `${what}: a generator needs a name`);
  const entries = await collect(loader, k, g, what);
  const opts = mergeOptions(k.generatorOptions, g.options);
  const metadata: JsonObject = { name: g.name };
  if (g.namespace) metadata.namespace = g.namespace;
  if (opts.labels) metadata.labels = { ...opts.labels };
  if (opts.annotations) metadata.annotations = { ...opts.annotations };
  const obj: KubeObject = { apiVersion: 'v1', kind, metadata: metadata as KubeObject['metadata'] };
  const data: Record<string, string> = {};
  const binary: Record<string, string> = {};
  for (const e of entries) {
    const bytes = e.bytes ?? new TextEncoder().encode(e.text ?? '');
    if (kind === 'Secret') data[e.key] = encodeBase64(bytes);
    else {
      const text = e.text ?? utf8(bytes);
      if (text === undefined) binary[e.key] = encodeBase64(bytes);
      else data[e.key] = text;
    }
  }
  const bad =
    nonStringKey(Object.keys(metadata.labels ?? {})) ??
    nonStringKey(Object.keys(metadata.annotations ?? {})) ??
    nonStringKey(entries.map((e) => e.key));
  if (bad !== undefined)
    throw renderError(
      RenderErrorCode.Generator,
      `${what}: key ${JSON.stringify(bad)} would not be a string in the output (Kustomize fails on it)`,
    );
  if (kind === 'Secret') obj.type = g.type || 'Opaque';
  if (Object.keys(data).length || kind === 'Secret') obj.data = data;
  if (Object.keys(binary).length) obj.binaryData = binary;
  if (opts.immutable) obj.immutable = true;
  const behavior = (g.behavior || 'create') as GeneratorBehavior;
  return {
    obj,
    prev: [],
    source: what,
    hashSuffix: !opts.disableNameSuffixHash,
    behavior,
    origin: { configuredIn: k.file, kind: kind === 'ConfigMap' ? 'ConfigMapGenerator' : 'SecretGenerator' },
  };
}
