/** `trueup diff` and `trueup sync`: render a local directory and run the sync engine on it. */
import { realpath } from 'node:fs/promises';
import { basename, relative, resolve, sep } from 'node:path';
import { TrueupError } from '../api/errors.js';
import { describeRef, type KubeObject } from '../api/object.js';
import { chartObjects } from '../controller/adapters/render-helm.js';
import { diffText } from '../diff/text.js';
import { createClusterClient } from '../kube/client.js';
import type { ClusterClient } from '../kube/types.js';
import { DiskTree, defaultRoot } from '../render/disk-tree.js';
import { type HelmChartInflator, renderTree } from '../render/index.js';
import type { AgeIdentities } from '../secrets/age.js';
import { DecryptingTree } from '../secrets/tree.js';
import { sync } from '../sync/engine.js';
import { ConfigMapInventory } from '../sync/inventory.js';
import type { SyncResult } from '../sync/types.js';
import type { ClusterCommandOptions } from './commands/sync.js';
import { kubeConnectionFrom } from './flag-values.js';
import { type CliIO, ExitCode } from './io.js';
import {
  cliChartInflator,
  flagOptions,
  helmEnvironment,
  localChart,
  renderFlagged,
  withEngine,
} from './render-helm.js';
import { type HelmFlags, helmFlagsGiven, isChartPath } from './render-helm-flags.js';
import { cliAgeIdentities } from './sops-keys.js';

async function renderDir(
  dir: string,
  root: string | undefined,
  keys: AgeIdentities,
  helmCharts?: HelmChartInflator,
): Promise<KubeObject[]> {
  const top = root ? resolve(root) : await defaultRoot(dir);
  let target: string;
  try {
    target = await realpath(resolve(dir));
  } catch (err) {
    throw new TrueupError('RENDER_FILE_MISSING', `${dir}: no such directory`, { cause: err });
  }
  const rel = relative(await realpath(top), target);
  if (rel.startsWith('..'))
    throw new TrueupError('RENDER_OUTSIDE_ROOT', `${dir}: not inside the render root ${top}`);
  // diff and sync act as the controller on a directory source: a plain directory is fine
  return renderTree(new DecryptingTree(new DiskTree(top), keys), rel.split(sep).join('/'), {
    plainDirectories: true,
    ...(helmCharts ? { helmCharts } : {}),
  });
}

const noHelmFlags: HelmFlags = { values: [], set: [], setString: [], apiVersions: [] };

/**
 * A chart directory as the controller renders an app's chart: release name the app's, release
 * namespace the destination's, Capabilities from the cluster unless the flags say otherwise;
 * the objects of crds/, the manifests, then the hooks (the sync engine runs them as hooks).
 */
async function renderLocalChart(
  dir: string,
  opts: ClusterCommandOptions,
  appName: string,
  client: ClusterClient,
  io: CliIO,
): Promise<KubeObject[]> {
  const flags = { ...noHelmFlags, ...opts, namespace: opts.namespace };
  const { tree, chartPath, values } = await localChart(dir, { values: flags.values, root: opts.root });
  // .Capabilities as the controller gives them: the cluster's (--kube-version overrides, -a adds).
  const capabilities = await client.capabilities?.();
  return withEngine(helmEnvironment(), async (engine) => {
    const result = await renderFlagged(
      engine,
      tree,
      chartPath,
      flagOptions(flags, values, { releaseName: appName, namespace: opts.namespace, capabilities }),
      dir,
    );
    for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
    return chartObjects(result, `chart ${dir}`);
  });
}

async function run(
  dir: string,
  opts: ClusterCommandOptions,
  dryRun: boolean,
  io: CliIO,
): Promise<SyncResult> {
  const chart = isChartPath(dir);
  // -n is the destination namespace here (and the release namespace of a chart), not a Helm-only flag.
  const { namespace: _destination, ...helmOnly } = opts;
  const given = helmFlagsGiven({ ...noHelmFlags, ...helmOnly });
  if (given.length && !chart)
    throw new TrueupError(
      'CLI_USAGE',
      `${given.join(', ')} given, but ${dir} is not a Helm chart (no Chart.yaml)`,
    );
  const client = await createClusterClient(
    await kubeConnectionFrom(opts.kubeconfig ?? '', opts.context, process.env),
  );
  const charts = chart ? undefined : cliChartInflator(helmEnvironment());
  try {
    const app = { namespace: opts.namespace, name: opts.app ?? basename(resolve(dir)) };
    // A failed render throws here: nothing is applied and nothing is pruned.
    const objects = chart
      ? await renderLocalChart(dir, opts, app.name, client, io)
      : await renderDir(
          dir,
          opts.root,
          await cliAgeIdentities(opts.sopsAgeKeyFile, process.env),
          charts?.inflator,
        );
    const timeout = Number(opts.timeout ?? '300');
    return await sync(
      {
        app,
        destinationNamespace: opts.namespace,
        objects,
        syncOptions: opts.syncOption ?? [],
        prune: opts.prune === true,
        allowEmpty: opts.allowEmpty === true,
        dryRun,
      },
      {
        client,
        inventory: new ConfigMapInventory(client, opts.namespace, app.name),
        healthTimeoutMs: (Number.isFinite(timeout) && timeout > 0 ? timeout : 300) * 1000,
      },
    );
  } finally {
    await charts?.close();
    client.close();
  }
}

export async function runDiff(
  dir: string,
  opts: ClusterCommandOptions & { json?: boolean },
  io: CliIO,
): Promise<number> {
  const result = await run(dir, opts, true, io);
  const diffs = result.resources.flatMap((r) => (r.diff ? [r.diff] : []));
  if (opts.json) {
    const fastJsonPatch = (await import('fast-json-patch')).default;
    const out = diffs.map((d) => ({
      object: describeRef(d.ref),
      operation: d.before && d.after ? 'update' : d.after ? 'create' : 'delete',
      patch: fastJsonPatch.compare(d.before ?? {}, d.after ?? {}),
    }));
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    io.stdout(diffText(diffs));
  }
  for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
  for (const r of result.resources) if (r.action === 'failed') io.stderr(`error: ${r.message}\n`);
  if (result.phase === 'Failed') return ExitCode.Failure;
  return diffs.length > 0 ? ExitCode.Differs : ExitCode.Ok;
}

export async function runSync(dir: string, opts: ClusterCommandOptions, io: CliIO): Promise<number> {
  const result = await run(dir, opts, opts.dryRun === true, io);
  for (const r of result.resources) {
    const what = `${r.hook ? `${r.hook} hook ` : ''}${describeRef(r.ref)}`;
    const detail =
      r.action === 'unchanged' || !r.message
        ? ''
        : r.message.startsWith(describeRef(r.ref))
          ? r.message.slice(describeRef(r.ref).length)
          : `: ${r.message}`;
    io.stdout(`${r.action.padEnd(10)} ${what}${detail}\n`);
  }
  for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
  io.stdout(`${result.phase}: ${result.message}\n`);
  return result.phase === 'Failed' ? ExitCode.Failure : ExitCode.Ok;
}
