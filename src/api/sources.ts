/**
 * `spec.sources` (Argo CD's multi-source Applications): a list of sources, each a
 * `spec.source` with an optional `path` (a Git source without one renders nothing; a `chart`
 * from a Helm repository or OCI registry renders without one), a `ref` that
 * names the source so a Helm source's `valueFiles: [$values/envs/prod/values.yaml]` reads from
 * its repository, and a `name`. The entry schema is built from `spec.source`'s schema (passed
 * in, so this file does not import application.ts): every field and rule of a single source
 * holds for each entry too.
 */
import { z } from 'zod';
import type { SourceSchema } from './application-source.js';
// Type only (no import at run time, so no cycle): application.ts passes the schema in.

export const SOURCE_OR_SOURCES_MESSAGE =
  'set exactly one of spec.source (one source) and spec.sources (several sources)';
export const REF_NAME_PATTERN = '^[A-Za-z0-9_-]+$';
export const REF_NAME_MESSAGE = 'a ref is a name of letters, digits, - and _ (used as $NAME in valueFiles)';
export const PATH_OR_REF_MESSAGE =
  'a source of spec.sources needs a path or a chart (rendered) or a ref (read by valueFiles as $REF/...)';
export const UNIQUE_REFS_MESSAGE = 'each ref of spec.sources names one source (refs must be unique)';
export const SOURCES_MAX_ITEMS = 20;
const URL_MAX_LENGTH = 2048;
const PATH_MAX_LENGTH = 1024;

type Rule = { rule: string; message: string };

/** The zod schema of one spec.sources entry, from the schema of spec.source. */
export function sourcesEntrySchema(single: typeof SourceSchema) {
  const rules = ((single.meta()?.['x-kubernetes-validations'] as Rule[] | undefined) ?? []).slice();
  return z
    .object({
      ...single.shape,
      // Bounded so the CEL rules of up to SOURCES_MAX_ITEMS entries stay within the API server's cost budget.
      repoURL: single.shape.repoURL.max(URL_MAX_LENGTH),
      path: single.shape.path
        .unwrap()
        .max(PATH_MAX_LENGTH)
        .optional()
        .describe(
          'Directory inside the repository to render; without it (and without chart) the source is only a ref.',
        ),
      ref: z
        .string()
        .max(63)
        .regex(new RegExp(REF_NAME_PATTERN), REF_NAME_MESSAGE)
        .optional()
        .describe('Names this source so Helm valueFiles of the other sources read it as `$REF/path`.'),
      name: z.string().min(1).optional().describe('A name for the source (shown in messages).'),
    })
    .meta({
      'x-kubernetes-validations': [
        ...rules,
        { rule: 'has(self.path) || has(self.chart) || has(self.ref)', message: PATH_OR_REF_MESSAGE },
      ],
    })
    .superRefine((entry, ctx) => {
      if (entry.path === undefined && entry.chart === undefined && entry.ref === undefined)
        ctx.addIssue({ code: 'custom', message: PATH_OR_REF_MESSAGE });
      // Every rule of a single source, with its messages (path given a value to check the rest).
      const { ref: _ref, name: _name, ...asSingle } = entry as Record<string, unknown>;
      const checked = single.safeParse({ ...asSingle, path: entry.path ?? '.' });
      if (!checked.success)
        for (const issue of checked.error.issues)
          ctx.addIssue({ code: 'custom', path: issue.path as PropertyKey[], message: issue.message });
    });
}

/** The spec.sources list (at least one entry, refs unique), from the schema of spec.source. */
export function sourcesSchema(single: typeof SourceSchema) {
  return z
    .array(sourcesEntrySchema(single))
    .min(1)
    .max(SOURCES_MAX_ITEMS)
    .meta({
      'x-kubernetes-validations': [
        {
          rule: 'self.all(a, !has(a.ref) || self.filter(b, has(b.ref) && b.ref == a.ref).size() == 1)',
          message: UNIQUE_REFS_MESSAGE,
        },
      ],
    })
    .superRefine((list, ctx) => {
      const refs = list.flatMap((s) => (s.ref === undefined ? [] : [s.ref]));
      if (new Set(refs).size !== refs.length) ctx.addIssue({ code: 'custom', message: UNIQUE_REFS_MESSAGE });
    })
    .describe(
      "Several sources (Argo CD's multi-source Application): every source with a path or a chart renders and the objects are combined; a source's ref lets Helm valueFiles read its repository as `$REF/...`. Exclusive with spec.source.",
    );
}

/** One source of an Application as the controller uses it (spec.source, or an entry of spec.sources). */
export interface AppSourceView {
  repoURL: string;
  targetRevision: string;
  /** Absent: a ref-only entry of spec.sources (renders nothing), or a chart. */
  path?: string | undefined;
  ref?: string | undefined;
  /** The field it came from, for messages: `spec.source` or `spec.sources[1]`. */
  field: string;
}

/**
 * The sources of a spec, in order: spec.sources when set, else spec.source. Works on a spec that
 * has not been validated (the informer's copy): entries without a repoURL are left out.
 */
export function sourcesOf<
  A extends { repoURL?: unknown; targetRevision?: unknown },
  B extends { repoURL?: unknown; targetRevision?: unknown } = A,
>(spec: { source?: A | undefined; sources?: readonly B[] | undefined }): ((A | B) & { field: string })[] {
  if (Array.isArray(spec.sources))
    return spec.sources
      .map((s, i) => ({ ...s, field: `spec.sources[${i}]` }))
      .filter((s) => typeof s.repoURL === 'string');
  if (spec.source && typeof spec.source.repoURL === 'string')
    return [{ ...spec.source, field: 'spec.source' }];
  return [];
}
