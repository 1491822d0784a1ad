/**
 * jq for `ignoreDifferences[].jqPathExpressions`: jq itself (jqlang/jq compiled to WebAssembly,
 * npm `jq-web`), run in-process; no binary is executed. Loading the WebAssembly module is
 * asynchronous and happens once (`loadJq`); evaluating is synchronous, so the ignore functions
 * stay plain functions of their inputs.
 *
 * Argo CD runs `del(EXPR)` on both the live and the desired object; `del(f)` is
 * `delpaths([path(f)])`, so the paths EXPR selects, removed from each side, give the same result.
 * Like Argo CD, an expression that fails on a particular object (e.g. iterating a field the
 * object does not have) selects nothing there; an expression jq cannot compile is an error.
 * A runtime error's text can quote the object's values (Secret data), so it is never surfaced.
 */
import { TrueupError } from '../api/errors.js';
import type { JsonValue } from '../api/object.js';

/** A path as jq's `path(f)` reports it: object keys and array indices. */
export type JqPath = (string | number)[];

/** The evaluator `loadJq` returns (tests may pass their own). */
export interface JqEngine {
  /** Every path `expression` selects in `input`; throws JqCompileError when it is not valid jq. */
  paths(expression: string, input: JsonValue): JqPath[];
}

/** The code of an expression jq refuses to compile (terminal: the Application must change). */
export const JQ_EXPRESSION_INVALID = 'IgnoreDifferencesJqInvalid';

interface JqWeb {
  json(input: unknown, filter: string): unknown;
}

/** jq's exit status for a program that does not compile (5 is a runtime error). */
const JQ_COMPILE_ERROR = 3;

function isPath(v: unknown): v is JqPath {
  return Array.isArray(v) && v.every((t) => typeof t === 'string' || typeof t === 'number');
}

/** The first line of jq's compile error, without the "jq: error:" prefix (it names no data). */
function compileMessage(err: unknown): string {
  const stderr = String((err as { stderr?: unknown }).stderr ?? '');
  const first = stderr.split('\n')[0] ?? '';
  return first.replace(/^jq: error: /, '').trim() || 'does not compile';
}

class WasmJq implements JqEngine {
  private readonly compiled = new Map<string, true | string>();

  constructor(private readonly jq: JqWeb) {}

  /**
   * Runs jq with its console warnings silenced: jq-web prints what a program writes to stderr
   * (`debug`, `stderr`) with console.warn, which would put object values (Secret data) in the
   * controller's output. The call is synchronous, so nothing else runs while it is swapped.
   */
  private run(input: unknown, filter: string): unknown {
    const warn = console.warn;
    console.warn = () => {};
    try {
      return this.jq.json(input, filter);
    } finally {
      console.warn = warn;
    }
  }

  /** Undefined when `expression` compiles on its own, else jq's message; remembered per expression. */
  private compileProblem(expression: string): string | undefined {
    let known = this.compiled.get(expression);
    if (known === undefined) {
      try {
        // Compiled as the body of a function that is never called (so a program that never ends
        // cannot hang here), on lines of its own (so a trailing # comment cannot swallow the
        // wrapper). This and path(...) below both compiling means it is one whole expression.
        this.run(null, `def expression:\n${expression}\n; empty`);
        known = true;
      } catch (err) {
        known = (err as { exitCode?: unknown }).exitCode === JQ_COMPILE_ERROR ? compileMessage(err) : true;
      }
      this.compiled.set(expression, known);
    }
    return known === true ? undefined : known;
  }

  paths(expression: string, input: JsonValue): JqPath[] {
    const invalid = (problem: string) =>
      new TrueupError(JQ_EXPRESSION_INVALID, `jqPathExpressions ${expression}: ${problem}`);
    const problem = this.compileProblem(expression);
    if (problem !== undefined) throw invalid(problem);
    let out: unknown;
    try {
      out = this.run(input, `[path(\n${expression}\n)]`);
    } catch (err) {
      if ((err as { exitCode?: unknown }).exitCode === JQ_COMPILE_ERROR) throw invalid(compileMessage(err));
      return []; // a runtime error on this object: selects nothing here (as Argo CD)
    }
    return Array.isArray(out) ? out.filter(isPath) : [];
  }
}

let loading: Promise<JqEngine> | undefined;

/** The jq engine, loaded (the WebAssembly module instantiated) on first use and shared. */
export function loadJq(): Promise<JqEngine> {
  loading ??= (async () => {
    const mod = await import('jq-web');
    return new WasmJq(await mod.default);
  })();
  return loading;
}
