/** The part of npm `jq-web` (jq compiled to WebAssembly; it ships no types) that jq.ts uses. */
declare module 'jq-web' {
  interface JqWeb {
    /** Runs `filter` over `input` (JSON-encoded); throws an Error with `exitCode` and `stderr` on failure. */
    json(input: unknown, filter: string): unknown;
    raw(input: string, filter: string, flags?: string[]): string;
  }
  const jq: Promise<JqWeb>;
  export default jq;
}
