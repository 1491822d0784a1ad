/**
 * One replica of the controller process: it works only while it leads (under leader election),
 * and its /readyz and /healthz answers come from the elector's and the controller's state.
 */
import type { Heartbeat } from '../runtime/informer.js';
import { type ElectionState, leaderGate } from '../runtime/leader-election.js';
import { type Liveness, liveness } from '../server/liveness.js';
import { type Readiness, readiness } from '../server/readiness.js';

/** What the process needs of its leader elector (`LeaderElector`; fakes in tests). */
export interface Campaign {
  start(): void;
  /** Stops campaigning; a leader releases its Lease. */
  stop(): Promise<void>;
  readonly running: boolean;
  readonly isLeader: boolean;
  /** The campaign loop's heartbeat (see LeaderElector.heartbeat). */
  readonly heartbeat?: Heartbeat | undefined;
}

/**
 * Runs `work` only while the elector leads: `work` starts the controller and returns the
 * function that stops it. `stop()` stops reconciling first and only then stops the elector
 * (which releases the Lease), so no standby can take over while this replica still reconciles;
 * leadership won while stopping is ignored.
 */
export function whileLeading(
  newElector: (onChange: (state: ElectionState) => void) => Campaign,
  work: () => Promise<() => Promise<void>>,
): { elector: Campaign; stop(): Promise<void> } {
  const gate = leaderGate(work);
  let stopping = false;
  const elector = newElector((state) => {
    if (stopping && state.leader) return;
    gate.onChange(state);
  });
  elector.start();
  let stopped: Promise<void> | undefined;
  return {
    elector,
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        await gate.shutdown();
        await elector.stop();
        await gate.settled();
      })();
      return stopped;
    },
  };
}

/** /readyz of this replica: caches synced and, under leader election, the elector's real state. */
export function replicaReadiness(
  cachesSynced: boolean,
  elector: Pick<Campaign, 'running' | 'isLeader'> | undefined,
): Readiness {
  return readiness({
    cachesSynced,
    ...(elector ? { leaderElection: { leader: elector.isLeader, running: elector.running } } : {}),
  });
}

/** What liveness reads of a running controller: its work queue and its watches' heartbeats. */
export interface LoopsOf {
  readonly queue: {
    readonly depth: number;
    readonly oldestWaitingSince: number | undefined;
    readonly lastProgressAt: number;
  };
  readonly appInformers: readonly { readonly heartbeat: Heartbeat | undefined }[];
  readonly managed: ReadonlyMap<string, { readonly heartbeat: Heartbeat | undefined }>;
}

/** /healthz of this replica: the controller's queue and watches (when it runs) and the elector's loop. */
export function replicaLiveness(
  controller: LoopsOf | undefined,
  elector: Pick<Campaign, 'heartbeat'> | undefined,
  now: number,
  stallTimeoutMs: number,
): Liveness {
  const loops = [
    ...(controller ? [...controller.appInformers, ...controller.managed.values()] : []),
    ...(elector ? [elector] : []),
  ]
    .map((l) => l.heartbeat)
    .filter((h): h is Heartbeat => h !== undefined);
  return liveness({
    now,
    stallTimeoutMs,
    loops,
    ...(controller
      ? {
          queue: {
            waiting: controller.queue.depth,
            oldestWaitingSince: controller.queue.oldestWaitingSince,
            lastProgressAt: controller.queue.lastProgressAt,
          },
        }
      : {}),
  });
}
