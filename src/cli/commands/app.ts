import type { Command } from 'commander';
import type { RegisterCommand } from './index.js';

/** `trueup app list|get|diff|sync|refresh|rollback`: Applications in the cluster. */
export const registerApp: RegisterCommand = (program: Command, io, setExit) => {
  const app = program.command('app').description('list, inspect, diff and sync Applications in the cluster');
  const common = (cmd: Command) =>
    cmd
      .option(
        '-n, --namespace <ns>',
        "the Applications' namespace (default: the context's, else trueup-system)",
      )
      .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
      .option('--context <name>', 'kubeconfig context');
  common(app.command('list').description('Applications with sync, health and revision'))
    .option('-A, --all-namespaces', 'every namespace')
    .option('-o, --output <format>', 'table (default) or json')
    .action(async (opts) => {
      const { appList } = await import('../app-cli.js');
      setExit(await appList(opts, io));
    });
  common(
    app
      .command('get')
      .argument('<name>')
      .description('one Application: status, conditions, resources, history'),
  )
    .option('-o, --output <format>', 'text (default) or json')
    .action(async (name: string, opts) => {
      const { appGet } = await import('../app-cli.js');
      setExit(await appGet(name, opts, io));
    });
  common(
    app
      .command('diff')
      .argument('<name>')
      .description('what a sync would change (exit 1 when the cluster differs)'),
  )
    .option('--revision <rev>', 'diff against this revision instead of targetRevision')
    .option('--prune', 'plan as a sync with --prune would (default: as the automated policy says)')
    .action(async (name: string, opts) => {
      const { appDiff } = await import('../app-cli.js');
      setExit(await appDiff(name, opts, io));
    });
  common(
    app
      .command('sync')
      .argument('<name>')
      .description('request a sync (an operation on the Application) and wait for it'),
  )
    .option('--prune', 'also delete what left Git')
    .option('--confirm', 'confirm the pruning of objects marked Prune=confirm (with --prune)')
    .option(
      '--resource <[group/]Kind/[namespace/]name>',
      'sync only this object (repeatable); the others are neither applied nor pruned',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      '--sync-option <Name=value>',
      'sync option for this sync only (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--dry-run', 'plan only')
    .option('--revision <rev>', 'sync this revision instead of targetRevision')
    .option('--no-wait', 'return once the operation is recorded')
    .option('--timeout <seconds>', 'how long to wait for the controller', '120')
    .action(async (name: string, opts) => {
      const { appSync } = await import('../app-cli.js');
      setExit(await appSync(name, opts, io));
    });
  common(
    app
      .command('refresh')
      .argument('<name>')
      .description('ask the controller to compare with Git again now (trueup.dev/refresh)'),
  )
    .option('--hard', 'also drop cached Git answers and render results')
    .action(async (name: string, opts) => {
      const { appRefresh } = await import('../app-cli.js');
      setExit(await appRefresh(name, opts, io));
    });
  common(
    app
      .command('rollback')
      .argument('<name>')
      .argument('<history-id>', 'an ID from trueup app get NAME (History)')
      .description('sync back to a history entry and wait (apps without automated sync only)'),
  )
    .option('--prune', 'also delete what the older revision does not have')
    .option('--no-wait', 'return once the operation is recorded')
    .option('--timeout <seconds>', 'how long to wait for the controller', '120')
    .action(async (name: string, id: string, opts) => {
      const { appRollback } = await import('../app-cli.js');
      setExit(await appRollback(name, id, opts, io));
    });
};
