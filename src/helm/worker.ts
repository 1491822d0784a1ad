/**
 * The worker thread that owns one instance of the engine. The module (compiled once by the
 * host) arrives in workerData; the instance lives as long as the worker. Requests are run one
 * at a time: the Go runtime in the module is single-threaded and keeps state between calls.
 *
 * The instance gets no preopened directories, no environment and no sockets; Go's own fatal
 * messages (written to fd 2 just before a trap) go to a scratch file so a crash can be
 * reported with its reason instead of on the process's stderr.
 */
import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineCall, EngineFailure, FromWorker, ToWorker, WorkerData } from './protocol.js';
import { type WasmMemory, wasm } from './webassembly.js';

interface Exports {
  memory: WasmMemory;
  trueup_alloc(size: number): number;
  trueup_free(ptr: number): void;
  trueup_render(ptr: number, len: number): bigint;
  trueup_template(ptr: number, len: number): bigint;
  trueup_info(): bigint;
  trueup_collect(): void;
}

const port = parentPort;
if (!port) throw new Error('src/helm/worker.ts runs as a worker thread only');
// The descriptors belong to the host, which closes them when this worker exits, however it ends.
const { module, stderrFd, devNull } = workerData as WorkerData;
const send = (msg: FromWorker) => port.postMessage(msg);

/** node:wasi warns that it is experimental on first import; that is known, not news for users. */
async function importWasi(): Promise<typeof import('node:wasi')> {
  const original = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.includes('WASI')) return;
    (original as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await import('node:wasi');
  } finally {
    process.emitWarning = original;
  }
}

function lastStderr(): string {
  const buf = Buffer.alloc(4096);
  const n = readSync(stderrFd, buf, 0, buf.length, 0);
  return buf.subarray(0, n).toString('utf8').trim();
}

/** Uint8Array values become base64 strings, which Go's encoding/json decodes into []byte. */
function encode(request: EngineCall['request']): Buffer {
  return Buffer.from(
    JSON.stringify(request, (_key, value: unknown) =>
      value instanceof Uint8Array
        ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
        : value,
    ),
  );
}

function readOut(ex: Exports, packed: bigint): unknown {
  const ptr = Number(packed >> 32n);
  const len = Number(packed & 0xffffffffn);
  const text = Buffer.from(new Uint8Array(ex.memory.buffer, ptr, len)).toString('utf8');
  ex.trueup_free(ptr);
  return JSON.parse(text);
}

function call(ex: Exports, msg: EngineCall): unknown {
  const input = encode(msg.request);
  const ptr = ex.trueup_alloc(input.length);
  new Uint8Array(ex.memory.buffer, ptr, input.length).set(input);
  const run = msg.op === 'render' ? ex.trueup_render : ex.trueup_template;
  return readOut(ex, run(ptr, input.length));
}

async function start(): Promise<Exports> {
  const { WASI } = await importWasi();
  // args[0] is read by Go packages' init (klog); the rest stays empty on purpose.
  const wasi = new WASI({
    version: 'preview1',
    args: ['trueup-helm-engine'],
    env: {},
    stdin: devNull,
    stdout: devNull,
    stderr: stderrFd,
    returnOnExit: true,
  });
  const instance = await wasm.instantiate(module, wasi.getImportObject());
  wasi.initialize(instance);
  const exports = instance.exports as unknown as Exports;
  // An engine built from older sources (TRUEUP_HELM_ENGINE pointing at it) lacks newer exports.
  if (typeof exports.trueup_collect !== 'function')
    throw new Error(
      'the engine has no trueup_collect: it was built from older sources; rebuild it with helm/build.sh',
    );
  return exports;
}

let ex: Exports;
try {
  ex = await start();
  send({ type: 'ready', info: readOut(ex, ex.trueup_info()) as never });
} catch (err) {
  send({ type: 'fatal', message: `${(err as Error).message}${stderrSuffix()}` });
  process.exit(1);
}

function stderrSuffix(): string {
  const text = lastStderr();
  return text ? `: ${text}` : '';
}

/** Set when the collection after a response trapped: the next call is answered as a crash. */
let broken: string | undefined;

port.on('message', (msg: ToWorker) => {
  let out: unknown;
  try {
    if (broken !== undefined) throw new Error(broken);
    out = call(ex, msg);
  } catch (err) {
    // A trap leaves the Go runtime in an unknown state: report it and let the host replace us.
    send({ type: 'crash', id: msg.id, message: `${(err as Error).message}${stderrSuffix()}` });
    port.close();
    return;
  }
  if (out && typeof out === 'object' && 'error' in out)
    send({
      type: 'failure',
      id: msg.id,
      failure: out as EngineFailure,
      memoryBytes: ex.memory.buffer.byteLength,
    });
  else
    send({
      type: 'result',
      id: msg.id,
      result: out,
      memoryBytes: ex.memory.buffer.byteLength,
    });
  // The call's garbage is collected after its answer is on its way (helm/wasm/main.go,
  // trueup_collect): the host does not wait for it, and the next call starts on a clean heap.
  try {
    ex.trueup_collect();
  } catch (err) {
    broken = `the collection after the previous call failed: ${(err as Error).message}`;
  }
});
