/**
 * The kubeconfig loader over in-memory files: kubectl's merge rules for a KUBECONFIG list, the
 * context/cluster/user selection, every credential kind, the in-cluster service account, and the
 * refusals (each naming the file and the entry). exec and auth-provider users go to the plugin
 * loader (client-node in the product), stubbed here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrueupError } from '../api/errors.js';
import type { HeaderValues, KubeConnection } from './connection.js';
import { loadKubeConnection } from './kubeconfig-load.js';
import { TOKEN_FILE_REREAD_MS } from './token-file.js';

const CA = Buffer.from('CA PEM').toString('base64');
const SECRET = 's3cr3t-token';

/** A kubeconfig document (JSON is YAML) with one cluster, user and context each, unless overridden. */
function doc(o: {
  cluster?: Record<string, unknown>;
  user?: Record<string, unknown>;
  context?: Record<string, unknown>;
  name?: string;
  current?: string | null;
}): string {
  const name = o.name ?? 'c1';
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: `https://${name}.example:6443`, ...o.cluster } }],
    users: [{ name, user: o.user ?? { token: `${name}-token` } }],
    contexts: [{ name, context: { cluster: name, user: name, ...o.context } }],
    ...(o.current === null ? {} : { 'current-context': o.current ?? name }),
  });
}

function fs(files: Record<string, string>) {
  return (path: string) => files[path];
}

async function headersOf(c: KubeConnection): Promise<HeaderValues> {
  return c.auth.kind === 'static' ? c.auth.headers : c.auth.headers();
}

async function load(
  files: Record<string, string>,
  o: { kubeconfig?: string; context?: string; env?: Record<string, string>; now?: () => number } = {},
) {
  return loadKubeConnection({
    kubeconfig: o.kubeconfig ?? '/k/config',
    context: o.context,
    env: o.env ?? {},
    readFile: fs(files),
    now: o.now ?? (() => 0),
    delimiter: ':',
    pluginAuth: async (s) => ({
      auth: {
        kind: 'refreshed',
        headers: async () => ({ Authorization: `Bearer from-plugin-${s.user.name}` }),
      },
    }),
  });
}

