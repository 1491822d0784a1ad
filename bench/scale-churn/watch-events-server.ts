/**
 * A stand-in API server for watch-events.ts (its own process, so its CPU is not counted):
 * discovery of Widgets, a LIST of N Widgets carrying trueup tracking ids, and a watch that
 * streams status-only MODIFIED events at RATE a second, round robin over the N (each as the
 * API server sends a status write: a new resourceVersion, the status writer's managedFields
 * entry with a new time, a new status).
 * Usage (from watch-events.ts): watch-events-server.ts N RATE; prints its port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const [n, rate] = [Number(process.argv[2]), Number(process.argv[3])];
const api = 'churn.trueup.dev/v1';
const ns = 'churn-dest';
const app = (i: number) => `c${String(Math.floor(i / 10)).padStart(5, '0')}`;
const name = (i: number) => `${app(i)}-w${i % 10}`;
let rv = 1000;

const widget = (i: number, round: number) => ({
  apiVersion: api,
  kind: 'Widget',
  metadata: {
    annotations: {
      'trueup.dev/tracking-id': `churn-apps/${app(i)}:churn.trueup.dev/Widget:${ns}/${name(i)}`,
    },
    creationTimestamp: '2026-12-06T03:20:00Z',
    generation: 1,
    managedFields: [
      {
        apiVersion: api,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:annotations': { 'f:trueup.dev/tracking-id': {} } },
          'f:spec': { 'f:size': {} },
        },
        manager: 'trueup',
        operation: 'Apply',
        time: '2026-12-06T03:20:00Z',
      },
      {
        apiVersion: api,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:status': { '.': {}, 'f:conditions': {}, 'f:lastProbe': {}, 'f:observedTick': {} } },
        manager: 'bench-operator',
        operation: 'Update',
        subresource: 'status',
        time: `${new Date().toISOString().slice(0, 19)}Z`,
      },
    ],
    name: name(i),
    namespace: ns,
    resourceVersion: String(rv),
    uid: `0b1c2d3e-4f50-6172-8394-${String(i).padStart(12, '0')}`,
  },
  spec: { size: i % 10 },
  status: {
    conditions: [{ message: '', reason: 'Reconciled', status: 'True', type: 'Ready' }],
    lastProbe: new Date(round * 1000).toISOString(),
    observedTick: round,
  },
});

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  res.setHeader('content-type', 'application/json');
  if (url.pathname === `/apis/${api}`) {
    res.end(JSON.stringify({ resources: [{ name: 'widgets', kind: 'Widget', namespaced: true }] }));
    return;
  }
  if (url.pathname !== `/apis/${api}/widgets`) {
    res.statusCode = 404;
    res.end('{}');
    return;
  }
  if (url.searchParams.get('watch') !== 'true') {
    const items = Array.from({ length: n }, (_, i) => {
      const { apiVersion: _a, kind: _k, ...item } = widget(i, 1);
      return item;
    });
    res.end(JSON.stringify({ metadata: { resourceVersion: String(rv) }, items }));
    return;
  }
  res.flushHeaders();
  const started = Date.now();
  let sent = 0;
  // One write per event, as the API server flushes each.
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    for (; sent < due; sent++) {
      rv++;
      res.write(
        `${JSON.stringify({ type: 'MODIFIED', object: widget(sent % n, 2 + Math.floor(sent / n)) })}\n`,
      );
    }
  }, 5);
  req.on('close', () => clearInterval(timer));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
