/**
 * The front end's built files (scripts/bundle-ui.mjs writes them to dist/ui/), read once into
 * memory. Each answer has an ETag (a 304 for a known one); the HTML is revalidated every time,
 * scripts and styles are cached for an hour (their ETag changes with every build).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { TrueupError } from '../api/errors.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

/** Files anyone may fetch (the login page's). */
const PUBLIC = new Set(['/login.html', '/login.js', '/style.css', '/favicon.svg']);

interface File {
  body: Buffer;
  type: string;
  etag: string;
  cacheControl: string;
}

export interface StaticFiles {
  has(path: string): boolean;
  isPublic(path: string): boolean;
  serve(req: IncomingMessage, res: ServerResponse, path: string, headers: Record<string, string>): void;
}

/** dist/ui-static, seen from this module compiled (dist/ui/) or from source (src/ui/). */
export function defaultStaticDir(): string {
  return join(import.meta.dirname, '..', '..', 'dist', 'ui-static');
}

export function loadStaticFiles(dir: string): StaticFiles {
  if (!existsSync(join(dir, 'index.html')))
    throw new TrueupError(
      'UiFilesMissing',
      `UI files: ${dir}/index.html not found (npm run build writes them)`,
    );
  const files = new Map<string, File>();
  for (const name of readdirSync(dir)) {
    const body = readFileSync(join(dir, name));
    const html = name.endsWith('.html');
    files.set(`/${name}`, {
      body,
      type: TYPES[extname(name)] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      cacheControl: html ? 'no-cache' : 'public, max-age=3600',
    });
  }
  return {
    has: (path) => files.has(path) && path !== '/login.html',
    isPublic: (path) => PUBLIC.has(path),
    serve(req, res, path, headers) {
      const f = files.get(path === '/login' ? '/login.html' : path);
      if (!f) {
        res.writeHead(404, { ...headers, 'content-type': 'text/plain' });
        res.end('not found\n');
        return;
      }
      const common = { ...headers, etag: f.etag, 'cache-control': f.cacheControl };
      if (req.headers['if-none-match'] === f.etag) {
        res.writeHead(304, common);
        res.end();
        return;
      }
      res.writeHead(200, { ...common, 'content-type': f.type, 'content-length': String(f.body.length) });
      res.end(req.method === 'HEAD' ? undefined : f.body);
    },
  };
}
