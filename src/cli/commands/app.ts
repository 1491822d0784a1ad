import type { Command } from 'commander';
import type { RegisterCommand } from './index.js';

/** `trueup app list|get|diff|sync`: Applications in the cluster. */
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
    .option('--dry-run', 'plan only')
    .option('--revision <rev>', 'sync this revision instead of targetRevision')
    .option('--no-wait', 'return once the operation is recorded')
    .option('--timeout <seconds>', 'how long to wait for the controller', '120')
    .action(async (name: string, opts) => {
      const { appSync } = await import('../app-cli.js');
      setExit(await appSync(name, opts, io));
    });
};
