/**
 * A local OCI registry for tests: the real `distribution` registry (built by
 * test/registry/build.sh) on loopback, with token auth as most registries do it: the registry
 * answers `401` with a `WWW-Authenticate: Bearer realm=…,service=…,scope=…` challenge, and a small
 * token server here (the realm) checks the client's basic credentials and issues an ES256 JWT
 * that the registry verifies against a JWKS file. Or, with `auth: 'htpasswd'`, the registry's own
 * basic auth (`auth.htpasswd`, bcrypt lines written here): `401` with `WWW-Authenticate: Basic`.
 * Charts are pushed as OCI artifacts the way `helm push` lays them out.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import {
  freePort,
  type ManagedProcess,
  removeOnExit,
  startProcess,
  waitUntil,
} from '../control-plane/processes.js';
import { runBuildScript } from '../support/build-script.js';

const BUILD_SCRIPT = join(import.meta.dirname, 'build.sh');

export const HELM_CONFIG_MEDIA_TYPE = 'application/vnd.cncf.helm.config.v1+json';
export const HELM_CHART_MEDIA_TYPE = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
export const OCI_MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';

let built: Promise<string> | undefined;

/** Builds (or finds) the registry binary; `log` gets the build's progress lines. */
export async function buildRegistry(log: (line: string) => void = () => {}): Promise<string> {
  built ??= runBuildScript(BUILD_SCRIPT, [], log).then((lines) => join(lines.pop() ?? '', 'registry'));
  return built;
}

export interface RegistryOptions {
  /** Accounts the token server accepts (basic auth on the realm). Default: none. */
  users?: Record<string, string>;
  /** Whether a token request without credentials is granted pull access. Default: false. */
  anonymousPull?: boolean;
  /**
   * `token` (default): the bearer-token flow above. `htpasswd`: the registry's basic auth, every
   * account in `users` (bcrypt in an htpasswd file); no anonymous access.
   */
  auth?: 'token' | 'htpasswd';
}

/** What the token server saw, for assertions (token caching, credentials sent). */
export interface TokenRequest {
  account: string | undefined;
  scope: string[];
  granted: boolean;
}

export interface PushedArtifact {
  manifestDigest: string;
  manifest: string;
}

export interface LocalRegistry {
  /** `127.0.0.1:PORT`: what goes after `oci://`. */
  host: string;
  /** The registry's base URL (`http://127.0.0.1:PORT`). */
  url: string;
  /** The token server's realm URL. */
  realm: string;
  tokenRequests: TokenRequest[];
  /** Stops the registry process only (an outage): the data and the port stay for `up`. */
  down(): Promise<void>;
  /** Starts the registry again after `down`, on the same port with the same data. */
  up(): Promise<void>;
  /** Pushes blobs and a manifest naming them under `tag`. */
  push(
    repository: string,
    tag: string,
    config: { mediaType: string; data: Uint8Array },
    layers: { mediaType: string; data: Uint8Array }[],
  ): Promise<PushedArtifact>;
  /** Pushes a packaged chart (.tgz bytes) as `helm push` would: config = Chart.yaml as JSON. */
  pushChart(
    repository: string,
    tag: string,
    chartYaml: Record<string, unknown>,
    tgz: Uint8Array,
  ): Promise<PushedArtifact>;
  stop(): Promise<void>;
}

const SERVICE = 'trueup-test-registry';
const ISSUER = 'trueup-test-token-server';

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export function sha256Digest(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

interface Access {
  type: string;
  name: string;
  actions: string[];
}

function mintToken(key: KeyObject, kid: string, subject: string, access: Access[]): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid }));
  const claims = b64url(
    JSON.stringify({
      iss: ISSUER,
      sub: subject,
      aud: SERVICE,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    }),
  );
  const signature = sign('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' });
  return `${header}.${claims}.${b64url(signature)}`;
}

/** `repository:name:pull,push` → an access entry (the registry's scope grammar). */
function parseScope(scope: string): Access | undefined {
  const parts = scope.split(':');
  if (parts.length < 3) return undefined;
  const actions = (parts.pop() ?? '').split(',').filter(Boolean);
  const type = parts.shift() ?? '';
  return { type, name: parts.join(':'), actions };
}

/** The account a token request names (basic auth), and whether its password is right. */
function basicAccount(
  req: IncomingMessage,
  users: Record<string, string>,
): { name: string; ok: boolean } | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined; // anonymous
  const [scheme, value] = header.split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !value) return { name: '', ok: false };
  const decoded = Buffer.from(value, 'base64').toString();
  const colon = decoded.indexOf(':');
  const name = colon > 0 ? decoded.slice(0, colon) : '';
  return { name, ok: colon > 0 && users[name] === decoded.slice(colon + 1) };
}

