/**
 * A stand-in API server for watch-events.ts (its own process, so its CPU is not counted):
 * discovery of Widgets, a LIST of N Widgets carrying trueup tracking ids, and a watch that
 * streams status-only MODIFIED events at RATE a second, round robin over the N (widget-events.ts:
 * each as the API server sends a status write).
 * Usage (from watch-events.ts): watch-events-server.ts N RATE; prints its port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WIDGET_EVENTS_API as api, widgetDiscovery, widgetList, widgetWatchLine } from './widget-events.js';

const [n, rate] = [Number(process.argv[2]), Number(process.argv[3])];
let rv = 1000;

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  res.setHeader('content-type', 'application/json');
  if (url.pathname === `/apis/${api}`) {
    res.end(JSON.stringify(widgetDiscovery));
    return;
  }
  if (url.pathname !== `/apis/${api}/widgets`) {
    res.statusCode = 404;
    res.end('{}');
    return;
  }
  if (url.searchParams.get('watch') !== 'true') {
    res.end(JSON.stringify(widgetList(n, rv)));
    return;
  }
  res.flushHeaders();
  const started = Date.now();
  let sent = 0;
  // One write per event, as the API server flushes each.
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    for (; sent < due; sent++) {
      res.write(widgetWatchLine(sent % n, 2 + Math.floor(sent / n), ++rv));
    }
  }, 5);
  req.on('close', () => clearInterval(timer));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
