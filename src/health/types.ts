/** Health of one object or of an app: a status and a message saying why. */
export const HealthStatus = {
  Healthy: 'Healthy',
  Progressing: 'Progressing',
  Degraded: 'Degraded',
  Suspended: 'Suspended',
  Missing: 'Missing',
  Unknown: 'Unknown',
} as const;
export type HealthStatus = (typeof HealthStatus)[keyof typeof HealthStatus];

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
