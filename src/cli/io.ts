/** Where a command writes; tests pass their own to assert on the output. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Exit codes, following sysexits where one fits. */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  /** `diff`: the cluster differs from the desired state (as `kubectl diff`). */
  Differs: 1,
  Internal: 70,
} as const;
