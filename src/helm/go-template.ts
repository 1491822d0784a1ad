/**
 * Go templates outside charts — ApplicationSet templates (`goTemplate: true`), image automation
 * commit messages, notification messages — evaluated by Go's own text/template and sprig inside
 * the Helm engine (helm/wasm/template.go), not a re-implementation: users get the functions and
 * the semantics (`missingkey=error`, whitespace trimming, sprig's edge cases) Argo CD and Flux
 * give them. The functions are Argo CD's ApplicationSet set: sprig's text functions without
 * `env`, `expandenv` and `getHostByName`, plus `toYaml`, `fromYaml`, `fromYamlArray`,
 * `normalize` and `slugify`.
 */

import { HelmErrorCode, helmError } from './errors.js';
import type { GoTemplateRequest, GoTemplateResult } from './protocol.js';

export type { GoTemplateResult };

/** What evaluating Go templates needs: the HelmEngine has it. */
export interface GoTemplateEngine {
  templates(request: GoTemplateRequest, label: string): Promise<GoTemplateResult[]>;
}

export interface GoTemplateItem {
  template: string;
  /** The template's dot: any JSON value (numbers arrive in Go as float64, as in Argo CD). */
  data: unknown;
}

/**
 * Evaluates every item in one call to the engine; each result is its output or its error, so a
 * set of templates can report every bad one at once. `options` are text/template's
 * (`missingkey=error`, `missingkey=zero`...), applied to all items.
 */
export function evaluateGoTemplates(
  engine: GoTemplateEngine,
  items: readonly GoTemplateItem[],
  options: readonly string[] = [],
  label = 'Go template',
): Promise<GoTemplateResult[]> {
  if (items.length === 0) return Promise.resolve([]);
  return engine.templates({ options: [...options], items: [...items] }, label);
}

/** One template's output; its error raises HELM_TEMPLATE_ERROR prefixed by `label`. */
export async function evaluateGoTemplate(
  engine: GoTemplateEngine,
  item: GoTemplateItem,
  options: readonly string[] = [],
  label = 'Go template',
): Promise<string> {
  const [result] = await evaluateGoTemplates(engine, [item], options, label);
  if (result && 'output' in result) return result.output;
  throw helmError(HelmErrorCode.TemplateError, `${label}: ${result?.error ?? 'no result'}`);
}
