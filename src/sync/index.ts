export { desiredHash, VerdictCache } from './cache.js';
export * from './decide.js';
export { sync } from './engine.js';
export { execute, preview } from './execute.js';
export * from './identity.js';
export { ConfigMapInventory, type InventoryStore, MemoryInventory } from './inventory.js';
export {
  deleteCreatedNamespace,
  type NamespaceCleanup,
  NamespaceCleanupOutcome,
  namespaceCleanupVerdict,
} from './namespace.js';
export { DEFAULT_SYNC_OPTIONS, parseSyncOptions, type SyncOptions } from './options.js';
export { HookDeletePolicy, HookType } from './order.js';
export { plan } from './plan.js';
export * from './types.js';
