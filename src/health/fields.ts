/** Small typed readers over plain JSON objects, for the health checks. */
import type { JsonObject, JsonValue, KubeObject } from '../api/object.js';

export function obj(v: JsonValue | undefined): JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
}

export function num(v: JsonValue | undefined, fallback = 0): number {
  return typeof v === 'number' ? v : fallback;
}

export function str(v: JsonValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

export function arr(v: JsonValue | undefined): JsonValue[] {
  return Array.isArray(v) ? v : [];
}

export const spec = (o: KubeObject): JsonObject => obj(o.spec as JsonValue | undefined);
export const status = (o: KubeObject): JsonObject => obj(o.status as JsonValue | undefined);

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export function conditions(o: KubeObject): Condition[] {
  return arr(status(o).conditions).map((c) => {
    const x = obj(c);
    return { type: str(x.type), status: str(x.status), reason: str(x.reason), message: str(x.message) };
  });
}

export function condition(o: KubeObject, type: string): Condition | undefined {
  return conditions(o).find((c) => c.type === type);
}

/** The generation the controller has not yet observed, or undefined when it is up to date. */
export function unobservedGeneration(o: KubeObject): boolean {
  const st = status(o);
  if (st.observedGeneration === undefined) return false;
  const generation = num(o.metadata.generation as JsonValue | undefined, 0);
  return num(st.observedGeneration) < generation;
}

export function describe(c: Condition): string {
  return [c.reason, c.message].filter(Boolean).join(': ');
}
