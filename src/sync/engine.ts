/**
 * `sync()`: plan, then execute that plan (or, with dryRun, preview it), with the inventory
 * loaded from and saved to a store. The CLI and the engine's tests use it; the controller calls
 * plan and execute itself, with the inventory kept on the Application's status.
 */
import { errorMessage } from '../api/errors.js';
import { VerdictCache } from './cache.js';
import { execute, preview } from './execute.js';
import { plan } from './plan.js';
import type { ChangeSet, SyncDeps, SyncRequest } from './types.js';

export async function sync(request: SyncRequest, deps: SyncDeps): Promise<ChangeSet> {
  const cache = deps.cache ?? new VerdictCache();
  const inventory = (await deps.inventory.load()) ?? [];
  const planned = await plan({ ...request, inventory }, { ...deps, cache });
  const result = request.dryRun ? preview(planned) : await execute(planned, { ...deps, cache });
  for (const w of result.warnings) deps.warn?.(w);
  if (!request.dryRun && !planned.refusedEmpty) {
    await deps.inventory.save(result.inventory).catch((err) => {
      const message = `inventory not saved: ${errorMessage(err)}`;
      result.warnings.push(message);
      deps.warn?.(message);
    });
  }
  return result;
}
