/**
 * What /readyz answers, as a pure function of the controller's state.
 *
 * A replica is ready when its caches are synced and, under leader election, either it leads
 * or it is a healthy standby (its elector runs and sees a live leader). A standby is reported
 * ready on purpose: were it not, a rolling update of a 2-replica Deployment would wait forever
 * for a new pod that cannot lead while the old leader runs. The body says which one it is,
 * and `trueup_controller_leader` tells Prometheus.
 */
export interface ReadinessState {
  /** Informer caches have listed everything once. */
  cachesSynced: boolean;
  /** Absent when leader election is off (a single replica reconciles on its own). */
  leaderElection?: {
    /** This replica holds the Lease. */
    leader: boolean;
    /** The elector loop runs (a standby with a stopped elector can never take over). */
    running: boolean;
  };
}

export type Role = 'leader' | 'standby' | 'single';

export interface Readiness {
  ready: boolean;
  role: Role;
  reasons: string[];
}

export function readiness(state: ReadinessState): Readiness {
  const le = state.leaderElection;
  const role: Role = le === undefined ? 'single' : le.leader ? 'leader' : 'standby';
  const reasons: string[] = [];
  if (le !== undefined && !le.running) reasons.push('leader election is not running');
  if (role !== 'standby' && !state.cachesSynced) reasons.push('caches not synced');
  return { ready: reasons.length === 0, role, reasons };
}
