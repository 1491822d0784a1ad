/**
 * AppWriter over a ClusterClient: status as a JSON merge patch of what changed (removed fields
 * sent as null), app metadata changes as read-modify-replace with conflict retries (the client
 * has no plain PATCH), events as core/v1 Events.
 */
import { hostname } from 'node:os';
import {
  Annotation,
  APP_API_VERSION,
  APP_KIND,
  type Application,
  type ApplicationStatus,
  ARGO_DELETION_APPROVED,
  ARGO_RESOURCES_FINALIZER,
  RESOURCES_FINALIZER,
} from '../../api/application.js';
import type { JsonObject, JsonValue, KubeObject } from '../../api/object.js';
import { isKubeApiError, KubeErrorCode } from '../../kube/errors.js';
import type { ClusterClient } from '../../kube/types.js';
import type { AppChange, AppWriter, EventType } from '../ports.js';

const RESOURCE_FINALIZERS: readonly string[] = [RESOURCES_FINALIZER, ARGO_RESOURCES_FINALIZER];

export const CONTROLLER_FIELD_MANAGER = 'trueup-controller';

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386 merge patch turning `from` into `to` (arrays replaced whole). */
export function mergePatch(from: unknown, to: unknown): JsonValue | undefined {
  if (!isObj(from) || !isObj(to))
    return JSON.stringify(from) === JSON.stringify(to) ? undefined : (to as JsonValue);
  const out: JsonObject = {};
  for (const k of Object.keys(from)) if (from[k] !== undefined && to[k] === undefined) out[k] = null;
  for (const [k, v] of Object.entries(to)) {
    if (v === undefined) continue;
    const p = mergePatch(from[k], v);
    if (p !== undefined) out[k] = p;
  }
  return Object.keys(out).length ? out : undefined;
}

export class KubeAppWriter implements AppWriter {
  private seq = 0;
  constructor(
    private readonly client: ClusterClient,
    private readonly instance = hostname(),
  ) {}

  async patchStatus(app: Application, status: ApplicationStatus): Promise<string | undefined> {
    const patch = mergePatch(app.status ?? {}, status);
    if (patch === undefined) return undefined;
    const written = await this.client.patchStatus(
      {
        apiVersion: APP_API_VERSION,
        kind: APP_KIND,
        namespace: app.metadata.namespace,
        name: app.metadata.name,
      },
      patch as JsonObject,
      { fieldManager: CONTROLLER_FIELD_MANAGER },
    );
    const rv = written.metadata.resourceVersion;
    return typeof rv === 'string' ? rv : undefined;
  }

  async patchApp(namespace: string, name: string, change: AppChange): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const live = await this.client.get({ apiVersion: APP_API_VERSION, kind: APP_KIND, namespace, name });
      if (!live) return;
      const next = structuredClone(live) as KubeObject & { operation?: unknown };
      let changed = false;
      if (change.removeFinalizer) {
        const list = (next.metadata.finalizers as string[] | undefined) ?? [];
        if (list.some((f) => RESOURCE_FINALIZERS.includes(f))) {
          next.metadata.finalizers = list.filter((f) => !RESOURCE_FINALIZERS.includes(f));
          changed = true;
        }
      }
      if (change.clearOperation && next.operation !== undefined) {
        delete next.operation;
        changed = true;
      }
      if (change.removeRefresh && next.metadata.annotations?.[Annotation.Refresh] !== undefined) {
        delete next.metadata.annotations[Annotation.Refresh];
        changed = true;
      }
      if (change.removeDeletionApproval) {
        for (const key of [Annotation.DeletionApproved, ARGO_DELETION_APPROVED]) {
          if (next.metadata.annotations?.[key] === undefined) continue;
          delete next.metadata.annotations[key];
          changed = true;
        }
      }
      if (!changed) return;
      try {
        await this.client.replace(next, { fieldManager: CONTROLLER_FIELD_MANAGER });
        return;
      } catch (err) {
        if (
          attempt < 4 &&
          (isKubeApiError(err, KubeErrorCode.Conflict) || isKubeApiError(err, KubeErrorCode.Invalid))
        )
          continue;
        if (isKubeApiError(err, KubeErrorCode.NotFound)) return;
        throw err;
      }
    }
  }

  async event(app: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const now = new Date().toISOString();
    const ns = app.metadata.namespace ?? 'default';
    const ev: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${app.metadata.name}.${Date.now().toString(16)}${(this.seq++).toString(16)}`,
        namespace: ns,
      },
      // The object's own kind (image automation records events on its objects too).
      involvedObject: {
        apiVersion: app.apiVersion || APP_API_VERSION,
        kind: app.kind || APP_KIND,
        namespace: ns,
        name: app.metadata.name ?? '',
        ...(typeof app.metadata.uid === 'string' ? { uid: app.metadata.uid } : {}),
      },
      type,
      reason,
      message: message.slice(0, 1024),
      source: { component: 'trueup-controller' },
      reportingComponent: 'trueup.dev/controller',
      reportingInstance: this.instance,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    await this.client.create(ev, { fieldManager: CONTROLLER_FIELD_MANAGER });
  }
}
