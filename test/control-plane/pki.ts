/**
 * Certificates for the local control plane: one CA, the API server's serving certificate, and
 * client certificates whose subject is the Kubernetes identity (CN = user, O = groups); and for
 * the aggregation layer, a front-proxy CA with the client certificate kube-apiserver presents
 * to extension API servers (metrics-server). Made with the openssl CLI: this is test
 * infrastructure, never the product's code path.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

// A config of our own, so the machine's openssl.cnf cannot add CA extensions to leaf certificates.
const OPENSSL_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
`;

export interface Pem {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
}

export interface Pki {
  ca: Pem;
  serving: Pem;
  /**
   * The aggregation layer's CA (kube-apiserver --requestheader-client-ca-file): extension API
   * servers trust user headers only from clients it signed, as Kubernetes keeps it apart from `ca`.
   */
  frontProxyCa: Pem;
  /** The client certificate kube-apiserver proxies with (--proxy-client-cert-file); CN front-proxy-client. */
  proxyClient: Pem;
  /** RSA key pair that signs and verifies service-account tokens. */
  serviceAccountKeyPath: string;
  serviceAccountPubPath: string;
  /** Issues a client certificate for `user` in `groups`; files are named after `fileStem`. */
  issueClient(fileStem: string, user: string, groups?: readonly string[]): Promise<Pem>;
  /** Issues a serving certificate signed by `ca` for `names` (DNS names or IP addresses). */
  issueServing(fileStem: string, commonName: string, names: readonly string[]): Promise<Pem>;
}

/** The CN kube-apiserver's proxy client certificate carries (--requestheader-allowed-names). */
export const FRONT_PROXY_CLIENT = 'front-proxy-client';

function subject(cn: string, groups: readonly string[] = []): string {
  const esc = (v: string) => v.replace(/[/=\\]/g, (c) => `\\${c}`);
  return `/CN=${esc(cn)}${groups.map((g) => `/O=${esc(g)}`).join('')}`;
}

async function issue(dir: string, stem: string, subj: string, exts: string[], ca?: Pem): Promise<Pem> {
  const certPath = join(dir, `${stem}.crt`);
  const keyPath = join(dir, `${stem}.key`);
  const args = ['req', '-x509', '-new', '-nodes', '-config', join(dir, 'openssl.cnf')];
  args.push('-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1');
  args.push('-keyout', keyPath, '-out', certPath, '-days', '3650', '-subj', subj);
  if (ca) args.push('-CA', ca.certPath, '-CAkey', ca.keyPath);
  for (const ext of exts) args.push('-addext', ext);
  await run('openssl', args);
  return { cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8'), certPath, keyPath };
}

const CA_EXTENSIONS = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'];
const LEAF = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment'];

/** A client certificate signed by the CA in `dir`, usable from any process that can read `dir`. */
export function issueClient(
  dir: string,
  ca: Pem,
  fileStem: string,
  user: string,
  groups: readonly string[] = [],
) {
  return issue(dir, fileStem, subject(user, groups), [...LEAF, 'extendedKeyUsage=clientAuth'], ca);
}

/** The CA of a control plane directory made by createPki. */
export async function loadCa(dir: string): Promise<Pem> {
  const certPath = join(dir, 'ca.crt');
  const keyPath = join(dir, 'ca.key');
  return { cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8'), certPath, keyPath };
}

export async function createPki(dir: string): Promise<Pki> {
  await writeFile(join(dir, 'openssl.cnf'), OPENSSL_CONFIG);
  const ca = await issue(dir, 'ca', subject('trueup-test-ca'), CA_EXTENSIONS);
  const issueServing = (fileStem: string, commonName: string, names: readonly string[]) => {
    const san = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
    const exts = [...LEAF, 'extendedKeyUsage=serverAuth', `subjectAltName=${san}`];
    return issue(dir, fileStem, subject(commonName), exts, ca);
  };
  const serving = await issueServing('apiserver', 'kube-apiserver', [
    '127.0.0.1',
    '10.0.0.1',
    'localhost',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
  ]);
  const frontProxyCa = await issue(dir, 'front-proxy-ca', subject('trueup-front-proxy-ca'), CA_EXTENSIONS);
  const proxyClient = await issueClient(dir, frontProxyCa, 'front-proxy-client', FRONT_PROXY_CLIENT);
  const sa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serviceAccountKeyPath = join(dir, 'sa.key');
  const serviceAccountPubPath = join(dir, 'sa.pub');
  await writeFile(serviceAccountKeyPath, sa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(serviceAccountPubPath, sa.publicKey.export({ type: 'spki', format: 'pem' }));
  return {
    ca,
    serving,
    frontProxyCa,
    proxyClient,
    serviceAccountKeyPath,
    serviceAccountPubPath,
    issueClient: (fileStem, user, groups = []) => issueClient(dir, ca, fileStem, user, groups),
    issueServing,
  };
}