function startTokenServer(
  port: number,
  key: KeyObject,
  kid: string,
  options: RegistryOptions,
  seen: TokenRequest[],
): Promise<Server> {
  const users = options.users ?? {};
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ').filter(Boolean));
    const account = basicAccount(req, users);
    const granted = account ? account.ok : options.anonymousPull === true;
    seen.push({ account: account?.name, scope: scopes, granted });
    if (!granted || url.pathname !== '/token' || url.searchParams.get('service') !== SERVICE) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
      return;
    }
    const access = scopes
      .map(parseScope)
      .filter((a): a is Access => a !== undefined)
      .map((a) => (account ? a : { ...a, actions: a.actions.filter((x) => x === 'pull') }));
    const token = mintToken(key, kid, account?.name ?? '', access);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }),
    );
  });
  server.unref();
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function registryConfig(dir: string, port: number, auth: Record<string, unknown>): string {
  // JSON is YAML: the registry reads this as its configuration file.
  return JSON.stringify({
    version: 0.1,
    log: { level: 'info', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, 'data') }, delete: { enabled: true } },
    http: { addr: `127.0.0.1:${port}`, secret: randomUUID() },
    auth,
  });
}

/** An htpasswd file as the registry reads it: `user:bcrypt-hash` lines (cost 4: a test). */
export function htpasswdLines(users: Record<string, string>): string {
  return Object.entries(users)
    .map(([user, password]) => `${user}:${bcrypt.hashSync(password, 4)}\n`)
    .join('');
}

export async function startRegistry(options: RegistryOptions = {}): Promise<LocalRegistry> {
  const binary = await buildRegistry();
  const dir = mkdtempSync(join(tmpdir(), 'trueup-registry-'));
  const cleanup = removeOnExit(dir);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomUUID();
  const jwksPath = join(dir, 'jwks.json');
  writeFileSync(
    jwksPath,
    JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] }),
  );
  const tokenRequests: TokenRequest[] = [];
  const tokenPort = await freePort();
  const tokenServer = await startTokenServer(tokenPort, privateKey, kid, options, tokenRequests);
  const realm = `http://127.0.0.1:${tokenPort}/token`;
  const port = await freePort();
  const configPath = join(dir, 'config.yml');
  // With htpasswd, the test's own pushes go as an extra account no test names.
  const pusher = { user: `pusher-${randomUUID().slice(0, 8)}`, password: randomUUID() };
  if (options.auth === 'htpasswd') {
    const htpasswd = join(dir, 'htpasswd');
    writeFileSync(htpasswd, htpasswdLines({ ...options.users, [pusher.user]: pusher.password }));
    writeFileSync(configPath, registryConfig(dir, port, { htpasswd: { realm: SERVICE, path: htpasswd } }));
  } else {
    const token = { realm, service: SERVICE, issuer: ISSUER, jwks: jwksPath };
    writeFileSync(configPath, registryConfig(dir, port, { token }));
  }
  const url = `http://127.0.0.1:${port}`;
  const serve = async (): Promise<ManagedProcess> => {
    const started = startProcess('registry', binary, ['serve', configPath], dir);
    await waitUntil(
      'the registry answering /v2/',
      async () => (await fetch(`${url}/v2/`)).status === 401,
      started,
      30_000,
    );
    return started;
  };
  let proc: ManagedProcess | undefined = await serve();

  const pushAuth = (repository: string) =>
    options.auth === 'htpasswd'
      ? `Basic ${Buffer.from(`${pusher.user}:${pusher.password}`).toString('base64')}`
      : `Bearer ${mintToken(privateKey, kid, 'pusher', [
          { type: 'repository', name: repository, actions: ['pull', 'push'] },
        ])}`;

  async function pushBlob(repository: string, authorization: string, data: Uint8Array): Promise<string> {
    const digest = sha256Digest(data);
    const auth = { authorization };
    const start = await fetch(`${url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: auth });
    const location = start.headers.get('location');
    if (start.status !== 202 || !location)
      throw new Error(`blob upload start: ${start.status} ${await start.text()}`);
    const target = new URL(location, url);
    target.searchParams.set('digest', digest);
    const put = await fetch(target, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body: data,
    });
    if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${await put.text()}`);
    return digest;
  }

  const push: LocalRegistry['push'] = async (repository, tag, config, layers) => {
    const authorization = pushAuth(repository);
    const descriptor = async (blob: { mediaType: string; data: Uint8Array }) => ({
      mediaType: blob.mediaType,
      digest: await pushBlob(repository, authorization, blob.data),
      size: blob.data.byteLength,
    });
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST_MEDIA_TYPE,
      config: await descriptor(config),
      layers: await Promise.all(layers.map(descriptor)),
    });
    const res = await fetch(`${url}/v2/${repository}/manifests/${tag}`, {
      method: 'PUT',
      headers: { authorization, 'content-type': OCI_MANIFEST_MEDIA_TYPE },
      body: manifest,
    });
    if (res.status !== 201)
      throw new Error(`manifest push ${repository}:${tag}: ${res.status} ${await res.text()}`);
    return { manifestDigest: sha256Digest(Buffer.from(manifest)), manifest };
  };

  return {
    host: `127.0.0.1:${port}`,
    url,
    realm,
    tokenRequests,
    async down() {
      await proc?.stop();
      proc = undefined;
    },
    async up() {
      proc ??= await serve();
    },
    push,
    pushChart: (repository, tag, chartYaml, tgz) =>
      push(
        repository,
        tag,
        { mediaType: HELM_CONFIG_MEDIA_TYPE, data: Buffer.from(JSON.stringify(chartYaml)) },
        [{ mediaType: HELM_CHART_MEDIA_TYPE, data: tgz }],
      ),
    async stop() {
      await proc?.stop();
      await new Promise<void>((resolve) => tokenServer.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
      cleanup.forget();
    },
  };
}
