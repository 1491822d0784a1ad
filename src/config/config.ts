/**
 * The controller's configuration: read once at the edge from flags and the environment
 * (flags win), validated, and frozen. Modules receive this object; none reads process.env.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TrueupError } from '../api/errors.js';

export interface LeaderElectionConfig {
  enabled: boolean;
  leaseName: string;
  leaseNamespace: string;
  /** Milliseconds. */
  leaseDuration: number;
  renewDeadline: number;
  retryPeriod: number;
}

export interface LimitsConfig {
  /** Render budget: bytes read over one render, all files together (no per-file limit). */
  maxTreeBytes: number;
  /** Render budget: nodes YAML alias and merge-key expansion may add in one file. */
  renderMaxAliasNodes: number;
  /** Render budget: wall-clock time of one render (ms). */
  renderTimeout: number;
  /** Largest repository fetched (bytes). */
  maxRepoBytes: number;
  /** Timeout of one Git network operation (ms). */
  gitTimeout: number;
  /** Rendered trees kept in memory. */
  renderCacheEntries: number;
}

export interface ControllerConfig {
  /** Applications reconciled at once. */
  concurrency: number;
  /** Periodic re-check (Git poll) per Application, ms (default 3 minutes). */
  requeueInterval: number;
  /** Namespaces whose Applications are watched; empty = all. */
  namespaces: readonly string[];
  /** `host:port` of /metrics, /healthz, /readyz and /webhook; empty disables. */
  metricsAddress: string;
  /**
   * `host:port` of the web UI and its JSON API (/api/v1/), on its own port; empty (the default)
   * disables it. Callers authenticate with bearer tokens (TokenReview) and every read and action
   * is authorised with SubjectAccessReview.
   */
  uiAddress: string;
  /** PEM files of the UI's TLS certificate and key; both or neither (then plain HTTP, e.g. behind TLS ingress). */
  uiTlsCertFile: string;
  uiTlsKeyFile: string;
  leaderElection: LeaderElectionConfig;
  /** Git cache directory. */
  cacheDir: string;
  /** HMAC secret for POST /webhook (GitHub/Gitea X-Hub-Signature-256, GitLab token); empty: refused unless `webhookInsecure`. */
  webhookSecret: string;
  /** Accept unsigned webhook requests when no secret is set (explicit opt-in; refused together with a secret). */
  webhookInsecure: boolean;
  /**
   * Liveness (/healthz): how long queued work may wait while no worker starts or finishes a key
   * before the controller counts as wedged, ms (default 15 minutes: longer than a sync that
   * waits for its waves' health).
   */
  stallTimeout: number;
  /** A Secret from Git holding cleartext data fails the sync (nothing applied or pruned) instead of warning. */
  denyPlainSecrets: boolean;
  limits: LimitsConfig;
  /** Path to a kubeconfig; empty = in-cluster or the default loading rules. */
  kubeconfig: string;
  logLevel: string;
  /** Install or update trueup's CRDs (crds/) at start. */
  installCrd: boolean;
  /** Shards the Applications are split into (consistent hash of namespace/name); 1 = unsharded. */
  shards: number;
  /** This replica's shard; undefined: from the pod name's StatefulSet ordinal (`podName`), else 0. */
  shard: number | undefined;
  /** The pod's name (POD_NAME), for the shard and the leader identity. */
  podName: string;
  /** Read NotificationRules/Providers and deliver notifications and commit statuses (default on). */
  notifications: boolean;
  /** Base URL of trueup's UI: notifications link to `<uiUrl>/applications/<ns>/<name>`; empty: no links. */
  uiUrl: string;
}

