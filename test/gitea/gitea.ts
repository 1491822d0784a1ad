/**
 * A real Gitea for tests (built by test/gitea/build.sh): started on loopback with a throw-away
 * app.ini (SQLite, INSTALL_LOCK, offline, no mailer, no SSH), an admin user and an API token made
 * with its own CLI, repositories made through its API, pushed to with the git CLI over HTTP.
 *
 *   const gitea = await startGitea();            // builds once per machine (minutes), then cached
 *   const repo = await gitea.createRepo('config'); // { cloneUrl, pushUrl, owner, name }
 *   await gitea.commitStatuses(repo, sha);         // what was posted to a commit
 *   await gitea.stop();
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  freePort,
  type ManagedProcess,
  removeOnExit,
  startProcess,
  waitUntil,
} from '../control-plane/processes.js';
import { runBuildScript } from '../support/build-script.js';

const run = promisify(execFile);
const BUILD_SCRIPT = new URL('./build.sh', import.meta.url).pathname;

export const GITEA_ADMIN = 'trueup-admin';
const ADMIN_PASSWORD = 'trueup-test-password-1';

export interface GiteaRepo {
  owner: string;
  name: string;
  /** Anonymous clone URL (public repository): what an Application's repoURL names. */
  cloneUrl: string;
  /** Clone URL with the admin's credentials, for `git push`. */
  pushUrl: string;
}

export interface GiteaCommitStatus {
  id: number;
  context: string;
  /** pending, success, error, failure, warning */
  status: string;
  description: string;
  target_url: string;
}

export interface Gitea {
  /** http://127.0.0.1:<port> */
  url: string;
  /** An admin API token (all scopes). */
  token: string;
  admin: string;
  dir: string;
  createRepo(name: string): Promise<GiteaRepo>;
  /** Every status of a commit, oldest first. */
  commitStatuses(repo: GiteaRepo, sha: string): Promise<GiteaCommitStatus[]>;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  logTail(lines?: number): Promise<string>;
  stop(): Promise<void>;
}

/** The built Gitea directory (binary + options/templates/public); builds it on first use. */
export async function giteaDir(log: (line: string) => void = () => {}): Promise<string> {
  const lines = await runBuildScript(BUILD_SCRIPT, [], log);
  const dir = lines.at(-1);
  if (!dir) throw new Error('test/gitea/build.sh printed no directory');
  return dir;
}

function appIni(o: { dir: string; port: number; staticRoot: string }): string {
  const p = (...s: string[]) => join(o.dir, ...s);
  // Gitea refuses to run as root unless told; test machines and CI containers often are root.
  const root = process.getuid?.() === 0 ? 'I_AM_BEING_UNSAFE_RUNNING_AS_ROOT = true\n' : '';
  return `APP_NAME = trueup-test
RUN_MODE = prod
RUN_USER = ${userInfo().username}
WORK_PATH = ${o.dir}
${root}
[server]
PROTOCOL = http
HTTP_ADDR = 127.0.0.1
HTTP_PORT = ${o.port}
ROOT_URL = http://127.0.0.1:${o.port}/
DOMAIN = 127.0.0.1
DISABLE_SSH = true
START_SSH_SERVER = false
OFFLINE_MODE = true
LFS_START_SERVER = false
APP_DATA_PATH = ${p('data')}
STATIC_ROOT_PATH = ${o.staticRoot}

[database]
DB_TYPE = sqlite3
PATH = ${p('data', 'gitea.db')}

[repository]
ROOT = ${p('repositories')}

[security]
INSTALL_LOCK = true
SECRET_KEY = trueup-test-secret-key-not-secret
INTERNAL_TOKEN = eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYmYiOjE3MDAwMDAwMDB9.trueup-test-internal-token

[oauth2]
ENABLED = false

[service]
DISABLE_REGISTRATION = true
REQUIRE_SIGNIN_VIEW = false

[mailer]
ENABLED = false

[actions]
ENABLED = false

[indexer]
REPO_INDEXER_ENABLED = false

[cron]
ENABLED = false

[log]
MODE = console
LEVEL = Warn
ROOT_PATH = ${p('log')}
`;
}

/** Starts a Gitea of its own (a temp dir, a free port); stop() removes everything. */
export async function startGitea(log: (line: string) => void = () => {}): Promise<Gitea> {
  const built = await giteaDir(log);
  const binary = join(built, 'gitea');
  const dir = await mkdtemp(join(tmpdir(), 'trueup-gitea-'));
  const cleanup = removeOnExit(dir);
  const port = await freePort();
  const config = join(dir, 'app.ini');
  await writeFile(config, appIni({ dir, port, staticRoot: built }));
  const env = { ...process.env, GITEA_WORK_DIR: dir, HOME: dir };
  const cli = (...args: string[]) =>
    run(binary, [...args, '--config', config], { env, cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  await cli('migrate');
  const { stdout } = await cli(
    'admin',
    'user',
    'create',
    '--admin',
    '--username',
    GITEA_ADMIN,
    '--password',
    ADMIN_PASSWORD,
    '--email',
    'admin@trueup.invalid',
    '--must-change-password=false',
    '--access-token',
    '--access-token-name',
    'trueup-tests',
    '--access-token-scopes',
    'all',
  );
  const token = /([0-9a-f]{40})/.exec(stdout)?.[1];
  if (!token) throw new Error(`gitea admin user create printed no token:\n${stdout}`);

  const proc: ManagedProcess = startProcess(
    'gitea',
    binary,
    ['web', '--config', config, '--port', String(port)],
    dir,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntil('its API answers', async () => (await fetch(`${url}/api/v1/version`)).ok, proc, 60_000);

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `token ${token}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, json };
  };

  return {
    url,
    token,
    admin: GITEA_ADMIN,
    dir,
    api,
    async createRepo(name) {
      const res = await api('POST', '/user/repos', {
        name,
        private: false,
        auto_init: false,
        default_branch: 'main',
      });
      if (res.status !== 201)
        throw new Error(`gitea: create repo ${name}: HTTP ${res.status} ${JSON.stringify(res.json)}`);
      return {
        owner: GITEA_ADMIN,
        name,
        cloneUrl: `${url}/${GITEA_ADMIN}/${name}.git`,
        pushUrl: `http://${GITEA_ADMIN}:${ADMIN_PASSWORD}@127.0.0.1:${port}/${GITEA_ADMIN}/${name}.git`,
      };
    },
    async commitStatuses(repo, sha) {
      const res = await api('GET', `/repos/${repo.owner}/${repo.name}/commits/${sha}/statuses?limit=50`);
      if (res.status !== 200) throw new Error(`gitea: statuses of ${sha}: HTTP ${res.status}`);
      return [...(res.json as GiteaCommitStatus[])].sort((a, b) => a.id - b.id);
    },
    logTail: (lines) => proc.logTail(lines),
    async stop() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
      cleanup.forget();
    },
  };
}
