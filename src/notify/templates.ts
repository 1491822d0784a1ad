/**
 * A rule's message template evaluated by the Helm engine's Go text/template (sprig, Argo CD's
 * function set): the TemplateRenderer the notifier takes, over any GoTemplateEngine.
 */
import { evaluateGoTemplates, type GoTemplateEngine } from '../helm/go-template.js';
import type { TemplateRenderer } from './notifier.js';

/** `missingkey=error`: a misspelt field fails the delivery with its name, never sends "<no value>". */
export function goTemplateRenderer(engine: () => Promise<GoTemplateEngine>): TemplateRenderer {
  return async (items) => {
    const results = await evaluateGoTemplates(
      await engine(),
      items,
      ['missingkey=error'],
      'notification template',
    );
    return results.map((r) => {
      if ('output' in r) return r.output;
      throw new Error(r.error);
    });
  };
}