/** Flags as commander hands them over (all strings or booleans, all optional). */
export type RawFlags = Record<string, string | boolean | undefined>;
export type Env = Record<string, string | undefined>;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/** `250ms`, `5s`, `3m`, `1h`, or a bare number of milliseconds. */
export function parseDuration(text: string, name: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const m = DURATION.exec(text.trim());
  if (!m)
    throw new TrueupError('ConfigInvalid', `config ${name}: "${text}" is not a duration (e.g. 3m, 30s)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

function int(text: string, name: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    throw new TrueupError('ConfigInvalid', `config ${name}: "${text}" must be an integer >= ${min}`);
  }
  return n;
}

function bool(value: string | boolean, name: string): boolean {
  if (typeof value === 'boolean') return value;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new TrueupError('ConfigInvalid', `config ${name}: "${value}" is not a boolean`);
}

/** Environment variable of each setting: TRUEUP_<NAME>. */
export const ENV_NAMES = {
  concurrency: 'TRUEUP_CONCURRENCY',
  requeueInterval: 'TRUEUP_REQUEUE_INTERVAL',
  namespaces: 'TRUEUP_NAMESPACES',
  metricsAddress: 'TRUEUP_METRICS_ADDRESS',
  uiAddress: 'TRUEUP_UI_ADDRESS',
  uiTlsCertFile: 'TRUEUP_UI_TLS_CERT_FILE',
  uiTlsKeyFile: 'TRUEUP_UI_TLS_KEY_FILE',
  leaderElect: 'TRUEUP_LEADER_ELECT',
  leaseName: 'TRUEUP_LEASE_NAME',
  leaseNamespace: 'TRUEUP_LEASE_NAMESPACE',
  cacheDir: 'TRUEUP_CACHE_DIR',
  webhookSecret: 'TRUEUP_WEBHOOK_SECRET',
  webhookInsecure: 'TRUEUP_WEBHOOK_INSECURE',
  stallTimeout: 'TRUEUP_STALL_TIMEOUT',
  denyPlainSecrets: 'TRUEUP_DENY_PLAIN_SECRETS',
  maxTreeBytes: 'TRUEUP_MAX_TREE_BYTES',
  renderMaxAliasNodes: 'TRUEUP_RENDER_MAX_ALIAS_NODES',
  renderTimeout: 'TRUEUP_RENDER_TIMEOUT',
  maxRepoBytes: 'TRUEUP_MAX_REPO_BYTES',
  gitTimeout: 'TRUEUP_GIT_TIMEOUT',
  renderCacheEntries: 'TRUEUP_RENDER_CACHE_ENTRIES',
  kubeconfig: 'KUBECONFIG',
  logLevel: 'TRUEUP_LOG_LEVEL',
  installCrd: 'TRUEUP_INSTALL_CRD',
  shards: 'TRUEUP_SHARDS',
  shard: 'TRUEUP_SHARD',
  podName: 'POD_NAME',
  notifications: 'TRUEUP_NOTIFICATIONS',
  uiUrl: 'TRUEUP_UI_URL',
} as const;

export type SettingName = keyof typeof ENV_NAMES;

/** Parses flags (camelCase setting names) over the environment over defaults; returns a frozen config. */
export function loadConfig(flags: RawFlags = {}, env: Env = {}): Readonly<ControllerConfig> {
  const get = (name: SettingName): string | boolean | undefined => {
    const f = flags[name];
    if (f !== undefined) return f;
    return env[ENV_NAMES[name]];
  };
  const str = (name: SettingName, fallback: string): string => {
    const v = get(name);
    return v === undefined || typeof v === 'boolean' ? fallback : v;
  };
  const intOf = (name: SettingName, fallback: number, min = 0): number => {
    const v = get(name);
    return v === undefined || typeof v === 'boolean' ? fallback : int(v, name, min);
  };
  const durOf = (name: SettingName, fallback: number): number => {
    const v = get(name);
    return v === undefined || typeof v === 'boolean' ? fallback : parseDuration(v, name);
  };
  const boolOf = (name: SettingName, fallback: boolean): boolean => {
    const v = get(name);
    return v === undefined ? fallback : bool(v, name);
  };

  if (env.TRUEUP_MAX_FILE_BYTES !== undefined || flags.maxFileBytes !== undefined) {
    // Said, not ignored: the per-file limit became the render's byte budget.
    throw new TrueupError(
      'ConfigInvalid',
      'config maxFileBytes (TRUEUP_MAX_FILE_BYTES) is gone: renders have budgets instead (TRUEUP_MAX_TREE_BYTES bytes read in total, TRUEUP_RENDER_MAX_ALIAS_NODES, TRUEUP_RENDER_TIMEOUT)',
    );
  }
  const requeueInterval = durOf('requeueInterval', 180_000);
  if (requeueInterval < 1000) {
    throw new TrueupError('ConfigInvalid', `config requeueInterval: ${requeueInterval}ms is below 1s`);
  }
  const namespaces = str('namespaces', '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const config: ControllerConfig = {
    concurrency: intOf('concurrency', 10, 1),
    requeueInterval,
    namespaces: Object.freeze(namespaces),
    metricsAddress: str('metricsAddress', '127.0.0.1:8080'),
    uiAddress: str('uiAddress', ''),
    uiTlsCertFile: str('uiTlsCertFile', ''),
    uiTlsKeyFile: str('uiTlsKeyFile', ''),
    leaderElection: Object.freeze({
      enabled: boolOf('leaderElect', false),
      leaseName: str('leaseName', 'trueup-controller'),
      leaseNamespace: str('leaseNamespace', 'trueup-system'),
      leaseDuration: 15_000,
      renewDeadline: 10_000,
      retryPeriod: 2_000,
    }),
    cacheDir: str('cacheDir', join(env.HOME ?? homedir(), '.cache', 'trueup', 'git')),
    webhookSecret: str('webhookSecret', ''),
    webhookInsecure: boolOf('webhookInsecure', false),
    stallTimeout: durOf('stallTimeout', 900_000),
    denyPlainSecrets: boolOf('denyPlainSecrets', false),
    limits: Object.freeze({
      maxTreeBytes: intOf('maxTreeBytes', 1 << 30, 1),
      renderMaxAliasNodes: intOf('renderMaxAliasNodes', 1_000_000, 0),
      renderTimeout: durOf('renderTimeout', 300_000),
      maxRepoBytes: intOf('maxRepoBytes', 512 << 20, 1),
      gitTimeout: durOf('gitTimeout', 60_000),
      renderCacheEntries: intOf('renderCacheEntries', 256, 1),
    }),
    kubeconfig: str('kubeconfig', ''),
    logLevel: str('logLevel', 'info'),
    installCrd: boolOf('installCrd', false),
    shards: intOf('shards', 1, 1),
    shard: get('shard') === undefined ? undefined : intOf('shard', 0, 0),
    podName: str('podName', ''),
    notifications: boolOf('notifications', true),
    uiUrl: str('uiUrl', ''),
  };
  if (config.webhookInsecure && config.webhookSecret) {
    // Both set is a contradiction: rather than guess which one wins, say so at start.
    throw new TrueupError(
      'ConfigInvalid',
      'config webhookInsecure: set together with a webhook secret; signed requests need no opt-in, drop one of them',
    );
  }
  if (config.uiUrl && !/^https?:\/\/[^/]/.test(config.uiUrl)) {
    throw new TrueupError('ConfigInvalid', `config uiUrl: "${config.uiUrl}" is not an http(s) URL`);
  }
  if (Boolean(config.uiTlsCertFile) !== Boolean(config.uiTlsKeyFile)) {
    throw new TrueupError(
      'ConfigInvalid',
      'config uiTlsCertFile/uiTlsKeyFile: set both (HTTPS) or neither (HTTP), not one',
    );
  }
  if ((config.uiTlsCertFile || config.uiTlsKeyFile) && !config.uiAddress) {
    // Said, not ignored: TLS files without a UI address would serve nothing.
    throw new TrueupError('ConfigInvalid', 'config uiTlsCertFile: set without uiAddress (the UI is off)');
  }
  if (config.stallTimeout < 60_000) {
    throw new TrueupError('ConfigInvalid', `config stallTimeout: ${config.stallTimeout}ms is below 1m`);
  }
  if (config.shard !== undefined && config.shard >= config.shards) {
    throw new TrueupError(
      'ConfigInvalid',
      `config shard: ${config.shard} is outside 0..${config.shards - 1}`,
    );
  }
  return Object.freeze(config);
}
