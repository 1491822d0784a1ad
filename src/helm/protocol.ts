import type { WasmModule } from './webassembly.js';

/**
 * The shapes that cross into the engine (helm/wasm/request.go) and between the host and its
 * worker thread. Bytes stay bytes until the worker encodes the request as JSON.
 */

/** A file for the engine; `name` is chart-relative for chart files, a label for value files. */
export interface NamedBytes {
  name: string;
  data: Uint8Array;
}

/** One `helm template` invocation, with every input already read. */
export interface HelmRequest {
  /** The files of a chart directory (chart-relative paths) or a chart archive (.tgz). */
  chart: { files: NamedBytes[] } | { archive: Uint8Array };
  releaseName: string;
  namespace: string;
  /** `-f` files in order (later files win). */
  valueFiles: NamedBytes[];
  /** `--set` and `--set-string` expressions, applied after the files. */
  set: string[];
  setString: string[];
  /** Capabilities: empty means Helm's defaults, as in `helm template`. */
  kubeVersion: string;
  apiVersions: string[];
  /** `--include-crds`: the crds/ directories' objects come first. */
  includeCrds: boolean;
  isUpgrade: boolean;
}

/**
 * Go templates outside charts (helm/wasm/template.go): each item's template is evaluated with its
 * data by text/template + sprig (Argo CD's function set), with the same `options`
 * (`missingkey=error`...) for all.
 */
export interface GoTemplateRequest {
  options: string[];
  items: { template: string; data: unknown }[];
}

/** One item's output, or why it failed (one bad item does not fail the others). */
export type GoTemplateResult = { output: string } | { error: string };

/** What the host asks a worker to run: a chart render or a batch of Go templates. */
export type EngineCall =
  | { op: 'render'; request: HelmRequest }
  | { op: 'template'; request: GoTemplateRequest };

/** A rendered document, `source` being the template path printed in `# Source:` lines. */
export interface HelmDocument {
  source: string;
  content: string;
}

/** A document with a `helm.sh/hook` annotation, as Helm's manifest sorter reads it. */
export interface HelmHook extends HelmDocument {
  kind: string;
  name: string;
  /** pre-install, post-upgrade, test, ... */
  events: string[];
  weight: number;
  deletePolicies: string[];
}

export interface HelmRenderResult {
  chart: { name: string; version: string };
  /** The crds/ objects (when includeCrds), then manifests in Helm's install order, then hooks. */
  crds: HelmDocument[];
  manifests: HelmDocument[];
  hooks: HelmHook[];
  /** The top chart's rendered NOTES.txt. */
  notes: string;
  /** What Helm logged while rendering (coalescing warnings, skipped unknown hooks, ...). */
  warnings: string[];
}

export interface EngineInfo {
  helmVersion: string;
  goVersion: string;
  /** The default .Capabilities.KubeVersion. */
  kubeVersion: string;
}

/** The engine's error answer (helm/wasm/errors.go). */
export interface EngineFailure {
  error: { code: string; message: string };
  warnings?: string[];
}

/** What a worker starts with: the compiled module and the descriptors for its stdio. */
export interface WorkerData {
  module: WasmModule;
  /** An unlinked scratch file that receives Go's fd 2 (fatal messages before a trap). */
  stderrFd: number;
  /** /dev/null, for the module's stdin and stdout. */
  devNull: number;
}

export type ToWorker = { id: number } & EngineCall;

export type FromWorker =
  | { type: 'ready'; info: EngineInfo }
  | { type: 'fatal'; message: string }
  /** `memoryBytes`: the module's linear memory after the call (it grows, never shrinks). */
  /** `result`: a HelmRenderResult for `render`, `{ results: GoTemplateResult[] }` for `template`. */
  | { type: 'result'; id: number; result: unknown; memoryBytes: number }
  | { type: 'failure'; id: number; failure: EngineFailure; memoryBytes: number }
  /** The module trapped (Go fatal error, out of memory): the worker is unusable. */
  | { type: 'crash'; id: number; message: string };
