/**
 * The controller's watch event path alone, for watch-events.ts and watch-replay.ts: a
 * ClusterRuntime over `client` (tracked objects, the status-only filter, health) watching
 * Widgets, with live tallies of the events it took and of those that queued an app.
 */
import { healthPort } from '../../src/controller/adapters/health.js';
import { ClusterRuntime } from '../../src/controller/cluster-runtime.js';
import { silentLogger } from '../../src/controller/deps.js';
import type { ClusterClient } from '../../src/kube/types.js';
import { systemClock } from '../../src/runtime/clock.js';
import { WIDGET_EVENTS_API } from './widget-events.js';

export async function watchWidgets(client: ClusterClient) {
  const tally = { events: 0, queued: 0 };
  const runtime = new ClusterRuntime({
    client,
    cluster: { server: 'https://kubernetes.default.svc', name: 'in-cluster' },
    // The event path uses health only; the reconciler it builds is never run here.
    shared: { health: healthPort } as never,
    clock: systemClock,
    random: Math.random,
    log: silentLogger,
    onOwnerEvent: () => {
      tally.queued++;
    },
  });
  const onEvent = runtime.onTrackedEvent.bind(runtime);
  runtime.onTrackedEvent = (type, obj, old, lane) => {
    tally.events++;
    onEvent(type, obj, old, lane);
  };
  runtime.start();
  await runtime.watchKinds([{ apiVersion: WIDGET_EVENTS_API, kind: 'Widget' }]);
  return { runtime, tally };
}
