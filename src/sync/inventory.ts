/**
 * Where an inventory is kept between syncs. The controller keeps it on the Application's status
 * (status.resources) and hands it to the plan; the CLI keeps it in a ConfigMap next to the app.
 */
import { TrueupError } from '../api/errors.js';
import { groupOf, type KubeObject, versionOf } from '../api/object.js';
import type { ClusterClient } from '../kube/types.js';
import { apiVersionOf, type Inventory, type ObjectId, sortIds } from './identity.js';

export interface InventoryStore {
  /** The entries recorded last time; undefined when nothing was ever recorded. */
  load(): Promise<ObjectId[] | undefined>;
  /** Records the entries (implementations skip the write when nothing changed). */
  save(entries: Inventory): Promise<void>;
}

export class MemoryInventory implements InventoryStore {
  entries: ObjectId[] | undefined;
  saves = 0;
  constructor(entries?: ObjectId[]) {
    this.entries = entries;
  }
  async load() {
    return this.entries && [...this.entries];
  }
  async save(entries: Inventory) {
    this.entries = sortIds(entries);
    this.saves += 1;
  }
}

const DATA_KEY = 'inventory.json';

/** The ConfigMap's stored form (kept as it was: `apiVersion`, `kind`, `namespace`, `name`). */
interface StoredEntry {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/** A ConfigMap `trueup-inventory-<app>` in the app's namespace; written only when it changes. */
export class ConfigMapInventory implements InventoryStore {
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

  async load(): Promise<ObjectId[] | undefined> {
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
      const parsed = JSON.parse(text) as StoredEntry[];
      if (!Array.isArray(parsed)) throw new Error('not a list');
      return parsed.map((e) => ({
        group: groupOf(e.apiVersion),
        version: versionOf(e.apiVersion),
        kind: e.kind,
        namespace: e.namespace,
        name: e.name,
      }));
    } catch (err) {
      throw new TrueupError(
        'InventoryInvalid',
        `ConfigMap ${this.namespace}/${this.name}: ${DATA_KEY} is not a valid inventory`,
        { cause: err },
      );
    }
  }

  async save(entries: Inventory): Promise<void> {
    const stored: StoredEntry[] = sortIds(entries).map((e) => ({
      apiVersion: apiVersionOf(e),
      kind: e.kind,
      namespace: e.namespace,
      name: e.name,
    }));
    const text = JSON.stringify(stored);
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
