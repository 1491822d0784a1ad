/**
 * Durations as Go's time.ParseDuration reads them (`90s`, `1m30s`, `1.5h`, `200ms`): the form
 * Argo CD's and Flux's fields take, and the one DURATION_PATTERN admits in the CRDs.
 */
/** Duration text as Go's time.ParseDuration reads it (`5s`, `1m30s`, `200ms`). */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const PART = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/y;

/** Milliseconds, or undefined when `text` is not a Go duration. */
export function goDurationMs(text: string): number | undefined {
  if (text === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const m = PART.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  }
  return total;
}
