/**
 * `generators:`, `transformers:` and `validators:` of one kustomization, run as Kustomize v5.5
 * runs them: plugin generators after the generator fields, plugin transformers after the
 * transformer fields, validators last (a validator may not change anything).
 */
import { RenderErrorCode, renderError } from '../errors.js';
import { absorbGenerated } from '../generators/absorb.js';
import type { ResMap } from '../resmap.js';
import { deepCopy } from '../types.js';
import { type BuildEntry, loadPluginConfigs, type PluginConfig } from './configs.js';
import { generateFromConfig, pluginOrigin } from './generators.js';
import { type PluginRun, transformWithConfig } from './transformers.js';

export type { BuildEntry } from './configs.js';
export type { PluginRun } from './transformers.js';

export async function runPluginGenerators(run: PluginRun, m: ResMap, build: BuildEntry): Promise<void> {
  const configs = await loadPluginConfigs(run.loader, run.k, 'generators', build);
  for (const [i, c] of configs.entries()) {
    for (const r of await generateFromConfig(run.loader, run.k, c, i)) absorbGenerated(m, r, c.where);
  }
}

function record(m: ResMap, c: PluginConfig): void {
  const by = pluginOrigin(c);
  for (const r of m.list) {
    if (r.transformations) r.transformations.push({ ...by });
    else r.transformations = [{ ...by }];
  }
}

export async function runPluginTransformers(run: PluginRun, m: ResMap, build: BuildEntry): Promise<void> {
  const configs = await loadPluginConfigs(run.loader, run.k, 'transformers', build);
  for (const c of configs) {
    await transformWithConfig(run, c, m);
    record(m, c);
  }
}

/** Validators run as transformers over the objects; any change they make is an error. */
export async function runPluginValidators(run: PluginRun, m: ResMap, build: BuildEntry): Promise<void> {
  const configs = await loadPluginConfigs(run.loader, run.k, 'validators', build);
  for (const c of configs) {
    const before = JSON.stringify(m.list.map((r) => r.obj));
    const saved = m.list.map((r) => ({ r, obj: deepCopy(r.obj), prev: [...r.prev] }));
    await transformWithConfig(run, c, m);
    if (JSON.stringify(m.list.map((r) => r.obj)) !== before)
      throw renderError(
        RenderErrorCode.InvalidKustomization,
        `${c.where}: a validator may not modify the objects (validator shouldn't modify the resource map)`,
      );
    for (const s of saved) {
      s.r.obj = s.obj;
      s.r.prev = s.prev;
    }
  }
}
