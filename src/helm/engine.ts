/**
 * The host side of the Helm engine: compiles the .wasm once, runs it in a worker thread (a slow
 * chart never blocks the caller's event loop), one render at a time, each under a time budget.
 * A render over budget terminates the worker (the only way to stop a running wasm call); the
 * next render starts a fresh worker from the already compiled module.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { errorMessage, type TrueupError } from '../api/errors.js';
import { engineErrorCode, HelmErrorCode, helmError } from './errors.js';
import type {
  EngineCall,
  EngineInfo,
  FromWorker,
  GoTemplateRequest,
  GoTemplateResult,
  HelmRenderResult,
  HelmRequest,
  WorkerData,
} from './protocol.js';
import { type WasmModule, wasm } from './webassembly.js';

/** What a chart render needs from an engine; the controller and the CLI depend on this only. */
export interface HelmRenderer {
  /** Renders one request; `label` names the chart in errors (`chart apps/web`). */
  render(request: HelmRequest, label: string): Promise<HelmRenderResult>;
}

export interface HelmEngineOptions {
  /** Time budget of one render, from the moment the worker starts it. Default 60 s. */
  timeoutMs?: number;
  /**
   * The module's memory only grows (Go's heap in WebAssembly is never given back): after a
   * render leaves it larger than this, the worker is replaced by a fresh one. Default 1 GiB.
   */
  maxMemoryBytes?: number;
}

/** Counters of an engine's life, for metrics and tests. */
export interface EngineStats {
  /** Renders the engine answered (results and failures; not timeouts or crashes). */
  renders: number;
  /** Workers started: the first, then one after each timeout, crash or memory recycle. */
  workersStarted: number;
  /** Workers replaced because their memory grew past maxMemoryBytes. */
  memoryRecycles: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_MEMORY_BYTES = 1024 * 1024 * 1024;

/**
 * Compiled, the worker is worker.js next to us. Running from source (tsx), it is worker.ts, and
 * tsx's loader does not reach worker threads by itself: a small bootstrap registers it first.
 */
function newWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./worker.js', import.meta.url), { workerData });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
  const boot = `import(${tsx}).then((tsx) => { tsx.register(); return import(${entry}); })`;
  return new Worker(boot, { eval: true, workerData });
}

interface Running {
  worker: Worker;
  info: EngineInfo;
}

export class HelmEngine implements HelmRenderer {
  private running: Promise<Running> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private closed = false;
  private readonly timeoutMs: number;
  private readonly maxMemoryBytes: number;
  private readonly counters: EngineStats = { renders: 0, workersStarted: 0, memoryRecycles: 0 };

  private constructor(
    private readonly module: WasmModule,
    readonly wasmPath: string,
    options: HelmEngineOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxMemoryBytes = options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
  }

  /** Compiles the engine at `wasmPath` and starts its worker (the Go runtime's start-up). */
  static async load(wasmPath: string, options: HelmEngineOptions = {}): Promise<HelmEngine> {
    let bytes: Buffer;
    try {
      bytes = await readFile(wasmPath);
    } catch (err) {
      throw helmError(HelmErrorCode.EngineMissing, `Helm engine ${wasmPath}: cannot read it`, err);
    }
    let module: WasmModule;
    try {
      module = await wasm.compile(bytes);
    } catch (err) {
      throw helmError(
        HelmErrorCode.EngineFailed,
        `Helm engine ${wasmPath}: not a valid WebAssembly module`,
        err,
      );
    }
    const engine = new HelmEngine(module, wasmPath, options);
    await engine.worker();
    return engine;
  }

  /** Versions of the loaded engine (Helm, Go, default Kubernetes version). */
  async info(): Promise<EngineInfo> {
    return (await this.worker()).info;
  }

  render(request: HelmRequest, label: string): Promise<HelmRenderResult> {
    return this.enqueue<HelmRenderResult>({ op: 'render', request }, label);
  }

  /**
   * Evaluates Go templates (text/template + sprig, Argo CD's function set) under the same time
   * budget and queue as renders; `label` names what they belong to in errors.
   */
  async templates(request: GoTemplateRequest, label: string): Promise<GoTemplateResult[]> {
    const out = await this.enqueue<{ results: GoTemplateResult[] }>({ op: 'template', request }, label);
    return out.results;
  }

