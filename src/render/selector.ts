/**
 * Target selectors (patches, replacements): group/version/kind exact, name and namespace as
 * anchored regular expressions, Kubernetes label and annotation selectors. A resource matches on
 * its original or its current name/namespace.
 */
import { RenderErrorCode, renderError } from './errors.js';
import type { Selector } from './kustomization.js';
import { curId, orgId, type ResId, type Resource } from './types.js';

type Requirement = { key: string; op: 'in' | 'notin' | 'exists' | '!'; values: string[] };

const regexCache = new Map<string, RegExp>();

function anchored(pattern: string, where: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    // JavaScript regular expressions backtrack (Kustomize's RE2 does not): refuse the shapes that
    // can take exponential time on a crafted name, so an untrusted tree cannot hang a render.
    if (pattern.length > 1000 || /\([^)]*[+*}][^)]*\)[+*{]/.test(pattern) || /\\[1-9]/.test(pattern))
      throw renderError(
        RenderErrorCode.InvalidKustomization,
        `${where}: regular expression ${pattern} is not allowed (nested repetition or back-reference)`,
      );
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch (err) {
      throw renderError(
        RenderErrorCode.InvalidKustomization,
        `${where}: invalid regular expression ${pattern}`,
        err,
      );
    }
    if (regexCache.size > 1000) regexCache.clear(); // bounded: patterns come from untrusted trees
    regexCache.set(pattern, re);
  }
  return re;
}

/** Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h`. */
export function parseLabelSelector(text: string, where: string): Requirement[] {
  const out: Requirement[] = [];
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (p === '') continue;
    let m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(p);
    if (m) {
      out.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((s) => s.trim()) });
      continue;
    }
    m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(p);
    if (m) {
      out.push({ key: m[1]!, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] });
      continue;
    }
    m = /^!\s*(\S+)$/.exec(p);
    if (m) {
      out.push({ key: m[1]!, op: '!', values: [] });
      continue;
    }
    if (/^\S+$/.test(p)) {
      out.push({ key: p, op: 'exists', values: [] });
      continue;
    }
    throw renderError(RenderErrorCode.InvalidKustomization, `${where}: cannot parse selector "${text}"`);
  }
  return out;
}

export function matchesLabels(
  reqs: readonly Requirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  for (const r of reqs) {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    if (r.op === 'exists' && !has) return false;
    if (r.op === '!' && has) return false;
    if (r.op === 'in' && (!has || !r.values.includes(v!))) return false;
    if (r.op === 'notin' && has && r.values.includes(v!)) return false;
  }
  return true;
}

function gvkMatches(s: Selector, id: ResId): boolean {
  if (s.group && s.group !== id.group) return false;
  if (s.version && s.version !== id.version) return false;
  if (s.kind && s.kind !== id.kind) return false;
  return true;
}

export function selects(
  s: Selector,
  r: Resource,
  where: string,
  clusterScoped: (id: ResId) => boolean,
): boolean {
  const cur = curId(r);
  const org = orgId(r);
  if (!gvkMatches(s, cur)) return false;
  if (s.namespace) {
    const re = anchored(s.namespace, where);
    const eff = (id: ResId) => (clusterScoped(id) ? '' : id.namespace || 'default');
    if (!re.test(eff(org)) && !re.test(eff(cur))) return false;
  }
  if (s.name) {
    const re = anchored(s.name, where);
    if (!re.test(org.name) && !re.test(cur.name)) return false;
  }
  if (s.labelSelector && !matchesLabels(parseLabelSelector(s.labelSelector, where), r.obj.metadata.labels))
    return false;
  if (
    s.annotationSelector &&
    !matchesLabels(parseLabelSelector(s.annotationSelector, where), r.obj.metadata.annotations)
  )
    return false;
  return true;
}
