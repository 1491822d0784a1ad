/**
 * Status and events of the image objects: a status patch only when something changed, the
 * conditions of an outcome (conditions.ts), a Warning event when an object starts failing for a
 * new reason (not on every retry), Normal events as the controller asks.
 */
import { APP_API_VERSION } from '../api/application.js';
import type { JsonObject, KubeObject } from '../api/object.js';
import type { Condition } from '../api/status-common.js';
import type { ClusterClient } from '../kube/index.js';
import { imageConditions, type Outcome, REASON_PROGRESSING } from './conditions.js';
import { ImageErrorCode } from './errors.js';
import { generationOf, key } from './informers.js';

const FIELD_MANAGER = 'trueup-image-controller';
const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export type EventType = 'Normal' | 'Warning';

export interface ImageStatusOptions {
  client: ClusterClient;
  log: { warn(obj: object, msg: string): void };
  now: () => number;
  event?: ((obj: KubeObject, type: EventType, reason: string, message: string) => Promise<void>) | undefined;
}

export const readyOf = (obj: KubeObject) =>
  ((obj.status ?? {}) as { conditions?: Condition[] }).conditions?.find((c) => c.type === 'Ready');

export class ImageStatus {
  constructor(private readonly o: ImageStatusOptions) {}

  /** Patches the status when it changes; the object as written (or as it was). */
  async write(obj: KubeObject, status: JsonObject): Promise<KubeObject> {
    const before = JSON.stringify(obj.status ?? {});
    const after = JSON.stringify({ ...(obj.status as object | undefined), ...status });
    if (before === after) return obj;
    return this.o.client
      .patchStatus(
        {
          apiVersion: APP_API_VERSION,
          kind: obj.kind,
          namespace: obj.metadata.namespace ?? '',
          name: obj.metadata.name ?? '',
        },
        status,
        { fieldManager: FIELD_MANAGER },
      )
      .catch((err) => {
        this.o.log.warn({ object: `${obj.kind} ${key(obj)}`, err: errText(err) }, 'status write failed');
        return obj;
      });
  }

  /** observedGeneration and the conditions for `outcome`. */
  conditions(obj: KubeObject, outcome: Outcome): JsonObject {
    const status = (obj.status ?? {}) as { conditions?: Condition[] };
    const now = new Date(this.o.now()).toISOString();
    return {
      observedGeneration: generationOf(obj) ?? 0,
      conditions: imageConditions(status.conditions, outcome, generationOf(obj), now),
    } as unknown as JsonObject;
  }

  async emit(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    await this.o
      .event?.(obj, type, reason, message)
      .catch((err) =>
        this.o.log.warn({ object: `${obj.kind} ${key(obj)}`, err: errText(err) }, 'event write failed'),
      );
  }

  /** Writes a failure; a Warning event when the object was not already failing for this reason. */
  async fail(obj: KubeObject, outcome: Outcome): Promise<void> {
    const before = readyOf(obj);
    if (before?.status !== 'False' || before.reason !== outcome.reason)
      await this.emit(obj, 'Warning', outcome.reason, outcome.message);
    await this.write(obj, this.conditions(obj, outcome));
  }

  /** A reconcile of a new generation begins (Ready=Unknown, Reconciling=True); the object as written. */
  progressing(obj: KubeObject, message: string): Promise<KubeObject> {
    return this.write(
      obj,
      this.conditions(obj, { ready: false, progressing: true, reason: REASON_PROGRESSING, message }),
    );
  }

  /** A spec that does not parse: Stalled until the object changes. */
  invalid(obj: KubeObject, issues: { path: PropertyKey[]; message: string }[]): Promise<void> {
    const fields = issues.map((i) => `spec.${i.path.join('.')}: ${i.message}`).join('; ');
    const message = `${obj.kind} ${key(obj)}: ${fields}`;
    return this.fail(obj, { ready: false, reason: ImageErrorCode.InvalidSpec, message, terminal: true });
  }
}
