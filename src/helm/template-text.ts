/**
 * The text `helm template` prints for a render (cmd/helm/template.go): the release manifest
 * (CRDs, then manifests, each `---\n# Source: path\ncontent\n`) trimmed, then every hook.
 */
import type { HelmDocument, HelmRenderResult } from './protocol.js';

// Go's strings.TrimSpace: Unicode White_Space (JavaScript's trim() also strips U+FEFF, Go's does not).
const goSpace = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const goTrim = new RegExp(`^${goSpace}+|${goSpace}+$`, 'gu');

const doc = (d: HelmDocument) => `---\n# Source: ${d.source}\n${d.content}\n`;

export function helmTemplateText(result: HelmRenderResult): string {
  const manifest = [...result.crds, ...result.manifests].map(doc).join('');
  return `${manifest.replace(goTrim, '')}\n${result.hooks.map(doc).join('')}`;
}
