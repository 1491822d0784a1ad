/**
 * Renders every string of a value (and every map key, as Argo CD does, so an annotation name
 * may be templated) with a parameter set. Both syntaxes go through `StringRenderer`:
 * fasttemplate here in TypeScript; Go templates in the Helm WebAssembly engine, batched so a set
 * of 500 apps costs one round trip to the engine.
 */
import { fasttemplate } from './fasttemplate.js';
import type { Params } from './params.js';

export type Rendered = { output: string } | { error: string };

export interface StringRenderer {
  render(items: readonly { template: string; data: Params }[]): Promise<Rendered[]>;
}

export const fasttemplateRenderer: StringRenderer = {
  render: async (items) => items.map((i) => ({ output: fasttemplate(i.template, i.data) })),
};

/** The strings of `value` in walk order (map keys before their values). */
function stringsOf(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      stringsOf(v, out);
    }
  }
}

function rebuild(value: unknown, next: () => string): unknown {
  if (typeof value === 'string') return next();
  if (Array.isArray(value)) return value.map((v) => rebuild(v, next));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const v of Object.values(value)) {
      const key = next();
      out[key] = rebuild(v, next);
    }
    return out;
  }
  return value;
}

/** Error of rendering one value with one param set, naming the string that failed. */
export class TemplateError extends Error {
  constructor(
    readonly template: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * `value` rendered once per param set (one batch for all of them); a set whose rendering
 * failed yields a TemplateError instead.
 */
export async function renderEach<T>(
  renderer: StringRenderer,
  value: T,
  paramSets: readonly Params[],
): Promise<(T | TemplateError)[]> {
  const strings: string[] = [];
  stringsOf(value, strings);
  const items = paramSets.flatMap((data) => strings.map((template) => ({ template, data })));
  const results = items.length ? await renderer.render(items) : [];
  return paramSets.map((_, n) => {
    const mine = results.slice(n * strings.length, (n + 1) * strings.length);
    const failed = mine.findIndex((r) => 'error' in r);
    if (failed >= 0) {
      const r = mine[failed] as { error: string };
      return new TemplateError(strings[failed] ?? '', r.error);
    }
    let i = 0;
    return rebuild(value, () => (mine[i++] as { output: string }).output) as T;
  });
}
