/**
 * `goTemplate: true`: each string of the template evaluated by Go's text/template + sprig (Argo
 * CD's function set) in the Helm WebAssembly engine, one batch per set. The engine is loaded
 * on first use; without one, goTemplate sets fail with a message saying so (fasttemplate sets
 * never need it).
 */
import { errorMessage } from '../api/errors.js';
import { evaluateGoTemplates, type GoTemplateEngine } from '../helm/go-template.js';
import type { Params } from './params.js';
import type { Rendered, StringRenderer } from './template-engine.js';

export function goTemplateRenderer(
  engine: () => Promise<GoTemplateEngine>,
  options: readonly string[],
  label: string,
): StringRenderer {
  return {
    async render(items: readonly { template: string; data: Params }[]): Promise<Rendered[]> {
      // Strings without an action are kept as they are (most of a template): no engine round trip.
      const needed = items.map((item, i) => ({ item, i })).filter(({ item }) => item.template.includes('{{'));
      const out: Rendered[] = items.map((item) => ({ output: item.template }));
      if (needed.length === 0) return out;
      let e: GoTemplateEngine;
      try {
        e = await engine();
      } catch (err) {
        const error = `goTemplate needs the Helm engine, which is not available: ${errorMessage(err)}`;
        return items.map(() => ({ error }));
      }
      const results = await evaluateGoTemplates(
        e,
        needed.map(({ item }) => item),
        options,
        label,
      );
      needed.forEach(({ i }, n) => {
        out[i] = results[n] ?? { error: 'no result from the engine' };
      });
      return out;
    },
  };
}
