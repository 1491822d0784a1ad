/**
 * Whether a remote cluster answers, asked at most once per interval and shared by all its apps:
 * a pass of an app on a cluster that is down costs one bounded probe (or none, while the last
 * answer is fresh), so the apps of other clusters keep the workers. The message names the server
 * and the network error, never a credential.
 */
import { errorMessage } from '../api/errors.js';
import { isKubeApiError, KubeErrorCode } from '../kube/errors.js';
import type { ClusterClient } from '../kube/types.js';
import type { Clock } from '../runtime/clock.js';

export interface ReachabilityOptions {
  /** How long an answer (up or down) is reused. */
  freshForMs?: number;
  /** A probe without an answer by then counts as down. */
  timeoutMs?: number;
}

/** A cheap request any credentials may make: a 403 still proves the server answers. */
export const probeCluster = async (client: ClusterClient) => {
  await client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'kube-system' });
};

export class Reachability {
  private last: { at: number; down: string | undefined } | undefined;
  private inflight: Promise<string | undefined> | undefined;

  constructor(
    private readonly server: string,
    private readonly probe: () => Promise<void>,
    private readonly clock: Clock,
    private readonly o: ReachabilityOptions = {},
  ) {}

  /** Undefined when the cluster answers; else why it is unreachable. */
  check(): Promise<string | undefined> {
    const fresh = this.o.freshForMs ?? 5000;
    if (this.last && this.clock.now() - this.last.at < fresh) return Promise.resolve(this.last.down);
    this.inflight ??= this.ask().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** A pass met a network error: the next check asks again. */
  expire(): void {
    this.last = undefined;
  }

  private async ask(): Promise<string | undefined> {
    const timeoutMs = this.o.timeoutMs ?? 5000;
    let timer: { cancel(): void } | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = this.clock.setTimer(timeoutMs, () => resolve(`no answer within ${timeoutMs / 1000}s`));
    });
    const answer = this.probe().then(
      () => undefined,
      (err: unknown) => unreachableReason(err),
    );
    const reason = await Promise.race([answer, timeout]);
    timer?.cancel();
    const down = reason === undefined ? undefined : `cluster ${this.server} is unreachable: ${reason}`;
    this.last = { at: this.clock.now(), down };
    return down;
  }
}

/** Why an error means the cluster cannot be used, or undefined when the server answered. */
export function unreachableReason(err: unknown): string | undefined {
  if (!isKubeApiError(err)) return errorMessage(err);
  if (err.code === KubeErrorCode.Network) return err.serverMessage;
  if (err.code === KubeErrorCode.Unauthorized) return 'the server refused the credentials (401 Unauthorized)';
  if (err.code === KubeErrorCode.ServerError && err.status === 503) return err.serverMessage;
  return undefined;
}
