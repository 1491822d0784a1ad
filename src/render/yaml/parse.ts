/**
 * YAML (and JSON) parsing for the renderer, with the value semantics of go-yaml v3 (what Kustomize
 * uses): plain scalars resolve as go-yaml v3 resolves them, quoted scalars stay strings.
 */
import jsYaml from 'js-yaml';
import { TrueupError } from '../../api/errors.js';
import type { JsonValue } from '../../api/object.js';

export interface YamlParseLimits {
  /** Most alias expansions (total nodes copied through aliases) per text. Default 100,000. */
  maxAliases?: number;
  /** Largest text accepted, in bytes (UTF-16 code units). Default 32 MiB. */
  maxBytes?: number;
}

export const DEFAULT_YAML_LIMITS: Required<YamlParseLimits> = { maxAliases: 100_000, maxBytes: 32 << 20 };

function fail(file: string, message: string, cause?: unknown): never {
  throw new TrueupError('RENDER_YAML_INVALID', `${file}: ${message}`, cause === undefined ? {} : { cause });
}

/** All non-empty documents of a multi-doc YAML (or JSON) text. */
export function parseYamlDocuments(text: string, file: string, limits?: YamlParseLimits): JsonValue[] {
  const maxBytes = limits?.maxBytes ?? DEFAULT_YAML_LIMITS.maxBytes;
  if (text.length > maxBytes) fail(file, `file is larger than the limit of ${maxBytes} bytes`);
  let docs: unknown[];
  try {
    docs = jsYaml.loadAll(text, undefined, { filename: file });
  } catch (err) {
    fail(file, (err as Error).message, err);
  }
  return docs.filter((d) => d !== null && d !== undefined) as JsonValue[];
}

/** Exactly one document (a kustomization). Empty text -> null. */
export function parseYamlDocument(text: string, file: string, limits?: YamlParseLimits): JsonValue {
  const docs = parseYamlDocuments(text, file, limits);
  if (docs.length > 1) fail(file, 'expected one YAML document, found several');
  return docs[0] ?? null;
}
