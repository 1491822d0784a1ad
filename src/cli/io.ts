import { writeSync } from 'node:fs';

/** Where a command writes; tests pass their own to assert on the output. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

type WriteFd = (fd: number, bytes: Uint8Array, offset: number, length: number) => number;

/**
 * Writes to file descriptor `fd` with write(2) until a write fails (EAGAIN on a non-blocking
 * pipe, EPIPE, ...), then hands what is left, and every later text, to `stream()`, which queues
 * and reports errors as process.stdout always did. Creating process.stdout for a pipe loads node's
 * net and stream modules (~3 ms); `trueup render` prints its whole output in one write.
 */
export function fdWriter(
  fd: number,
  stream: () => { write(chunk: string | Uint8Array): unknown },
  write: WriteFd = writeSync,
): (text: string) => void {
  let direct = true;
  return (text) => {
    if (!direct) {
      stream().write(text);
      return;
    }
    const bytes = Buffer.from(text);
    let offset = 0;
    try {
      while (offset < bytes.length) offset += write(fd, bytes, offset, bytes.length - offset);
    } catch {
      direct = false;
      stream().write(bytes.subarray(offset));
    }
  };
}

export const processIO: CliIO = {
  stdout: fdWriter(1, () => process.stdout),
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
