/**
 * Argo CD's default template syntax (valyala/fasttemplate with `{{` `}}`): a tag is replaced by
 * the string param of that name (spaces around it trimmed); a tag naming no string param is
 * left exactly as written (`{{ unknown }}` stays), as Argo leaves it.
 */
import type { Params } from './params.js';

export function fasttemplate(text: string, params: Params): string {
  let out = '';
  let i = 0;
  for (;;) {
    const open = text.indexOf('{{', i);
    if (open < 0) return out + text.slice(i);
    const close = text.indexOf('}}', open + 2);
    // An unclosed tag: fasttemplate fails the template; Argo then keeps the text, as we do.
    if (close < 0) return out + text.slice(i);
    out += text.slice(i, open);
    const tag = text.slice(open + 2, close);
    const name = tag.trim();
    const value = name ? params[name] : undefined;
    out += typeof value === 'string' ? value : `{{${tag}}}`;
    i = close + 2;
  }
}
