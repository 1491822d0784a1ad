/**
 * Name-reference fix-up: after prefixes, suffixes, namespaces and hash suffixes renamed objects,
 * every field that refers to one of them by its old name (configMapRef, roleRef, subjects,
 * serviceName, scaleTargetRef, ...) is pointed at the new name.
 */
import type { JsonObject, JsonValue } from '../api/object.js';
import type { NameRefEntry, TransformerConfig } from './config.js';
import { RenderErrorCode, renderError } from './errors.js';
import { type FieldSpec, specSelects, splitPath, visitPath } from './fieldspec.js';
import { isClusterScoped } from './scope.js';
import { curId, describeId, isObject, nsEquals, type Resource } from './types.js';

function sameEnding(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  if (n === 0) return a.length === b.length;
  for (let i = 1; i <= n; i++) if (a[a.length - i] !== b[b.length - i]) return false;
  return true;
}

function affixesEqual(a: Resource, b: Resource, allowEmpty: boolean): boolean {
  const ap = a.prefixes ?? [];
  const bp = b.prefixes ?? [];
  const as = a.suffixes ?? [];
  const bs = b.suffixes ?? [];
  const p = (allowEmpty && (ap.length === 0 || bp.length === 0)) || sameEnding(ap, bp);
  const s = (allowEmpty && (as.length === 0 || bs.length === 0)) || sameEnding(as, bs);
  return p && s;
}

interface Ctx {
  referrer: Resource;
  entry: NameRefEntry;
  /** Candidates by each name they had before their current one. */
  byPrevName: Map<string, Resource[]>;
  roleRefKind?: string;
}

function select(ctx: Ctx, oldName: string, namespace?: string): Resource | undefined {
  const refId = curId(ctx.referrer);
  let c = ctx.byPrevName.get(oldName) ?? [];
  if (ctx.roleRefKind !== undefined) c = c.filter((r) => r.obj.kind === ctx.roleRefKind);
  if (namespace !== undefined)
    c = c.filter((r) => [curId(r), ...r.prev].some((id) => nsEquals(id.namespace, namespace)));
  if (!isClusterScoped(refId)) {
    c = c.filter((r) => {
      const id = curId(r);
      return isClusterScoped(id) || id.kind === 'ServiceAccount' || nsEquals(id.namespace, refId.namespace);
    });
  }
  if (c.length <= 1) return c[0];
  const c1 = c.filter((r) => affixesEqual(ctx.referrer, r, true));
  if (c1.length === 1) return c1[0];
  const c2 = c1.filter((r) => affixesEqual(ctx.referrer, r, false));
  if (c2.length === 1) return c2[0];
  if (c2.length === 0) return undefined;
  const first = curId(c2[0]!);
  if (c2.every((r) => curId(r).name === first.name && curId(r).namespace === first.namespace)) return c2[0];
  throw renderError(
    RenderErrorCode.Reference,
    `${describeId(refId)}: found multiple possible referrals for ${ctx.entry.kind} ${oldName}: ${c2
      .map((r) => describeId(curId(r)))
      .join(', ')}`,
  );
}

function fixValue(ctx: Ctx, v: JsonValue | undefined, set: (nv: JsonValue) => void): void {
  if (typeof v === 'string') {
    const r = select(ctx, v);
    if (r) set(curId(r).name);
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((el, i) => {
      fixValue(ctx, el, (nv) => {
        v[i] = nv;
      });
    });
    return;
  }
  if (isObject(v)) {
    // Kustomize does not look at a subject's kind: a Group or User named like a renamed
    // ServiceAccount follows it too. Mirrored for identical output.
    if (typeof v.name !== 'string') return;
    const ns = typeof v.namespace === 'string' ? v.namespace : undefined;
    const r = select(ctx, v.name, ns);
    if (!r) return;
    const id = curId(r);
    v.name = id.name;
    if (id.namespace && !isClusterScoped(id)) v.namespace = id.namespace;
  }
}

function checkSubjects(list: readonly Resource[]): void {
  for (const r of list) {
    if (r.obj.kind !== 'RoleBinding' && r.obj.kind !== 'ClusterRoleBinding') continue;
    const subjects = (r.obj as unknown as JsonObject).subjects;
    if (!Array.isArray(subjects)) continue;
    for (const s of subjects) {
      if (isObject(s) && 'namespace' in s && (s.namespace === null || s.namespace === ''))
        throw renderError(
          RenderErrorCode.Reference,
          `${describeId(curId(r))}: namespace is blank for subject ${String(s.name ?? '')}`,
        );
    }
  }
}

export function fixNameReferences(list: readonly Resource[], config: TransformerConfig): void {
  checkSubjects(list);
  const byKind = new Map<string, Resource[]>();
  const renamedKinds = new Set<string>();
  for (const r of list) {
    const k = r.obj.kind;
    if (r.prev.length > 0) renamedKinds.add(k);
    const l = byKind.get(k);
    if (l) l.push(r);
    else byKind.set(k, [r]);
  }
  if (renamedKinds.size === 0) return;
  for (const entry of config.nameReference) {
    // nothing of this kind changed name: every reference to it is already right
    if (!renamedKinds.has(entry.kind)) continue;
    const pool = (byKind.get(entry.kind) ?? []).filter((r) => {
      const id = curId(r);
      return (!entry.group || id.group === entry.group) && (!entry.version || id.version === entry.version);
    });
    if (pool.length === 0) continue;
    const byPrevName = new Map<string, Resource[]>();
    for (const r of pool) {
      for (const name of new Set(r.prev.map((id) => id.name))) {
        const l = byPrevName.get(name);
        if (l) l.push(r);
        else byPrevName.set(name, [r]);
      }
    }
    // index the entry's field specs by referrer kind (most name one)
    const anyKind = entry.fieldSpecs.filter((s) => !s.kind);
    const byReferrerKind = new Map<string, FieldSpec[]>();
    for (const s of entry.fieldSpecs) {
      if (!s.kind) continue;
      const l = byReferrerKind.get(s.kind);
      if (l) l.push(s);
      else byReferrerKind.set(s.kind, [s]);
    }
    for (const referrer of list) {
      const specs = byReferrerKind.get(referrer.obj.kind);
      if (!specs && anyKind.length === 0) continue;
      const rid = curId(referrer);
      for (const spec of specs ? [...specs, ...anyKind] : anyKind) {
        if (!specSelects(spec, rid)) continue;
        const ctx: Ctx = { referrer, entry, byPrevName };
        if (spec.path === 'roleRef/name') {
          const roleRef = (referrer.obj as unknown as JsonObject).roleRef;
          if (isObject(roleRef) && typeof roleRef.kind === 'string') ctx.roleRefKind = roleRef.kind;
        }
        visitPath(referrer.obj as unknown as JsonObject, splitPath(spec.path), false, (parent, key) => {
          fixValue(ctx, parent[key], (nv) => {
            parent[key] = nv;
          });
        });
      }
    }
  }
}
