/**
 * The one reader of per-object annotations. trueup's own (`trueup.dev/<name>`) win; Argo CD's
 * (`argocd.argoproj.io/<name>`) are read when ours is absent, so charts and manifests written
 * for Argo CD sync the same way: sync-wave, hook, hook-delete-policy, sync-options,
 * compare-options.
 */
import { Annotation } from '../api/application.js';
import type { KubeObject } from '../api/object.js';

export const ObjectAnnotation = {
  SyncWave: Annotation.SyncWave,
  Hook: Annotation.Hook,
  HookDeletePolicy: Annotation.HookDeletePolicy,
  SyncOptions: Annotation.SyncOptions,
  CompareOptions: Annotation.CompareOptions,
} as const;
export type ObjectAnnotation = (typeof ObjectAnnotation)[keyof typeof ObjectAnnotation];

const OURS = 'trueup.dev/';
export const ARGO_PREFIX = 'argocd.argoproj.io/';

/** The Argo CD alias of one of our annotations. */
export function argoAlias(name: ObjectAnnotation): string {
  return `${ARGO_PREFIX}${name.slice(OURS.length)}`;
}

/** The annotation's value and the key it was found under (for messages), or undefined. */
export function readAnnotation(
  obj: Pick<KubeObject, 'metadata'>,
  name: ObjectAnnotation,
): { key: string; value: string } | undefined {
  const annotations = obj.metadata.annotations;
  if (!annotations) return undefined;
  const ours = annotations[name];
  if (ours !== undefined) return { key: name, value: ours };
  const alias = argoAlias(name);
  const theirs = annotations[alias];
  return theirs === undefined ? undefined : { key: alias, value: theirs };
}

/** Whether the object is a hook (by ours, Argo CD's or Helm's annotation; Helm's crd-install is not). */
export function isHookObject(obj: Pick<KubeObject, 'metadata'>): boolean {
  if (readAnnotation(obj, ObjectAnnotation.Hook) !== undefined) return true;
  const helm = obj.metadata.annotations?.['helm.sh/hook'];
  return helm?.split(',').some((e) => e.trim() !== '' && e.trim() !== 'crd-install') ?? false;
}

/** The comma-separated entries of `compare-options` (e.g. `IgnoreExtraneous`). */
export function compareOptions(obj: Pick<KubeObject, 'metadata'>): string[] {
  const a = readAnnotation(obj, ObjectAnnotation.CompareOptions);
  return a
    ? a.value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}
