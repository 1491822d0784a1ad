/**
 * NamespaceTransformer and ValueAddTransformer as plugin configs. Unlike the `namespace:` field
 * (which runs with Kustomize's default field specs), a plugin config acts only where its own
 * `fieldSpecs` say, plus what Kustomize's namespace filter always does: metadata.namespace of
 * namespaced objects, and role binding subjects by `setRoleBindingSubjects`.
 */
import type { JsonObject, JsonValue } from '../../api/object.js';
import { RenderErrorCode, renderError } from '../errors.js';
import { type FieldSpec, splitPath, visitSpecs } from '../fieldspec.js';
import type { Selector } from '../kustomization.js';
import { basename } from '../paths.js';
import type { ResMap } from '../resmap.js';
import { isClusterScoped } from '../scope.js';
import { selects } from '../selector.js';
import { curId, describeId, isObject, type Resource } from '../types.js';
import type { ConfigFields } from './fields.js';

export const SUBJECT_MODES = ['defaultOnly', 'none', 'allServiceAccounts'] as const;
export type SubjectMode = (typeof SUBJECT_MODES)[number];

export interface NamespaceArgs {
  namespace: string;
  specs: readonly FieldSpec[];
  /** Only set namespace fields that are missing or empty. */
  unsetOnly: boolean;
  subjects: SubjectMode;
}

function isRoleBinding(kind: string): boolean {
  return kind === 'RoleBinding' || kind === 'ClusterRoleBinding';
}

export function namespaceArgs(f: ConfigFields): NamespaceArgs {
  const md = f.map(f.obj.metadata, 'metadata') ?? {};
  const mode = f.str(f.obj.setRoleBindingSubjects, 'setRoleBindingSubjects') || 'defaultOnly';
  if (!(SUBJECT_MODES as readonly string[]).includes(mode))
    f.fail(
      `invalid value "${mode}" for setRoleBindingSubjects: must be one of ${SUBJECT_MODES.map((m) => `"${m}"`).join(', ')}`,
    );
  return {
    namespace: f.str(md.namespace, 'metadata.namespace') ?? '',
    specs: f.fieldSpecs(f.obj.fieldSpecs) ?? [],
    unsetOnly: f.bool(f.obj.unsetOnly, 'unsetOnly') ?? false,
    subjects: mode as SubjectMode,
  };
}

/** Sets the namespace on `only` (default: every object of `m`); ids must stay unique in `m`. */
export function applyNamespaceArgs(
  m: ResMap,
  a: NamespaceArgs,
  where: string,
  only?: readonly Resource[],
): void {
  if (a.namespace === '') return;
  const set = (parent: JsonObject, key: string) => {
    const v = parent[key];
    if (a.unsetOnly && v !== undefined && v !== null && v !== '') return;
    parent[key] = a.namespace;
  };
  for (const r of only ?? m.list) {
    const id = curId(r);
    // as Kustomize: every object visited records its id, changed or not (name-reference candidates)
    r.prev.push(id);
    const obj = r.obj as unknown as JsonObject;
    if (!isClusterScoped(id)) set(obj.metadata as JsonObject, 'namespace');
    let specs = a.specs.filter((s) => s.path !== 'metadata/namespace');
    if (isRoleBinding(id.kind)) {
      specs = specs.filter((s) => !(s.kind !== undefined && isRoleBinding(s.kind) && s.path === 'subjects'));
      if (Array.isArray(obj.subjects) && a.subjects !== 'none') {
        for (const s of obj.subjects) {
          if (!isObject(s)) continue;
          if (a.subjects === 'defaultOnly' ? s.name === 'default' : s.kind === 'ServiceAccount')
            set(s, 'namespace');
        }
      }
    }
    visitSpecs(obj, id, specs, (parent, key) => {
      const v = parent[key];
      if (isObject(v) || Array.isArray(v))
        throw renderError(
          RenderErrorCode.InvalidKustomization,
          `${where}: ${describeId(id)}: namespace field specs must target scalar nodes (${key})`,
        );
      set(parent, key);
    });
  }
  m.invalidate();
  const seen = new Set<string>();
  for (const r of m.list) {
    const id = curId(r);
    const key = `${id.group}|${id.version}|${id.kind}|${id.namespace || 'default'}|${id.name}`;
    if (seen.has(key))
      throw renderError(
        RenderErrorCode.DuplicateId,
        `${where}: namespace transformation produces ID conflict: ${describeId(id)}`,
      );
    seen.add(key);
  }
}

