/** One kind's informers (one per watched namespace) read as one store, and object keys. */
import type { KubeObject } from '../api/object.js';
import type { Informer } from '../runtime/informer.js';

export const generationOf = (o: KubeObject): number | undefined =>
  typeof o.metadata.generation === 'number' ? o.metadata.generation : undefined;
/** `namespace/name`. */
export const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

export class Informers {
  constructor(readonly list: readonly Informer[]) {}
  get synced(): boolean {
    return this.list.every((i) => i.synced);
  }
  get size(): number {
    return this.list.reduce((n, i) => n + i.store.size, 0);
  }
  values(): KubeObject[] {
    return this.list.flatMap((i) => [...i.store.values()]);
  }
  /** By `namespace/name`. */
  get(k: string): KubeObject | undefined {
    return this.values().find((o) => key(o) === k);
  }
  start(): void {
    for (const i of this.list) i.start();
  }
  stop(): Promise<void> {
    return Promise.all(this.list.map((i) => i.stop())).then(() => {});
  }
}
