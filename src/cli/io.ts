import { writeSync } from 'node:fs';

/** Where a command writes; tests pass their own to assert on the output. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

type WriteFd = (fd: number, bytes: Uint8Array, offset: number, length: number) => number;

/**
 * Writes to file descriptor `fd` with write(2) until a write fails (EAGAIN on a non-blocking
 * pipe, ...), then hands what is left, and every later text, to `stream()`, which queues and
 * reports errors as process.stdout always did. Creating process.stdout for a pipe loads node's
 * net and stream modules (~3 ms); `trueup render` prints its whole output in one write.
 *
 * EPIPE means the reader has gone (`trueup render DIR | head -1`): nobody can see the rest, so
 * it and every later text are dropped, as a program killed by SIGPIPE would drop them (node
 * ignores SIGPIPE), without a stack trace.
 */
export function fdWriter(
  fd: number,
  stream: () => { write(chunk: string | Uint8Array): unknown },
  write: WriteFd = writeSync,
): (text: string) => void {
  let direct = true;
  let closed = false;
  return (text) => {
    if (closed) return;
    if (!direct) {
      stream().write(text);
      return;
    }
    const bytes = Buffer.from(text);
    let offset = 0;
    try {
      while (offset < bytes.length) offset += write(fd, bytes, offset, bytes.length - offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EPIPE') {
        closed = true;
        return;
      }
      direct = false;
      stream().write(bytes.subarray(offset));
    }
  };
}

/**
 * `stream` with EPIPE errors ignored (the reader closed the pipe: later writes go nowhere); any
 * other write error is thrown as an unhandled stream error would be.
 */
export function quietOnClosedPipe<S extends NodeJS.EventEmitter>(stream: S): S {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  return stream;
}

let stdoutStream: NodeJS.WriteStream | undefined;

export const processIO: CliIO = {
  stdout: fdWriter(1, () => {
    stdoutStream ??= quietOnClosedPipe(process.stdout);
    return stdoutStream;
  }),
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
