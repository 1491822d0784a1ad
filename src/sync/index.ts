export { desiredHash, VerdictCache } from './cache.js';
export { sync } from './engine.js';
export { ConfigMapInventory, type Inventory, type InventoryEntry, MemoryInventory } from './inventory.js';
export { DEFAULT_SYNC_OPTIONS, parseSyncOptions, type SyncOptions } from './options.js';
export { HookDeletePolicy, HookType } from './order.js';
export * from './types.js';
