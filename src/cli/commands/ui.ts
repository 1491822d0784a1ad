import type { Command } from 'commander';
import type { RegisterCommand } from './index.js';

/** `trueup ui`: the controller's web UI on localhost, acting as the kubeconfig's user (like `kubectl proxy`). */
export const registerUi: RegisterCommand = (program: Command, io, setExit) => {
  program
    .command('ui')
    .description("serve the web UI on localhost with your kubeconfig's identity (no token needed)")
    .option('--address <host:port>', 'where to listen (default 127.0.0.1:8090; port 0 picks a free one)')
    .option(
      '-n, --namespace <ns>',
      'show the Applications of this namespace only (repeatable; default: all)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('--cache-dir <dir>', 'Git cache directory (default ~/.cache/trueup/git)')
    .action(
      async (opts: {
        address?: string;
        namespace?: string[];
        kubeconfig?: string;
        context?: string;
        cacheDir?: string;
      }) => {
        const { runUi } = await import('../run-ui.js');
        const handle = await runUi(opts);
        io.stdout(`${handle.url}\n`);
        io.stderr(`trueup ui: serving ${handle.url} as ${handle.user} (Ctrl-C stops)\n`);
        await handle.done;
        setExit(0);
      },
    );
};
