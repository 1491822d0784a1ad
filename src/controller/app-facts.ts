/** Pure facts about an Application the reconciler reads: its valid spec, inventory, last synced revision, images. */
import {
  Annotation,
  type Application,
  type ApplicationSpec,
  ApplicationSpecSchema,
  type ApplicationStatus,
} from '../api/application.js';
import type { KubeObject } from '../api/object.js';
import { refKey } from '../api/object.js';
import { sourcesOf } from '../api/sources.js';
import { apiVersionOf, type ObjectId } from '../sync/identity.js';
import type { ChartRef } from './ports.js';

export type SpecCheck = { ok: true; spec: ApplicationSpec } | { ok: false; message: string };

/** The spec, checked by the schema and by the rules the schema cannot express. */
export function validateSpec(app: Application): SpecCheck {
  const where = `Application ${app.metadata.namespace}/${app.metadata.name}`;
  const parsed = ApplicationSpecSchema.safeParse(app.spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `${where}: spec.${issue?.path.join('.')}: ${issue?.message}` };
  }
  const spec = parsed.data as ApplicationSpec;
  // spec.destination's cluster is chosen (or refused) by the controller before the pass (src/cluster/select.ts).
  for (const s of sourcesOf(spec)) {
    // A chart's repoURL (Helm repository, OCI registry) is checked by the chart source, naming it.
    if (s.chart === undefined && !/^https?:\/\//.test(s.repoURL))
      return {
        ok: false,
        message: `${where}: ${s.field}.repoURL ${s.repoURL}: only http(s) Git URLs are supported (no SSH)`,
      };
    if (s.path?.split('/').includes('..'))
      return {
        ok: false,
        message: `${where}: ${s.field}.path ${s.path}: must stay inside the repository`,
      };
  }
  const deny = app.metadata.annotations?.[Annotation.DenyPlainSecrets];
  if (deny !== undefined && deny !== 'true' && deny !== 'false')
    return {
      ok: false,
      message: `${where}: annotation ${Annotation.DenyPlainSecrets}: "${deny}" is neither "true" nor "false"`,
    };
  return { ok: true, spec };
}

/** A source's chart (spec.source or an entry of spec.sources) as the source port takes it (undefined for Git). */
export function chartRefOf(
  source:
    | { chart?: string | undefined; helm?: { passCredentials?: boolean | undefined } | undefined }
    | undefined,
): ChartRef | undefined {
  const name = source?.chart;
  if (name === undefined) return undefined;
  const pass = source?.helm?.passCredentials;
  return { name, ...(pass === undefined ? {} : { passCredentials: pass }) };
}

/**
 * The inventory: status.resources (what the last pass listed, including objects kept that
 * require pruning) plus the live objects whose tracking id names the app (applied by a sync
 * that was interrupted before its status was written). Hooks are in neither.
 */
export function inventoryOf(
  app: Application,
  tracked: ((namespace: string, name: string) => ObjectId[]) | undefined,
): ObjectId[] {
  const inventory = new Map<string, ObjectId>();
  for (const r of app.status?.resources ?? []) {
    const id: ObjectId = {
      group: r.group ?? '',
      version: r.version ?? 'v1',
      kind: r.kind,
      namespace: r.namespace ?? '',
      name: r.name,
    };
    inventory.set(refKey(id), id);
  }
  for (const id of tracked?.(app.metadata.namespace, app.metadata.name) ?? []) inventory.set(refKey(id), id);
  return [...inventory.values()];
}

export function lastSyncedRevision(status: ApplicationStatus): string | undefined {
  if (status.sync?.syncedRevision) return status.sync.syncedRevision;
  const op = status.operationState;
  if (op?.phase === 'Succeeded' && op.syncResult?.revision && !op.operation?.sync?.dryRun)
    return op.syncResult.revision;
  return status.history?.at(-1)?.revision;
}

export function uniqueKinds(
  objects: readonly KubeObject[],
  inventory: readonly ObjectId[] = [],
): { apiVersion: string; kind: string }[] {
  const seen = new Map<string, { apiVersion: string; kind: string }>();
  const all = [...objects, ...inventory.map((i) => ({ apiVersion: apiVersionOf(i), kind: i.kind }))];
  for (const o of all) seen.set(`${o.apiVersion}/${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
  return [...seen.values()];
}

export function collectImages(objects: readonly KubeObject[]): string[] {
  const images = new Set<string>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 12 || typeof v !== 'object' || v === null) return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      if ((k === 'containers' || k === 'initContainers') && Array.isArray(x)) {
        for (const c of x) {
          const img = (c as { image?: unknown })?.image;
          if (typeof img === 'string') images.add(img);
        }
      } else walk(x, depth + 1);
    }
  };
  for (const o of objects) walk(o, 0);
  return [...images].sort();
}
