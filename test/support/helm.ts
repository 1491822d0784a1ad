/**
 * The Helm engine and the reference `helm` binary for tests and benchmarks: built by
 * helm/build.sh (first time on a machine, a few minutes; cached by version and sources), and
 * the engine loaded once per test process.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HelmEngine } from '../../src/helm/engine.js';
import { runBuildScript } from './build-script.js';

const BUILD_SCRIPT = join(import.meta.dirname, '..', '..', 'helm', 'build.sh');

export interface HelmTools {
  /** The directory helm/build.sh built into. */
  dir: string;
  wasm: string;
  /** The reference `helm` CLI built from the same Helm module version. */
  helm: string;
}

/** Builds (or finds) the engine and the reference helm; `log` gets the build's progress lines. */
export async function buildHelmTools(log: (line: string) => void = () => {}): Promise<HelmTools> {
  const dir = (await runBuildScript(BUILD_SCRIPT, ['--with-reference'], log)).pop() ?? '';
  return { dir, wasm: join(dir, 'helm-engine.wasm'), helm: join(dir, 'helm') };
}

let tools: Promise<HelmTools> | undefined;
let engine: Promise<HelmEngine> | undefined;

export function helmTools(): Promise<HelmTools> {
  tools ??= buildHelmTools();
  return tools;
}

/** One engine per test process (loading it is the expensive part); idle, it does not hold the process. */
export function sharedEngine(): Promise<HelmEngine> {
  engine ??= helmTools().then((t) => HelmEngine.load(t.wasm));
  return engine;
}

const run = promisify(execFile);

/** Runs the reference helm with an isolated configuration (no repositories, no plugins, no kubeconfig). */
export async function referenceHelm(args: readonly string[], cwd?: string): Promise<string> {
  const { helm } = await helmTools();
  const home = join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'trueup-helm-home');
  const { stdout } = await run(helm, [...args], {
    cwd,
    maxBuffer: 256 * 1024 * 1024,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_DATA_HOME: join(home, 'data'),
      KUBECONFIG: '/dev/null',
    },
  });
  return stdout;
}
