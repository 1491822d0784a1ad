/**
 * The benches' stand-in for KEDA, External Secrets or an HPA: a status write on each object
 * once per period, spread evenly over the period (as many operators' timers are), with a bound
 * on the writes in flight. It shares the cores with the API server and the controller under
 * test, so it is made as light as it can be: raw HTTPS over keep-alive connections with the
 * control plane's admin identity, one JSON merge patch body serialized per round (every object
 * gets the same status in a round), responses drained unread.
 */
import https from 'node:https';
import type { KubeconfigFile } from '../../test/control-plane/control-plane.js';

export interface ChurnTarget {
  apiVersion: string;
  /** The resource's plural (`widgets`), from discovery. */
  resource: string;
  namespace: string;
  name: string;
}

export interface StatusChurner {
  /** Status writes the server accepted (2xx) so far. */
  writes(): number;
  /** Status writes refused or failed so far. */
  failures(): number;
  /** Writes started more than a period after they were due: the writer cannot keep the pace. */
  late(): number;
  /** Stops writing; resolves once the writes in flight have ended. */
  stop(): Promise<void>;
}

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

/**
 * Starts writing `status(round)` on every object every `periodMs`: object i of N is written at
 * i/N of each period (round r from r-1 periods after the start), at most `inFlight` at a time.
 */
export function churnStatus(
  kubeconfig: KubeconfigFile,
  objects: readonly ChurnTarget[],
  periodMs: number,
  status: (round: number) => Record<string, unknown>,
  inFlight = 64,
  fieldManager = 'bench-operator',
): StatusChurner {
  const cluster = kubeconfig.clusters[0]?.cluster;
  const user = kubeconfig.users[0]?.user;
  if (!cluster || !user) throw new Error('the kubeconfig names no cluster or no user');
  const server = new URL(cluster.server);
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: inFlight,
    ca: decode(cluster['certificate-authority-data']),
    cert: decode(user['client-certificate-data']),
    key: decode(user['client-key-data']),
  });
  const query = `?fieldManager=${encodeURIComponent(fieldManager)}`;
  const paths = objects.map(
    (o) =>
      `/apis/${o.apiVersion}/namespaces/${encodeURIComponent(o.namespace)}/${o.resource}/${encodeURIComponent(o.name)}/status${query}`,
  );
  let body = { round: 0, bytes: Buffer.alloc(0) };
  const bodyOf = (round: number) => {
    if (body.round !== round) body = { round, bytes: Buffer.from(JSON.stringify({ status: status(round) })) };
    return body.bytes;
  };

  let running = true;
  let issued = 0;
  let pending = 0;
  let ok = 0;
  let failed = 0;
  let late = 0;
  let drained: (() => void) | undefined;
  const started = performance.now();

  const write = (i: number, round: number) => {
    const bytes = bodyOf(round);
    pending++;
    const done = (success: boolean) => {
      pending--;
      if (success) ok++;
      else failed++;
      if (pending === 0) drained?.();
      pump();
    };
    const req = https.request(
      {
        host: server.hostname,
        port: server.port,
        method: 'PATCH',
        path: paths[i],
        agent,
        headers: {
          'Content-Type': 'application/merge-patch+json',
          'Content-Length': bytes.length,
          Accept: 'application/json',
        },
      },
      (res) => {
        res.on('end', () => done((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300));
        res.on('error', () => done(false));
        res.resume();
      },
    );
    req.on('error', () => done(false));
    req.end(bytes);
  };

  /** Starts every write that is due, as far as the bound on writes in flight allows. */
  const pump = () => {
    if (!running) return;
    const due = Math.floor(((performance.now() - started) / periodMs) * objects.length) + 1;
    while (issued < due && pending < inFlight) {
      if (due - issued > objects.length) late++;
      write(issued % objects.length, Math.floor(issued / objects.length) + 1);
      issued++;
    }
  };
  const timer = setInterval(pump, 5);
  pump();

  return {
    writes: () => ok,
    failures: () => failed,
    late: () => late,
    async stop() {
      running = false;
      clearInterval(timer);
      if (pending > 0) await new Promise<void>((r) => (drained = r));
      agent.destroy();
    },
  };
}
