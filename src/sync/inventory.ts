/**
 * The inventory: the objects an app applied last time, from which prune computes what left Git.
 * `Inventory` is the seam: the CLI keeps it in a ConfigMap next to the app, the controller can
 * back it with the Application's status.
 */
import { TrueupError } from '../api/errors.js';
import { groupOf, type KubeObject, refKey } from '../api/object.js';
import type { ClusterClient } from '../kube/types.js';

export interface InventoryEntry {
  apiVersion: string;
  kind: string;
  /** Empty for cluster-scoped objects. */
  namespace: string;
  name: string;
}

export function entryKey(e: InventoryEntry): string {
  return refKey({ group: groupOf(e.apiVersion), kind: e.kind, namespace: e.namespace, name: e.name });
}

export function sortEntries(entries: readonly InventoryEntry[]): InventoryEntry[] {
  const byKey = new Map(entries.map((e) => [entryKey(e), e]));
  return [...byKey.keys()].sort().map((k) => byKey.get(k) as InventoryEntry);
}

export interface Inventory {
  /** The entries recorded last time; undefined when nothing was ever recorded. */
  load(): Promise<InventoryEntry[] | undefined>;
  /** Records the entries (implementations skip the write when nothing changed). */
  save(entries: readonly InventoryEntry[]): Promise<void>;
}

export class MemoryInventory implements Inventory {
  entries: InventoryEntry[] | undefined;
  saves = 0;
  constructor(entries?: InventoryEntry[]) {
    this.entries = entries;
  }
  async load() {
    return this.entries && [...this.entries];
  }
  async save(entries: readonly InventoryEntry[]) {
    this.entries = sortEntries(entries);
    this.saves += 1;
  }
}

const DATA_KEY = 'inventory.json';

/** A ConfigMap `trueup-inventory-<app>` in the app's namespace; written only when it changes. */
export class ConfigMapInventory implements Inventory {
  readonly name: string;
  #last: string | undefined;

  constructor(
    private readonly client: ClusterClient,
    readonly namespace: string,
    appName: string,
    private readonly fieldManager = 'trueup',
  ) {
    this.name = `trueup-inventory-${appName}`.slice(0, 253);
  }

  async load(): Promise<InventoryEntry[] | undefined> {
    const cm = await this.client.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: this.namespace,
      name: this.name,
    });
    const text = (cm?.data as Record<string, string> | undefined)?.[DATA_KEY];
    this.#last = text;
    if (text === undefined) return undefined;
    try {
      const parsed = JSON.parse(text) as InventoryEntry[];
      if (!Array.isArray(parsed)) throw new Error('not a list');
      return parsed;
    } catch (err) {
      throw new TrueupError(
        'InventoryInvalid',
        `ConfigMap ${this.namespace}/${this.name}: ${DATA_KEY} is not a valid inventory`,
        { cause: err },
      );
    }
  }

  async save(entries: readonly InventoryEntry[]): Promise<void> {
    const text = JSON.stringify(sortEntries(entries));
    if (text === this.#last) return;
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'trueup' },
      },
      data: { [DATA_KEY]: text },
    };
    await this.client.apply(cm, { fieldManager: this.fieldManager, force: true });
    this.#last = text;
  }
}
