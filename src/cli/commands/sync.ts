import type { Command } from 'commander';
import { addHelmFlags, type HelmFlags } from '../render-helm-flags.js';
import type { RegisterCommand } from './index.js';

/** Options shared by `trueup diff` and `trueup sync`. */
export interface ClusterCommandOptions extends Partial<HelmFlags> {
  namespace: string;
  app?: string;
  root?: string;
  kubeconfig?: string;
  context?: string;
  prune?: boolean;
  dryRun?: boolean;
  syncOption?: string[];
  allowEmpty?: boolean;
  timeout?: string;
  sopsAgeKeyFile?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function common(cmd: Command): Command {
  // A chart directory renders with the Helm flags of `trueup render CHART` (-n is the namespace).
  return addHelmFlags(cmd, { namespace: false, releaseDefault: 'the app name' })
    .argument('<dir>', 'directory to render (Kustomize, plain manifests, or a Helm chart)')
    .requiredOption('-n, --namespace <ns>', 'destination namespace (also where the app inventory is kept)')
    .option('--app <name>', 'application name for tracking and inventory (default: the directory name)')
    .option('--root <dir>', 'directory the render is confined to (default: the enclosing Git checkout)')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('--prune', 'delete (diff: show) objects the app applied before that left the render')
    .option('--sync-option <Name=value>', 'sync option, repeatable (e.g. CreateNamespace=true)', collect)
    .option(
      '--sops-age-key-file <file>',
      'age identities to decrypt SOPS-encrypted files with (default: $SOPS_AGE_KEY_FILE, and $SOPS_AGE_KEY)',
    );
}

/**
 * `trueup diff DIR -n NS`: what a sync would change, as a unified YAML diff per object (Secret
 * values masked); exit 1 when the cluster differs, as `kubectl diff`.
 * `trueup sync DIR -n NS [--prune] [--dry-run]`: applies with the same engine the controller runs.
 */
export const registerSync: RegisterCommand = (program: Command, io, setExit) => {
  common(program.command('diff').description('show what a sync would change in the cluster'))
    .option('--json', 'print JSON patches (RFC 6902) per object instead of text')
    .action(async (dir: string, opts: ClusterCommandOptions & { json?: boolean }) => {
      const { runDiff } = await import('../sync-local.js');
      setExit(await runDiff(dir, opts, io));
    });
  common(program.command('sync').description('apply a directory to the cluster with server-side apply'))
    .option('--dry-run', 'plan only: server-side dry-runs, no writes')
    .option('--allow-empty', 'allow an empty render (with --prune, deletes everything the app applied)')
    .option('--timeout <seconds>', 'how long waves and hooks may take to become healthy', '300')
    .action(async (dir: string, opts: ClusterCommandOptions) => {
      const { runSync } = await import('../sync-local.js');
      setExit(await runSync(dir, opts, io));
    });
};
