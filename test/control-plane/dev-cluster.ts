/**
 * `npm run cluster`: a local control plane in the foreground for a human. Prints the
 * `export KUBECONFIG=...` line; Ctrl-C stops every process and removes the temp directory.
 */
import { startControlPlane } from './control-plane.js';

const cp = await startControlPlane({
  workloads: !process.argv.includes('--no-workloads'),
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(
  `\nThe control plane is up (${cp.server}). In another shell:\n\n  export KUBECONFIG=${cp.kubeconfigPath}\n  kubectl get ns\n\nCtrl-C stops it.\n`,
);
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  process.stderr.write('\nstopping the control plane...\n');
  await cp.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
// Keep the event loop alive until a signal arrives.
setInterval(() => {}, 1 << 30);
