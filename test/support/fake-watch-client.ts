/**
 * A ClusterClient that answers only list and watch, for informer-driven unit tests: `list`
 * returns the items `itemsOf(kind)` gives (at resourceVersion 1), every watch is kept open until
 * its signal aborts, and `emit` delivers an event to the latest watch of a kind (the only one when
 * no kind is named) as the API server would.
 */
import type { KubeObject } from '../../src/api/object.js';
import type { ClusterClient, WatchEventType } from '../../src/kube/types.js';

type OnEvent = (t: WatchEventType, o: KubeObject) => void;

export interface FakeWatchClient {
  client: ClusterClient;
  /** Delivers an event on the open watch of `kind` (default: the latest watch opened). */
  emit(type: WatchEventType, obj: KubeObject, kind?: string): void;
  /** The kinds watched so far, in order. */
  watched(): string[];
}

export function fakeWatchClient(itemsOf: (kind: string) => KubeObject[] = () => []): FakeWatchClient {
  const watches: { kind: string; onEvent: OnEvent }[] = [];
  const client = {
    list: async (_v: string, kind: string) => ({ items: itemsOf(kind), resourceVersion: '1' }),
    watch: async (_v: string, kind: string, _o: unknown, onEvent: OnEvent, signal?: AbortSignal) => {
      watches.push({ kind, onEvent });
      await new Promise<void>((r) => signal?.addEventListener('abort', () => r()));
    },
  } as unknown as ClusterClient;
  return {
    client,
    emit(type, obj, kind) {
      const w = kind === undefined ? watches.at(-1) : watches.findLast((x) => x.kind === kind);
      if (!w) throw new Error(`no watch${kind ? ` of ${kind}` : ''} is open`);
      w.onEvent(type, obj);
    },
    watched: () => watches.map((w) => w.kind),
  };
}