test('selection and merge rules: the connection each kubeconfig set-up yields', async () => {
  const cases: {
    name: string;
    files: Record<string, string>;
    kubeconfig?: string;
    context?: string;
    env?: Record<string, string>;
    server: string;
    headers: HeaderValues;
    extra?: (c: KubeConnection) => void;
  }[] = [
    {
      name: 'one file, current-context, token',
      files: { '/k/config': doc({}) },
      server: 'https://c1.example:6443',
      headers: { Authorization: 'Bearer c1-token' },
      extra: (c) => assert.equal(c.origin, 'kubeconfig /k/config (context c1)'),
    },
    {
      name: 'KUBECONFIG list: the first file to set a name wins, current-context from the first that sets it',
      files: {
        '/a': JSON.stringify({ ...JSON.parse(doc({ name: 'c1', current: null })) }),
        '/b': doc({ name: 'c1', user: { token: 'shadowed' }, current: 'c1' }),
        '/c': doc({ name: 'c2', current: 'c2' }),
      },
      kubeconfig: '/a:/b:/c',
      server: 'https://c1.example:6443',
      headers: { Authorization: 'Bearer c1-token' },
    },
    {
      name: 'a list skips files that do not exist, as kubectl does',
      files: { '/b': doc({ name: 'c2' }) },
      kubeconfig: '/missing:/b',
      server: 'https://c2.example:6443',
      headers: { Authorization: 'Bearer c2-token' },
    },
    {
      name: '--context picks another context; entries may come from different files',
      files: {
        '/a': doc({ name: 'c1' }),
        '/b': JSON.stringify({
          contexts: [{ name: 'mixed', context: { cluster: 'c1', user: 'c2', namespace: 'team' } }],
          users: [{ name: 'c2', user: { username: 'u', password: 'p' } }],
        }),
      },
      kubeconfig: '/a:/b',
      context: 'mixed',
      server: 'https://c1.example:6443',
      headers: { Authorization: `Basic ${Buffer.from('u:p').toString('base64')}` },
      extra: (c) => {
        assert.equal(c.namespace, 'team');
        assert.equal(c.userName, 'c2');
      },
    },
    {
      name: 'no kubeconfig: ~/.kube/config',
      files: { '/home/me/.kube/config': doc({ name: 'home' }) },
      kubeconfig: '',
      env: { HOME: '/home/me' },
      server: 'https://home.example:6443',
      headers: { Authorization: 'Bearer home-token' },
    },
    {
      name: 'no kubeconfig, no ~/.kube/config: in-cluster (IPv6 host in brackets, namespace file)',
      files: {
        '/var/run/secrets/kubernetes.io/serviceaccount/token': 'sa-token\n',
        '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt': 'CA PEM',
        '/var/run/secrets/kubernetes.io/serviceaccount/namespace': 'trueup-system',
      },
      kubeconfig: '',
      env: { HOME: '/home/me', KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
      server: 'https://[fd00::1]:443',
      headers: { Authorization: 'Bearer sa-token' },
      extra: (c) => {
        assert.equal(c.namespace, 'trueup-system');
        assert.equal(c.tls.ca?.toString(), 'CA PEM');
      },
    },
    {
      name: 'TLS: CA data, client certificate files relative to the kubeconfig, skip-verify, server name',
      files: {
        '/k/config': doc({
          cluster: {
            'certificate-authority-data': CA,
            'insecure-skip-tls-verify': true,
            'tls-server-name': 'api',
          },
          user: { 'client-certificate': 'pki/cert.pem', 'client-key': '/abs/key.pem' },
        }),
        '/k/pki/cert.pem': 'CERT',
        '/abs/key.pem': 'KEY',
      },
      server: 'https://c1.example:6443',
      headers: {},
      extra: (c) => {
        assert.equal(c.tls.ca?.toString(), 'CA PEM');
        assert.equal(c.tls.cert?.toString(), 'CERT');
        assert.equal(c.tls.key?.toString(), 'KEY');
        assert.equal(c.tls.insecureSkipVerify, true);
        assert.equal(c.tls.serverName, 'api');
      },
    },
    {
      name: 'http:// server, proxy-url, impersonation headers',
      files: {
        '/k/config': doc({
          cluster: { server: 'http://127.0.0.1:8080/', 'proxy-url': 'http://proxy:3128' },
          user: {
            token: 't',
            as: 'jane',
            'as-uid': '42',
            'as-groups': ['dev', 'ops'],
            'as-user-extra': { 'scopes/x': ['a'] },
          },
        }),
      },
      server: 'http://127.0.0.1:8080',
      headers: {
        Authorization: 'Bearer t',
        'Impersonate-User': 'jane',
        'Impersonate-Uid': '42',
        'Impersonate-Group': ['dev', 'ops'],
        'Impersonate-Extra-scopes%2Fx': ['a'],
      },
      extra: (c) => assert.equal(c.proxyUrl, 'http://proxy:3128'),
    },
    {
      name: 'exec users go to the plugin loader; impersonation is added to what it yields',
      files: {
        '/k/config': doc({
          user: { exec: { command: 'login', apiVersion: 'client.authentication.k8s.io/v1' }, as: 'x' },
        }),
      },
      server: 'https://c1.example:6443',
      headers: { Authorization: 'Bearer from-plugin-c1', 'Impersonate-User': 'x' },
    },
    {
      name: 'a context without a user is anonymous; extensions and disable-compression are accepted',
      files: {
        '/k/config': JSON.stringify({
          clusters: [
            { name: 'c', cluster: { server: 'https://c', extensions: [], 'disable-compression': true } },
          ],
          contexts: [{ name: 'x', context: { cluster: 'c' } }],
          'current-context': 'x',
        }),
      },
      server: 'https://c',
      headers: {},
    },
  ];
  for (const c of cases) {
    const conn = await load(c.files, {
      ...(c.kubeconfig === undefined ? {} : { kubeconfig: c.kubeconfig }),
      ...(c.context ? { context: c.context } : {}),
      ...(c.env ? { env: c.env } : {}),
    });
    assert.equal(conn.server, c.server, c.name);
    assert.deepEqual(await headersOf(conn), c.headers, c.name);
    c.extra?.(conn);
  }
});

test('refusals name the file and the entry, and never carry a credential', async () => {
  const cases: {
    files: Record<string, string>;
    kubeconfig?: string;
    context?: string;
    env?: Record<string, string>;
    code: string;
    message: RegExp;
  }[] = [
    { files: {}, code: 'KubeConfigNotFound', message: /^kubeconfig \/k\/config: no such file$/ },
    { files: {}, kubeconfig: '/a:/b', code: 'KubeConfigNotFound', message: /none of \/a, \/b exists/ },
    {
      files: {},
      kubeconfig: '',
      env: { HOME: '/h' },
      code: 'KubeConfigNotFound',
      message: /no kubeconfig: neither --kubeconfig nor KUBECONFIG/,
    },
    {
      files: { '/k/config': 'a: [' },
      code: 'KubeConfigInvalid',
      message: /^kubeconfig \/k\/config: not YAML/,
    },
    {
      files: { '/k/config': doc({ current: null }) },
      code: 'KubeConfigInvalid',
      message: /\/k\/config: no current-context/,
    },
    {
      files: { '/k/config': doc({}) },
      context: 'nope',
      code: 'KubeConfigInvalid',
      message: /\/k\/config: context nope not found/,
    },
    {
      files: { '/k/config': doc({ context: { cluster: 'gone' } }) },
      code: 'KubeConfigInvalid',
      message: /context c1: cluster gone not found/,
    },
    {
      files: { '/k/config': doc({ context: { user: 'gone' } }) },
      code: 'KubeConfigInvalid',
      message: /context c1: user gone not found/,
    },
    {
      files: { '/k/config': doc({ cluster: { 'certificate-authorty-data': CA } }) },
      code: 'KubeConfigInvalid',
      message: /^kubeconfig \/k\/config: cluster c1: unknown field certificate-authorty-data$/,
    },
    {
      files: { '/k/config': doc({ user: { token: SECRET, tokn: 'x' } }) },
      code: 'KubeConfigInvalid',
      message: /user c1: unknown field tokn/,
    },
    {
      files: { '/k/config': doc({ cluster: { server: 'c1.example:6443' } }) },
      code: 'KubeConfigInvalid',
      message: /cluster c1: server c1.example:6443 is neither https/,
    },
    {
      files: { '/k/config': doc({ cluster: { 'proxy-url': `socks5://u:${SECRET}@p:1080` } }) },
      code: 'KubeConfigUnsupported',
      message: /^kubeconfig \/k\/config: cluster c1: proxy-url with scheme socks5 is not supported/,
    },
    {
      files: {
        '/k/config': doc({
          cluster: { 'certificate-authority': 'ca.pem', 'certificate-authority-data': CA },
        }),
      },
      code: 'KubeConfigInvalid',
      message: /sets both certificate-authority and certificate-authority-data/,
    },
    {
      files: { '/k/config': doc({ user: { token: SECRET, username: 'u', password: SECRET } }) },
      code: 'KubeConfigInvalid',
      message: /user c1: sets token and username\/password; only one/,
    },
    {
      files: { '/k/config': doc({ user: { token: SECRET, tokenFile: '/t' } }) },
      code: 'KubeConfigInvalid',
      message: /sets token and tokenFile/,
    },
    {
      files: { '/k/config': doc({ user: { 'client-certificate-data': CA } }) },
      code: 'KubeConfigInvalid',
      message: /user c1: a client certificate needs its key/,
    },
    {
      files: { '/k/config': doc({ user: { 'as-groups': ['g'] } }) },
      code: 'KubeConfigInvalid',
      message: /user c1: as-uid, as-groups and as-user-extra need as/,
    },
    {
      files: { '/k/config': doc({ user: { 'client-certificate': 'c.pem', 'client-key': 'k.pem' } }) },
      code: 'KubeConfigInvalid',
      message: /user c1: client-certificate \/k\/c.pem: no such file/,
    },
    {
      files: { '/k/config': doc({ user: { tokenFile: 'missing' } }) },
      code: 'KubeConfigInvalid',
      message: /user c1: token file \/k\/missing cannot be read/,
    },
    {
      files: { '/var/run/secrets/kubernetes.io/serviceaccount/token': 't' },
      kubeconfig: '',
      env: {},
      code: 'KubeConfigNotFound',
      message:
        /in-cluster service account .*KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not both set/,
    },
  ];
  for (const c of cases) {
    await assert.rejects(
      load(c.files, {
        ...(c.kubeconfig === undefined ? {} : { kubeconfig: c.kubeconfig }),
        ...(c.context ? { context: c.context } : {}),
        ...(c.env ? { env: c.env } : {}),
      }),
      (err: unknown) => {
        assert.ok(isTrueupError(err), String(err));
        assert.equal(err.code, c.code, err.message);
        assert.match(err.message, c.message);
        assert.doesNotMatch(err.message, new RegExp(SECRET));
        return true;
      },
    );
  }
});

test('a tokenFile is read again once a minute has passed (a rotated token is used), not per request', async () => {
  const files: Record<string, string> = {
    '/k/config': doc({ user: { tokenFile: 'token' } }),
    '/k/token': 'one\n',
  };
  let now = 1_000;
  const conn = await load(files, { now: () => now });
  assert.equal(conn.auth.kind, 'refreshed');
  assert.deepEqual(await headersOf(conn), { Authorization: 'Bearer one' });
  files['/k/token'] = 'two';
  now += TOKEN_FILE_REREAD_MS - 1;
  assert.deepEqual(await headersOf(conn), { Authorization: 'Bearer one' });
  now += 1;
  assert.deepEqual(await headersOf(conn), { Authorization: 'Bearer two' });
  // The file gone for a moment: the last token is kept, the API server decides whether it holds.
  delete files['/k/token'];
  now += TOKEN_FILE_REREAD_MS;
  assert.deepEqual(await headersOf(conn), { Authorization: 'Bearer two' });
});
