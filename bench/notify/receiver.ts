/**
 * The bench's webhook receiver, in its own process (forked by bench.ts): a real receiver runs
 * elsewhere, so its request parsing and signature checks must not share the controller's event
 * loop. Answers IPC messages: `stats` → { received, badSignatures, lastAt } (lastAt in epoch ms),
 * `close` → exits.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { verifySignature } from '../../src/notify/payloads.js';

const key = process.argv[2] ?? '';
let received = 0;
let badSignatures = 0;
let lastAt = 0;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => {
    body += c.toString();
  });
  req.on('end', () => {
    received++;
    if (!verifySignature(key, body, req.headers['x-trueup-signature-256'] as string)) badSignatures++;
    lastAt = performance.timeOrigin + performance.now();
    res.end('ok');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('message', (m: string) => {
  if (m === 'stats') process.send?.({ received, badSignatures, lastAt });
  else if (m === 'close') server.close(() => process.exit(0));
});
