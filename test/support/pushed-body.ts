/**
 * A response body the test writes into (a watch stream without a socket): each `send` is one
 * chunk as a socket read would deliver it; `highWaterMark` sets when the body counts as full.
 */
import { Readable } from 'node:stream';

export function pushedBody(highWaterMark = 16 * 1024) {
  const body = new Readable({ read() {}, highWaterMark });
  return {
    body,
    send: (text: string) => body.push(Buffer.from(text)),
    end: () => body.push(null),
    fail: (err: Error) => body.destroy(err),
  };
}