  private enqueue<T>(call: EngineCall, label: string): Promise<T> {
    if (this.closed)
      return Promise.reject(helmError(HelmErrorCode.EngineFailed, `${label}: the Helm engine is closed`));
    const run = this.queue.then(() => this.callNow<T>(call, label));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stops the worker; pending renders fail. */
  async close(): Promise<void> {
    this.closed = true;
    const running = this.running;
    this.running = undefined;
    if (running) await (await running.catch(() => undefined))?.worker.terminate();
  }

  stats(): EngineStats {
    return { ...this.counters };
  }

  private worker(): Promise<Running> {
    if (!this.running) {
      this.counters.workersStarted++;
      this.running = startWorker(this.module, this.wasmPath);
    }
    const current = this.running;
    current.catch(() => {
      if (this.running === current) this.running = undefined;
    });
    return current;
  }

  /** Drops the worker (after a timeout or a crash) so the next render starts a fresh one. */
  private discard(worker: Worker): void {
    this.running = undefined;
    void worker.terminate();
  }

  private async callNow<T>(call: EngineCall, label: string): Promise<T> {
    const { worker } = await this.worker();
    const id = this.nextId++;
    worker.ref();
    try {
      return await new Promise<T>((resolve, reject) => {
        const done = (fn: () => void) => {
          clearTimeout(timer);
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
          fn();
        };
        const timer = setTimeout(() => {
          done(() => {
            this.discard(worker);
            reject(
              helmError(
                HelmErrorCode.Timeout,
                `${label}: rendering took longer than ${this.timeoutMs / 1000}s and was stopped (a template that loops?)`,
              ),
            );
          });
        }, this.timeoutMs);
        const onMessage = (msg: FromWorker) => {
          if (!('id' in msg) || msg.id !== id) return;
          done(() => {
            this.counters.renders++;
            if (msg.type !== 'crash' && msg.memoryBytes > this.maxMemoryBytes) {
              this.counters.memoryRecycles++;
              this.discard(worker);
            }
            if (msg.type === 'result') resolve(msg.result as T);
            else if (msg.type === 'failure') reject(failureError(label, msg.failure.error));
            else {
              this.discard(worker);
              reject(
                helmError(HelmErrorCode.EngineFailed, `${label}: the Helm engine crashed: ${msg.message}`),
              );
            }
          });
        };
        const onError = (err: Error) =>
          done(() => {
            this.discard(worker);
            reject(
              helmError(HelmErrorCode.EngineFailed, `${label}: the Helm engine failed: ${err.message}`, err),
            );
          });
        const onExit = (code: number) =>
          done(() => {
            this.discard(worker);
            reject(helmError(HelmErrorCode.EngineFailed, `${label}: the Helm engine exited (code ${code})`));
          });
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        worker.postMessage({ id, ...call });
      });
    } finally {
      // An idle engine does not keep the process alive.
      worker.unref();
    }
  }
}

function failureError(label: string, error: { code: string; message: string }): TrueupError {
  return helmError(engineErrorCode(error.code), `${label}: ${error.message.trimEnd()}`);
}

/** A scratch file for the module's fd 2, unlinked at once so nothing is left behind. */
function stdioFds(): { stderrFd: number; devNull: number } {
  const scratch = join(tmpdir(), `trueup-helm-${process.pid}-${randomUUID()}.stderr`);
  const stderrFd = openSync(scratch, 'w+');
  rmSync(scratch, { force: true });
  return { stderrFd, devNull: openSync('/dev/null', 'w') };
}

function startWorker(module: WasmModule, wasmPath: string): Promise<Running> {
  return new Promise<Running>((resolve, reject) => {
    let worker: Worker;
    const fds = stdioFds();
    const closeFds = () => {
      closeSync(fds.stderrFd);
      closeSync(fds.devNull);
    };
    try {
      worker = newWorker({ module, ...fds } satisfies WorkerData);
      worker.once('exit', closeFds);
    } catch (err) {
      closeFds();
      reject(
        helmError(
          HelmErrorCode.EngineFailed,
          `Helm engine ${wasmPath}: cannot start its worker: ${errorMessage(err)}`,
          err,
        ),
      );
      return;
    }
    const fail = (message: string, cause?: unknown) => {
      void worker.terminate();
      reject(helmError(HelmErrorCode.EngineFailed, `Helm engine ${wasmPath}: ${message}`, cause));
    };
    worker.once('message', (msg: FromWorker) => {
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (msg.type === 'ready') {
        worker.unref();
        resolve({ worker, info: msg.info });
      } else fail(msg.type === 'fatal' ? `cannot start: ${msg.message}` : 'unexpected first message');
    });
    const onError = (err: Error) => fail(`cannot start: ${err.message}`, err);
    const onExit = (code: number) => fail(`its worker exited while starting (code ${code})`);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
