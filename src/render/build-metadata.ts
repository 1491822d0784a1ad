/**
 * buildMetadata: `originAnnotations` (config.kubernetes.io/origin: the file, or the kustomization
 * and generator, each object came from) and `transformerAnnotations`
 * (alpha.config.kubernetes.io/transformations: the built-in transformers run over it), with paths
 * relative to the rendered kustomization's directory.
 */

import type { ConfiguredBy, Resource } from './types.js';
import { emitYamlDocuments } from './yaml/emit.js';

/** `to` relative to directory `from` (both tree-relative, POSIX). */
export function relativePath(from: string, to: string): string {
  const a = from ? from.split('/') : [];
  const b = to ? to.split('/') : [];
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

function configured(dir: string, c: ConfiguredBy, indent: string): string {
  let text =
    `configuredIn: ${relativePath(dir, c.configuredIn)}\n` +
    `${indent}configuredBy:\n${indent}  apiVersion: builtin\n${indent}  kind: ${c.kind}\n`;
  // a plugin config's name/namespace, written as a YAML scalar (quoted when it must be)
  for (const key of ['name', 'namespace'] as const) {
    const v = c[key];
    if (v) text += `${indent}  ${key}: ${emitYamlDocuments([{ v }]).replace(/^v: /, '').trimEnd()}\n`;
  }
  return text;
}

export function addBuildMetadata(list: readonly Resource[], options: readonly string[], dir: string): void {
  const origin = options.includes('originAnnotations');
  const transformers = options.includes('transformerAnnotations');
  if (!origin && !transformers) return;
  for (const r of list) {
    const md = r.obj.metadata;
    if (origin && r.origin) {
      const text =
        'path' in r.origin ? `path: ${relativePath(dir, r.origin.path)}\n` : configured(dir, r.origin, '');
      md.annotations = { ...(md.annotations ?? {}), 'config.kubernetes.io/origin': text };
    }
    if (transformers && r.transformations?.length) {
      const text = r.transformations.map((t) => `- ${configured(dir, t, '  ')}`).join('');
      md.annotations = { ...(md.annotations ?? {}), 'alpha.config.kubernetes.io/transformations': text };
    }
  }
}
