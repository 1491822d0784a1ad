/** Health of one object or of an app: a status and a message saying why. */
import { HealthStatusCode } from '../api/status-common.js';

/** The health codes of the Application's status (one list: what we assess is what we report). */
export const HealthStatus = HealthStatusCode;
export type HealthStatus = HealthStatusCode;

export interface Health {
  status: HealthStatus;
  message: string;
}

/** From best to worst: an app's health is its worst resource's. */
export const HEALTH_ORDER: readonly HealthStatus[] = [
  HealthStatus.Healthy,
  HealthStatus.Suspended,
  HealthStatus.Progressing,
  HealthStatus.Missing,
  HealthStatus.Degraded,
  HealthStatus.Unknown,
];

export function isWorse(a: HealthStatus, b: HealthStatus): boolean {
  return HEALTH_ORDER.indexOf(a) > HEALTH_ORDER.indexOf(b);
}

export const healthy = (message = ''): Health => ({ status: HealthStatus.Healthy, message });
export const progressing = (message: string): Health => ({ status: HealthStatus.Progressing, message });
export const degraded = (message: string): Health => ({ status: HealthStatus.Degraded, message });
export const suspended = (message: string): Health => ({ status: HealthStatus.Suspended, message });
