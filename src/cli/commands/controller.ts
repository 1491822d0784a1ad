import type { Command } from 'commander';
import type { RegisterCommand } from './index.js';

/**
 * `trueup controller`: runs the controller against the current kubeconfig (or in-cluster).
 * Flags override TRUEUP_* environment variables (see src/config/config.ts).
 */
export const registerController: RegisterCommand = (program: Command, io, setExit) => {
  program
    .command('controller')
    .description('run the Application controller against the current kubeconfig')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config or in-cluster)')
    .option('--context <name>', 'kubeconfig context')
    .option('--concurrency <n>', 'Applications reconciled at once (default 10)')
    .option('--requeue-interval <duration>', 'Git poll interval per Application (default 3m)')
    .option('--namespaces <list>', 'comma-separated namespaces to watch (default: all)')
    .option(
      '--metrics-address <host:port>',
      '/metrics, /healthz, /readyz, /webhook (default 127.0.0.1:8080; empty disables)',
    )
    .option(
      '--ui-address <host:port>',
      'web UI and /api/v1/ on their own port (default: off); bearer tokens, checked with TokenReview and SubjectAccessReview',
    )
    .option('--ui-tls-cert-file <path>', 'PEM certificate: serve the UI over HTTPS (with --ui-tls-key-file)')
    .option('--ui-tls-key-file <path>', 'PEM key of --ui-tls-cert-file')
    .option('--leader-elect', 'run leader election on a Lease (for several replicas)')
    .option(
      '--lease-namespace <ns>',
      "the controller's namespace: its leader election Lease, repository Secrets, AppProjects (default trueup-system)",
    )
    .option('--cache-dir <dir>', 'Git cache directory')
    .option('--webhook-secret <secret>', 'HMAC secret for POST /webhook (prefer TRUEUP_WEBHOOK_SECRET)')
    .option(
      '--webhook-insecure',
      'accept unsigned POST /webhook requests (only without a secret; by default they are refused)',
    )
    .option(
      '--stall-timeout <duration>',
      '/healthz fails when queued work waits this long with no worker progress (default 15m)',
    )
    .option(
      '--deny-plain-secrets',
      'a Secret from Git holding cleartext data (not SOPS-encrypted) fails the sync instead of warning',
    )
    .option('--install-crd', 'install or update the trueup CRDs (crds/) at start')
    .option('--shards <n>', 'split Applications into n shards by consistent hash (default 1)')
    .option('--shard <i>', "this replica's shard (default: from POD_NAME's StatefulSet ordinal)")
    .option('--no-notifications', 'do not read NotificationRules or send notifications and commit statuses')
    .option('--ui-url <url>', "trueup UI's base URL: notifications link to <url>/applications/<ns>/<name>")
    .option('--log-level <level>', 'debug, info, warn, error (default info)')
    .option('--max-tree-bytes <n>', 'render budget: bytes read over one render, all files (default 1 GiB)')
    .option(
      '--render-max-alias-nodes <n>',
      'render budget: nodes YAML aliases may expand to in one file (default 1000000)',
    )
    .option('--render-timeout <duration>', 'render budget: time of one render (default 5m)')
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      // Before the controller's modules load and its heap grows (src/cli/heap-growth.ts).
      const { applyHeapGrowth } = await import('../heap-growth.js');
      applyHeapGrowth(process.execArgv, process.env.NODE_OPTIONS);
      const { runController } = await import('../run-controller.js');
      const { context, leaderElect, webhookInsecure, notifications, ...rest } = opts;
      const handle = await runController(
        {
          ...rest,
          ...(leaderElect ? { leaderElect: true } : {}),
          ...(webhookInsecure ? { webhookInsecure: true } : {}),
          // commander sets notifications=true unless --no-notifications: only the "off" is passed,
          // so TRUEUP_NOTIFICATIONS still applies without the flag.
          ...(notifications === false ? { notifications: false } : {}),
        },
        process.env,
        {
          ...(typeof context === 'string' ? { context } : {}),
        },
      );
      if (handle.url) io.stderr(`trueup controller: serving ${handle.url}/metrics\n`);
      if (handle.uiUrl) io.stderr(`trueup controller: UI at ${handle.uiUrl}\n`);
      await handle.done;
      setExit(0);
    });
};