interface ValueAddTarget {
  selector?: Selector;
  fieldPath: string;
  filePathPosition: number;
}

function valueAddTargets(f: ConfigFields, list: JsonValue[] | undefined, field: string): ValueAddTarget[] {
  return (list ?? []).map((t, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(t)) f.fail(`${at} must be a mapping`);
    const fieldPath = f.str(t.fieldPath, `${at}.fieldPath`) ?? '';
    if (fieldPath === '') f.fail(`${at}: fieldPath cannot be empty`);
    const pos = f.int(t.filePathPosition, `${at}.filePathPosition`) ?? 0;
    if (pos < 0) f.fail(`${at}: value of FilePathPosition (${pos}) cannot be negative`);
    const out: ValueAddTarget = { fieldPath, filePathPosition: pos };
    const sel = f.selector(t.selector, `${at}.selector`);
    if (sel) out.selector = sel;
    return out;
  });
}

/**
 * Kustomize's filesys.InsertPathPart: `part` becomes element `pos` of `path` (clamped); an
 * absolute path stays absolute (`/pie` at 0 is `/PEACH/pie`).
 */
export function insertPathPart(path: string, pos: number, part: string): string {
  if (part === '') return path;
  const absolute = path.startsWith('/');
  const parts = path.split('/').filter((p) => p !== '');
  parts.splice(Math.min(Math.max(pos, 0), parts.length), 0, part);
  return (absolute ? '/' : '') + parts.join('/');
}

function setValue(obj: JsonObject, path: string, t: ValueAddTarget, value: string, where: string): void {
  const segs = splitPath(path);
  let cur: JsonObject = obj;
  for (const [i, s] of segs.entries()) {
    if (i === segs.length - 1) {
      const old = cur[s];
      if (old !== undefined && old !== null && typeof old === 'object')
        throw renderError(RenderErrorCode.InvalidKustomization, `${where}: ${path} is not a scalar field`);
      cur[s] =
        t.filePathPosition > 0
          ? insertPathPart(
              old === undefined || old === null ? '' : String(old),
              t.filePathPosition - 1,
              value,
            )
          : value;
      return;
    }
    const next = cur[s];
    if (next === undefined || next === null) cur[s] = {};
    else if (!isObject(next))
      throw renderError(RenderErrorCode.InvalidKustomization, `${where}: ${path}: ${s} is not a mapping`);
    cur = cur[s] as JsonObject;
  }
}

/** ValueAddTransformer: adds `value` (default: the kustomization directory's name) at each target. */
export async function applyValueAdd(
  f: ConfigFields,
  m: ResMap,
  dir: string,
  readTargetFile: (rel: string) => Promise<JsonValue>,
): Promise<void> {
  let value = (f.str(f.obj.value, 'value') ?? '').trim();
  if (value === '') {
    if (dir === '')
      f.fail(
        'value is empty and the kustomization is at the root of the tree, whose directory name is not known here; give value',
      );
    value = basename(dir);
  }
  const targets = valueAddTargets(f, f.list(f.obj.targets, 'targets'), 'targets');
  const file = f.str(f.obj.targetFilePath, 'targetFilePath');
  if (file) {
    const doc = await readTargetFile(file);
    const list = isObject(doc) ? doc.targets : undefined;
    targets.push(...valueAddTargets(f, f.list(list, `${file}: targets`), `${file}: targets`));
  }
  if (targets.length === 0) f.fail('must specify at least one target');
  for (const t of targets) {
    const rs = t.selector
      ? m.list.filter((r) => selects(t.selector!, r, f.where, isClusterScoped))
      : [...m.list];
    if (t.fieldPath === 'metadata/namespace') {
      const args: NamespaceArgs = { namespace: value, specs: [], unsetOnly: false, subjects: 'defaultOnly' };
      applyNamespaceArgs(m, args, f.where, rs);
      continue;
    }
    for (const r of rs) setValue(r.obj as unknown as JsonObject, t.fieldPath, t, value, f.where);
  }
  m.invalidate();
}
