/**
 * A real Git smart-HTTP server for tests: git's own `git http-backend` (CGI) behind a small Node
 * HTTP server on 127.0.0.1, with basic auth, request counters and injectable faults; and
 * repositories built with the `git` CLI.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Environment for every git CLI call: no user or system config, fixed identity. */
export const gitEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

export async function gitCli(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: gitEnv, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

export type RequestKind = 'refs' | 'pack' | 'other';
export type Fault =
  | { on: RequestKind; kind: 'status'; status: number; headers?: Record<string, string> }
  /** Send the response headers and this many body bytes, then nothing (socket kept open). */
  | { on: RequestKind; kind: 'stall'; afterBytes: number }
  /** Send the response headers and this many body bytes, then destroy the connection. */
  | { on: RequestKind; kind: 'close'; afterBytes: number };

export interface ServerRequest {
  method: string;
  path: string;
  kind: RequestKind;
  user?: string;
}

export class GitHttpServer {
  readonly requests: ServerRequest[] = [];
  /** Repositories whose name starts with `private/` need these credentials. */
  credentials = { username: 'alice', password: 's3cret-pw' };
  private faults: Fault[] = [];
  private readonly sockets = new Set<Socket>();
  private constructor(
    readonly root: string,
    private readonly server: Server,
    readonly port: number,
    private readonly scheme: 'http' | 'https' = 'http',
  ) {}

  /** Starts the server; with `tls` (a certificate for 127.0.0.1) it speaks HTTPS. */
  static async start(options: { tls?: { cert: string; key: string } } = {}): Promise<GitHttpServer> {
    const root = await mkdtemp(join(tmpdir(), 'trueup-git-'));
    await mkdir(join(root, 'repos'));
    let self: GitHttpServer | undefined;
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      self!.handle(req, res);
    };
    const server: Server = options.tls ? createHttpsServer(options.tls, handler) : createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new GitHttpServer(
      root,
      server,
      (server.address() as AddressInfo).port,
      options.tls ? 'https' : 'http',
    );
    server.on('connection', (socket: Socket) => {
      self!.sockets.add(socket);
      socket.on('close', () => self!.sockets.delete(socket));
    });
    return self;
  }

  url(name: string): string {
    return `${this.scheme}://127.0.0.1:${this.port}/${name}.git`;
  }

  /** Fails the next request of the fault's kind (one request per fault). */
  inject(fault: Fault): void {
    this.faults.push(fault);
  }

  count(kind: RequestKind): number {
    return this.requests.filter((r) => r.kind === kind).length;
  }

  reset(): void {
    this.requests.length = 0;
    this.faults = [];
  }

  async createRepo(name: string): Promise<TestRepo> {
    const bare = join(this.root, 'repos', `${name}.git`);
    const work = join(this.root, 'work', name);
    await mkdir(dirname(bare), { recursive: true });
    await mkdir(work, { recursive: true });
    await gitCli(this.root, 'init', '-q', '--bare', '-b', 'main', bare);
    await gitCli(work, 'init', '-q', '-b', 'main');
    return new TestRepo(work, bare);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.root, { recursive: true, force: true });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const kind: RequestKind = url.pathname.endsWith('/info/refs')
      ? 'refs'
      : url.pathname.endsWith('/git-upload-pack')
        ? 'pack'
        : 'other';
    const record: ServerRequest = { method: req.method ?? 'GET', path: url.pathname, kind };
    this.requests.push(record);
    if (url.pathname.startsWith('/private/')) {
      const header = req.headers.authorization ?? '';
      const want = `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
      if (header !== want) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"' }).end('unauthorized');
        req.resume();
        return;
      }
      record.user = this.credentials.username;
    }
    const index = this.faults.findIndex((f) => f.on === kind);
    const fault = index < 0 ? undefined : this.faults.splice(index, 1)[0];
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, fault.headers ?? {}).end(`injected ${fault.status}`);
      req.resume();
      return;
    }
    const env: NodeJS.ProcessEnv = {
      ...gitEnv,
      GIT_PROJECT_ROOT: join(this.root, 'repos'),
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method,
      PATH_INFO: url.pathname,
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: '127.0.0.1',
      ...(record.user ? { REMOTE_USER: record.user } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
    };
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    req.pipe(child.stdin);
    child.stdin.on('error', () => {});
    let head = Buffer.alloc(0);
    let headersSent = false;
    let sent = 0;
    let stopped = false;
    const send = (chunk: Buffer) => {
      if (stopped) return;
      if (fault && (fault.kind === 'stall' || fault.kind === 'close')) {
        const room = fault.afterBytes - sent;
        if (chunk.length >= room) {
          res.write(chunk.subarray(0, Math.max(room, 0)));
          stopped = true;
          child.kill();
          if (fault.kind === 'close') res.socket?.destroy();
          return;
        }
      }
      sent += chunk.length;
      res.write(chunk);
    };
    child.stdout.on('data', (data: Buffer) => {
      if (headersSent) return send(data);
      head = Buffer.concat([head, data]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = head.subarray(0, end).toString('latin1').split('\r\n');
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        const key = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[key] = value;
      }
      res.writeHead(status, headers);
      headersSent = true;
      const rest = head.subarray(end + 4);
      if (rest.length) send(rest);
    });
    child.on('close', () => {
      if (!stopped) res.end();
    });
  }
}

/** A repository: edited in a work tree with the git CLI, published to the served bare repo. */
export class TestRepo {
  constructor(
    readonly work: string,
    readonly bare: string,
  ) {}

  git(...args: string[]): Promise<string> {
    return gitCli(this.work, ...args);
  }

  /** Writes (string) or deletes (null) files, commits, publishes; returns the commit id. */
  async commit(files: Record<string, string | null>, message = 'change', branch?: string): Promise<string> {
    if (branch) await this.git('checkout', '-q', '-B', branch);
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.work, path);
      if (content === null) await rm(full, { force: true, recursive: true });
      else {
        await mkdir(dirname(full), { recursive: true });
        await writeFile(full, content);
      }
    }
    await this.git('add', '-A');
    await this.git('commit', '-q', '--allow-empty', '-m', message);
    await this.publish();
    return this.git('rev-parse', 'HEAD');
  }

  async symlink(path: string, target: string, message = 'link'): Promise<string> {
    const { symlink } = await import('node:fs/promises');
    await mkdir(dirname(join(this.work, path)), { recursive: true });
    await symlink(target, join(this.work, path));
    return this.commit({}, message);
  }

  async tag(name: string, options: { annotated?: boolean; at?: string } = {}): Promise<void> {
    const args = options.annotated ? ['tag', '-a', '-m', name, name] : ['tag', name];
    await this.git(...args, ...(options.at ? [options.at] : []));
    await this.publish();
  }

  /** Rewrites the last commit of the current branch (amend) and force-publishes it. */
  async amend(files: Record<string, string>, message = 'amended'): Promise<string> {
    for (const [path, content] of Object.entries(files)) await writeFile(join(this.work, path), content);
    await this.git('add', '-A');
    await this.git('commit', '-q', '--amend', '-m', message);
    await this.publish();
    return this.git('rev-parse', 'HEAD');
  }

  async deleteBranch(name: string): Promise<void> {
    await this.git('branch', '-q', '-D', name);
    await this.publish();
  }

  async checkout(branch: string): Promise<void> {
    await this.git('checkout', '-q', branch);
  }

  /** Mirrors every ref (including deletions and forced moves) to the served repository. */
  async publish(): Promise<void> {
    await this.git('push', '-q', '--mirror', '--force', this.bare);
  }
}
