/**
 * The ownership annotation `trueup.dev/tracking-id`:
 * `<app-namespace>/<app-name>:<group>/<Kind>:<namespace>/<name>` (group and namespace empty
 * for core and cluster-scoped objects).
 */
import type { ObjectRef } from './object.js';

export interface TrackingId {
  appNamespace: string;
  appName: string;
  ref: ObjectRef;
}

export function formatTrackingId(appNamespace: string, appName: string, ref: ObjectRef): string {
  return `${appNamespace}/${appName}:${ref.group}/${ref.kind}:${ref.namespace}/${ref.name}`;
}

const PATTERN = /^([^/:]+)\/([^/:]+):([^/:]*)\/([^/:]+):([^/:]*)\/([^/:]+)$/;

/** Parses a tracking id; undefined when it is not one. */
export function parseTrackingId(text: string | undefined): TrackingId | undefined {
  if (!text) return undefined;
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  return {
    appNamespace: m[1] as string,
    appName: m[2] as string,
    ref: { group: m[3] as string, kind: m[4] as string, namespace: m[5] as string, name: m[6] as string },
  };
}

/** The `namespace/name` work-queue key of the owning Application. */
export function appKeyOfTrackingId(text: string | undefined): string | undefined {
  const t = parseTrackingId(text);
  return t ? `${t.appNamespace}/${t.appName}` : undefined;
}
