/**
 * Cuts a watch response body into lines (one JSON event each) and hands them on, taking the
 * body's bytes in batches while events keep coming.
 *
 * Why batches: under status churn the API server flushes every event on its own, so a thousand
 * events a second are a thousand socket wake-ups, reads, TLS records taken one at a time, HTTP
 * parser calls and stream emissions, each with a fixed cost on top of the event's own. After a
 * read, the reader leaves the body unread for up to `coalesceMs`: the bytes wait in the stream's
 * buffer and then in the kernel (the socket stops reading once the stream's buffer is full), and
 * the next read takes all of them at once. A lone event after a quiet spell is dispatched at
 * once; events behind it wait at most `coalesceMs`. `coalesceMs: 0` reads each chunk as it
 * arrives.
 */
import type { Readable } from 'node:stream';
import { finished } from 'node:stream';

/** A one-shot timer (the runtime's Clock fits; tests pass a manual one). */
export interface WatchTimer {
  setTimer(ms: number, fn: () => void): { cancel(): void };
}

export interface LineReaderOptions {
  /** How long to leave the body unread after a read while events keep coming (ms); 0: never. */
  coalesceMs: number;
  timer: WatchTimer;
}

/** The default window: a drift is reverted at most this much later, far below a sync's own time. */
export const WATCH_COALESCE_MS = 100;

const NEWLINE = 0x0a;

/**
 * Calls `onLine` with each non-empty line of `body` until it ends; rejects with what `onLine`
 * throws (and destroys the body) or with the stream's error. Lines are cut from the bytes (a
 * newline never falls inside a UTF-8 character) and decoded once each: no string is rebuilt per
 * chunk, and no promise is made per chunk as an async iterator would.
 */
export function readLines(
  body: Readable,
  onLine: (line: string) => void,
  options: LineReaderOptions,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    /** The start of a line whose end has not arrived yet (chunks, in order). */
    let partial: Buffer[] = [];
    let failed = false;
    let window: { cancel(): void } | undefined;
    const fail = (err: unknown) => {
      failed = true;
      window?.cancel();
      window = undefined;
      reject(err);
    };
    const emit = (line: string): boolean => {
      const text = line.trim();
      if (!text) return true;
      try {
        onLine(text);
        return true;
      } catch (err) {
        fail(err);
        body.destroy();
        return false;
      }
    };
    /** Hands on the whole lines of `chunk`; false once `onLine` has thrown. */
    const take = (chunk: Buffer): boolean => {
      let start = 0;
      let nl = chunk.indexOf(NEWLINE);
      if (nl >= 0 && partial.length > 0) {
        partial.push(chunk.subarray(0, nl));
        const line = Buffer.concat(partial).toString('utf8');
        partial = [];
        if (!emit(line)) return false;
        start = nl + 1;
        nl = chunk.indexOf(NEWLINE, start);
      }
      for (; nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
        if (!emit(chunk.toString('utf8', start, nl))) return false;
        start = nl + 1;
      }
      if (start < chunk.length) partial.push(start === 0 ? chunk : chunk.subarray(start));
      return true;
    };

    if (options.coalesceMs <= 0) {
      body.on('data', (chunk: Buffer) => {
        if (!failed) take(chunk);
      });
    } else {
      /**
       * Takes what the body holds now; then waits for the window when something came and the
       * buffer was not full. A full buffer means the socket has stopped reading and more is
       * waiting in the kernel: read on at once (a window would only hold the stream back).
       */
      const drain = () => {
        let bytes = 0;
        for (let c = body.read() as Buffer | null; c !== null && !failed; c = body.read() as Buffer | null) {
          bytes += c.length;
          take(c);
        }
        if (failed || bytes === 0 || bytes >= body.readableHighWaterMark) return;
        window = options.timer.setTimer(options.coalesceMs, () => {
          window = undefined;
          if (!failed) drain();
        });
      };
      body.on('readable', () => {
        // Inside a window the bytes wait; the window's end takes them.
        if (!failed && !window) drain();
      });
    }
    finished(body, (err) => {
      if (failed) return;
      if (err) return fail(err);
      window?.cancel();
      if (partial.length > 0 && !emit(Buffer.concat(partial).toString('utf8'))) return;
      resolve();
    });
  });
}
