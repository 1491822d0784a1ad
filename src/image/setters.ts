/**
 * Setter edits: the scalars marked with Flux's image policy comments are rewritten to the
 * policies' latest refs, and nothing else of the file changes, byte for byte (comments, quoting,
 * key order, blank lines, other documents). The `yaml` package's CST gives each marked scalar's
 * exact source range; the new value is spliced into the original text in the scalar's own
 * quoting style. Pure.
 *
 *   image: ghcr.io/org/api:v1.2.3 # {"$imagepolicy": "apps:api"}          → name:tag[@digest]
 *   newTag: v1.2.3                # {"$imagepolicy": "apps:api:tag"}      → tag
 *   newName: ghcr.io/org/api      # {"$imagepolicy": "apps:api:name"}     → name
 *   digest: sha256:…              # {"$imagepolicy": "apps:api:digest"}   → digest
 */
import { CST, Parser, parseAllDocuments, parse as parseYaml } from 'yaml';
import type { ImageRef } from '../api/image-policy.js';
import { ImageErrorCode, imageError } from './errors.js';

export const MARKER_KEY = '$imagepolicy';

/** Which part of the ref a marker asks for. */
export type SetterField = 'image' | 'tag' | 'name' | 'digest';

export interface Marker {
  /** `namespace:name` of the ImagePolicy. */
  policy: string;
  field: SetterField;
  /** The marker's text as written (`apps:api:tag`), Flux's `Setter`. */
  setter: string;
}

/** The object a change was made in (empty strings when the document is not a Kubernetes object). */
export interface ObjectId {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface SetterChange {
  file: string;
  /** 1-based line of the scalar. */
  line: number;
  setter: string;
  oldValue: string;
  newValue: string;
  object: ObjectId;
}

/** Reads a comment (`# {"$imagepolicy": "ns:name:tag"}`); undefined when it is no marker. */
export function parseMarker(comment: string): Marker | undefined {
  const body = comment.replace(/^#/, '').trim();
  if (!body.startsWith('{') || !body.includes(MARKER_KEY)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const setter = (json as Record<string, unknown> | null)?.[MARKER_KEY];
  if (typeof setter !== 'string') return undefined;
  const parts = setter.split(':');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) return undefined;
  const field = (parts[2] ?? 'image') as SetterField;
  if (!['image', 'tag', 'name', 'digest'].includes(field)) return undefined;
  return { policy: `${parts[0]}:${parts[1]}`, field, setter };
}

/** The value a marker asks for; undefined when the ref lacks it (`:digest` without a digest). */
export function setterValue(ref: ImageRef, field: SetterField): string | undefined {
  switch (field) {
    case 'tag':
      return ref.tag;
    case 'name':
      return ref.name;
    case 'digest':
      return ref.digest;
    case 'image':
      return `${ref.name}:${ref.tag}${ref.digest ? `@${ref.digest}` : ''}`;
  }
}

type ScalarToken = CST.FlowScalar;

function scalarValue(token: ScalarToken): string {
  const src = token.source;
  if (token.type === 'single-quoted-scalar') return src.slice(1, -1).replace(/''/g, "'");
  if (token.type === 'double-quoted-scalar') return String(parseYaml(src));
  return src;
}

const PLAIN_SAFE = /^[A-Za-z0-9_./@+-][A-Za-z0-9_./@:+=-]*$/;

/** `value` in the style of `token`; plain only while it still reads back as the same string. */
export function renderScalar(token: ScalarToken, value: string): string {
  if (token.type === 'single-quoted-scalar') return `'${value.replace(/'/g, "''")}'`;
  if (token.type === 'double-quoted-scalar') return JSON.stringify(value);
  const before = parseYaml(token.source) as unknown;
  if (PLAIN_SAFE.test(value)) {
    const after = parseYaml(value) as unknown;
    // A string stays a string (`v1.10` is fine, `10` would turn into a number); a number in a
    // Helm values file (`tag: 1.9`) stays plain only while it reads back as written (`1.10`
    // would read as 1.1, so it is quoted).
    if (typeof after === 'string') return value;
    if (typeof before !== 'string' && String(after) === value) return value;
  }
  return JSON.stringify(value);
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

interface Edit {
  offset: number;
  length: number;
  replacement: string;
  change: Omit<SetterChange, 'object'>;
}

/** The marked scalars of one file and their new text; `refs` maps `ns:name` to a latest ref. */
export function planSetterEdits(text: string, file: string, refs: ReadonlyMap<string, ImageRef>): Edit[] {
  const edits: Edit[] = [];
  const visit = (token: ScalarToken | undefined): void => {
    if (!token || !CST.isScalar(token) || token.type === 'alias') return;
    const comment = token.end?.find((t) => t.type === 'comment');
    if (!comment) return;
    const marker = parseMarker(comment.source);
    if (!marker) return;
    const ref = refs.get(marker.policy);
    if (!ref) return; // another automation's policy, or one not selected: left as it is
    const wanted = setterValue(ref, marker.field);
    if (wanted === undefined) return;
    const oldValue = scalarValue(token);
    if (oldValue === wanted) return;
    edits.push({
      offset: token.offset,
      length: token.source.length,
      replacement: renderScalar(token, wanted),
      change: { file, line: lineOf(text, token.offset), setter: marker.setter, oldValue, newValue: wanted },
    });
  };
  const problems = parseAllDocuments(text).flatMap((d) => d.errors);
  if (problems.length > 0) {
    throw imageError(ImageErrorCode.InvalidYaml, `${file}: not YAML: ${problems[0]?.message ?? ''}`);
  }
  for (const doc of new Parser().parse(text)) {
    if (doc.type !== 'document') continue;
    CST.visit(doc, (item) => {
      visit(item.value as ScalarToken | undefined);
    });
    visit(doc.value as ScalarToken | undefined);
  }
  return edits;
}

/** The object each offset falls in (`kind`, `metadata.name`, …), for the commit template. */
function objectsAt(text: string, offsets: readonly number[]): ObjectId[] {
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  return offsets.map((offset) => {
    const doc = list.find((d) => d.range[0] <= offset && offset <= d.range[2]);
    const js = (doc?.toJS() ?? {}) as Record<string, unknown>;
    const meta = (js.metadata ?? {}) as Record<string, unknown>;
    const s = (v: unknown) => (typeof v === 'string' ? v : '');
    return {
      apiVersion: s(js.apiVersion),
      kind: s(js.kind),
      namespace: s(meta.namespace),
      name: s(meta.name),
    };
  });
}

/** Applies the setters to one file: the new text (identical when nothing changed) and the changes. */
export function applySetters(
  text: string,
  file: string,
  refs: ReadonlyMap<string, ImageRef>,
): { text: string; changes: SetterChange[] } {
  if (!text.includes(MARKER_KEY)) return { text, changes: [] };
  const edits = planSetterEdits(text, file, refs);
  if (edits.length === 0) return { text, changes: [] };
  let out = '';
  let at = 0;
  for (const e of [...edits].sort((a, b) => a.offset - b.offset)) {
    out += text.slice(at, e.offset) + e.replacement;
    at = e.offset + e.length;
  }
  out += text.slice(at);
  const objects = objectsAt(
    text,
    edits.map((e) => e.offset),
  );
  return { text: out, changes: edits.map((e, i) => ({ ...e.change, object: objects[i] as ObjectId })) };
}
