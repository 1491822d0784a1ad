/**
 * Charts from Helm repositories (`index.yaml` + archives over http(s)) and OCI registries
 * (`oci://host/path`, or `host/path` with an enableOCI Secret): resolve an Application's
 * `chart` + `targetRevision` to one version, download its archive (verified against the index
 * digest or the registry's layer digest), and serve it unpacked as a FileTree rooted at the
 * chart's directory. index.yaml answers and OCI tag resolutions are reused for `indexTtlMs`
 * (a forced resolve skips them); unpacked charts are kept by digest within a byte bound (chart
 * archives are public data, never credentials).
 */
import semver from 'semver';
import { isTrueupError, TrueupError } from '../api/errors.js';
import { sha256Digest } from '../oci/body.js';
import { type FetchFn, OciClient } from '../oci/client.js';
import type { RegistryCredentials } from '../oci/docker-config.js';
import {
  childRepository,
  describeRepository,
  isTag,
  type OciRepository,
  parseOciRepository,
} from '../oci/reference.js';
import type { FileTree } from '../render/file-tree.js';
import { InMemoryTree } from '../render/memory-tree.js';
import type { SecretSource } from '../source/credentials.js';
import { redactUrl } from '../source/url.js';
import { type UnpackedChart, unpackChart } from './archive.js';
import { indexUrl, resolveChartUrl, sendsCredentials } from './chart-url.js';
import { ChartErrorCode, chartError } from './errors.js';
import { getBounded } from './http-get.js';
import {
  type ChartRepoAccess,
  chartRepoAccess,
  chartRepoKey,
  matchChartRepoSecret,
} from './repo-credentials.js';
import { type IndexEntry, parseRepoIndex, type RepoIndex } from './repo-index.js';
import { resolveVersion } from './version.js';

export const HELM_CHART_CONFIG_MEDIA_TYPE = 'application/vnd.cncf.helm.config.v1+json';
export const HELM_CHART_LAYER_MEDIA_TYPES = [
  'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
  // Helm 3.0–3.7 pushed this one.
  'application/tar+gzip',
];
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export interface ChartLimits {
  maxIndexBytes: number;
  maxArchiveBytes: number;
  maxUnpackedBytes: number;
  maxFiles: number;
}

export const defaultChartLimits: ChartLimits = {
  // Large public indexes (a few hundred charts with every version) weigh tens of MB.
  maxIndexBytes: 64 * 1024 * 1024,
  maxArchiveBytes: 20 * 1024 * 1024,
  maxUnpackedBytes: 50 * 1024 * 1024,
  maxFiles: 10_000,
};

export interface ChartSourceOptions {
  fetch?: FetchFn;
  /** The OCI client (shared with other registry users); one is made over `fetch` when absent. */
  oci?: OciClient;
  /** Repository Secrets (Argo CD's repository / repo-creds). */
  secrets?: SecretSource;
  now?: () => number;
  /** Reuse an index.yaml or an OCI tag resolution this long. Default 3 min. */
  indexTtlMs?: number;
  /** Most bytes of unpacked charts kept. Default 256 MiB. */
  maxCachedBytes?: number;
  requestTimeoutMs?: number;
  limits?: Partial<ChartLimits>;
}

export interface ChartRequest {
  repoURL: string;
  chart: string;
  targetRevision: string;
  /** helm.passCredentials: send the repository's credentials to an archive on another host. */
  passCredentials?: boolean;
}

export interface ResolvedChart {
  version: string;
  /** sha256 of the archive (http) or of the chart layer (OCI), when known before downloading. */
  digest?: string;
  /** What status shows: `web 1.2.3` and the digest's start. */
  display: string;
}

/** Where one version's archive is. */
type Located =
  | { kind: 'http'; url: string; digest?: string; credentials?: RegistryCredentials | undefined }
  | {
      kind: 'oci';
      repo: OciRepository;
      digest: string;
      credentials?: RegistryCredentials | undefined;
      plainHttp?: boolean;
    };

interface Timed<T> {
  at: number;
  value: Promise<T>;
}

/** A TrueupError with `prefix: ` before its message, same code and retry class. */
function withContext(err: unknown, prefix: string): unknown {
  if (!isTrueupError(err)) return err;
  return new TrueupError(err.code, `${prefix}: ${err.message}`, { retry: err.retry, cause: err });
}

export class ChartSource {
  private readonly fetchFn: FetchFn;
  private readonly oci: OciClient;
  private readonly now: () => number;
  private readonly ttl: number;
  private readonly maxCached: number;
  private readonly timeoutMs: number;
  readonly limits: ChartLimits;
  private readonly indexes = new Map<string, Timed<RepoIndex>>();
  private readonly ociResolutions = new Map<string, Timed<Located & { version: string }>>();
  private readonly charts = new Map<string, Promise<UnpackedChart>>();
  private readonly chartBytes = new Map<string, number>();
  private cachedBytes = 0;
  /** Downloads made and index.yaml fetches (tests and metrics). */
  readonly counters = { indexFetches: 0, downloads: 0 };

  constructor(private readonly options: ChartSourceOptions = {}) {
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.oci = options.oci ?? new OciClient({ fetch: this.fetchFn });
    this.now = options.now ?? Date.now;
    this.ttl = options.indexTtlMs ?? 180_000;
    this.maxCached = options.maxCachedBytes ?? 256 * 1024 * 1024;
    this.timeoutMs = options.requestTimeoutMs ?? 60_000;
    this.limits = { ...defaultChartLimits, ...options.limits };
  }

  /** targetRevision → a version (exact, or the highest matching a semver constraint). */
  async resolve(req: ChartRequest, opts: { force: boolean }): Promise<ResolvedChart> {
    const label = chartLabel(req);
    try {
      const { version, located } = await this.locate(req, opts.force);
      const digest = located.digest?.startsWith('sha256:')
        ? located.digest
        : located.digest && `sha256:${located.digest}`;
      return {
        version,
        ...(digest ? { digest } : {}),
        display: `${req.chart} ${version}${digest ? ` (${digest.slice(0, 19)})` : ''}`,
      };
    } catch (err) {
      throw withContext(err, label);
    }
  }

  /** The chart's files at `version`, rooted at its directory (Chart.yaml at the top). */
  async tree(req: ChartRequest, version: string): Promise<FileTree> {
    const label = chartLabel(req);
    try {
      const { located } = await this.locate({ ...req, targetRevision: version }, false, true);
      const chart = await this.unpacked(located, `chart ${req.chart} ${version}`);
      return new InMemoryTree(chart.files, `chart ${req.chart} ${version} from ${redactUrl(req.repoURL)}`);
    } catch (err) {
      throw withContext(err, label);
    }
  }

  /** Drops cached index.yaml answers and tag resolutions of a repository (a hard refresh). */
  invalidate(repoURL: string): void {
    const key = chartRepoKey(repoURL);
    for (const k of [...this.indexes.keys(), ...this.ociResolutions.keys()])
      if (k.startsWith(`${key}\n`)) {
        this.indexes.delete(k);
        this.ociResolutions.delete(k);
      }
  }

  private async access(repoURL: string): Promise<ChartRepoAccess> {
    const secrets = this.options.secrets ? await this.options.secrets.listRepoSecrets() : [];
    return chartRepoAccess(repoURL, matchChartRepoSecret(repoURL, secrets));
  }

  private async locate(
    req: ChartRequest,
    force: boolean,
    exact = false,
  ): Promise<{ version: string; located: Located }> {
    const access = await this.access(req.repoURL);
    if (access.kind === 'oci') {
      const found = await this.locateOci(req, access, force, exact);
      return { version: found.version, located: found };
    }
    const index = await this.index(req.repoURL, access.credentials, force);
    const versions = index.get(req.chart);
    if (!versions || versions.length === 0)
      throw chartError(ChartErrorCode.ChartNotFound, `no chart ${req.chart} in the repository's index.yaml`);
    const version = exact
      ? req.targetRevision
      : resolveVersion(
          req.targetRevision,
          versions.map((v) => v.version),
          'index.yaml',
        );
    const entry = versions.find((v) => v.version === version) as IndexEntry | undefined;
    if (!entry)
      throw chartError(ChartErrorCode.VersionNotFound, `version ${version} is no longer in index.yaml`);
    const url = resolveChartUrl(req.repoURL, entry.urls[0] ?? '');
    const send = access.credentials && sendsCredentials(req.repoURL, url, req.passCredentials === true);
    return {
      version,
      located: {
        kind: 'http',
        url,
        ...(entry.digest ? { digest: entry.digest } : {}),
        ...(send ? { credentials: access.credentials } : {}),
      },
    };
  }

  private index(
    repoURL: string,
    credentials: RegistryCredentials | undefined,
    force: boolean,
  ): Promise<RepoIndex> {
    const key = `${chartRepoKey(repoURL)}\n${credentials ? sha256Digest(Buffer.from(`${credentials.username}\0${credentials.password}`)) : '-'}`;
    const hit = this.indexes.get(key);
    if (hit && !force && this.now() - hit.at < this.ttl) return hit.value;
    // Parsed indexes can be large: stale ones (of repositories no app reads any more) go.
    for (const [k, e] of this.indexes) if (this.now() - e.at >= this.ttl) this.indexes.delete(k);
    this.counters.indexFetches++;
    const what = `index.yaml of ${redactUrl(repoURL)}`;
    const value = getBounded(indexUrl(repoURL), {
      fetch: this.fetchFn,
      credentials,
      maxBytes: this.limits.maxIndexBytes,
      timeoutMs: this.timeoutMs,
      what,
    }).then((bytes) => parseRepoIndex(Buffer.from(bytes).toString('utf8'), what));
    const entry = { at: this.now(), value };
    this.indexes.set(key, entry);
    value.catch(() => {
      if (this.indexes.get(key) === entry) this.indexes.delete(key);
    });
    return value;
  }

  private async locateOci(
    req: ChartRequest,
    access: ChartRepoAccess,
    force: boolean,
    exact: boolean,
  ): Promise<Located & { version: string }> {
    const repo = childRepository(parseOciRepository(req.repoURL), req.chart);
    const credentials = access.credentials;
    const call = { credentials, ...(access.plainHttp ? { plainHttp: true } : {}) };
    const key = `${chartRepoKey(req.repoURL)}\n${req.chart}\n${req.targetRevision}`;
    const hit = this.ociResolutions.get(key);
    if (hit && !force && this.now() - hit.at < this.ttl) return hit.value;
    const value = (async () => {
      let version = req.targetRevision.trim();
      // A version or a plain tag is one manifest request; a constraint needs the tag list. Helm
      // writes `+` (build metadata) as `_` in tags.
      if (!exact && isConstraint(version)) {
        const tags = await this.oci.tags(repo, call);
        version = resolveVersion(
          version,
          tags.map((t) => t.replace(/_/g, '+')),
          `tags of ${describeRepository(repo)}`,
        );
      }
      const tag = version.replace(/\+/g, '_');
      const manifest = await this.oci.manifest(repo, tag, [OCI_MANIFEST], call);
      const m = manifest.json as {
        config?: { mediaType?: unknown };
        layers?: { mediaType?: unknown; digest?: unknown }[];
      };
      if (m.config?.mediaType !== HELM_CHART_CONFIG_MEDIA_TYPE)
        throw chartError(
          ChartErrorCode.ArchiveInvalid,
          `${describeRepository(repo)}:${tag} is not a Helm chart (config media type ${String(m.config?.mediaType)})`,
        );
      const layer = m.layers?.find((l) => HELM_CHART_LAYER_MEDIA_TYPES.includes(String(l.mediaType)));
      if (typeof layer?.digest !== 'string')
        throw chartError(
          ChartErrorCode.ArchiveInvalid,
          `${describeRepository(repo)}:${tag} has no chart layer`,
        );
      return {
        kind: 'oci' as const,
        repo,
        digest: layer.digest,
        version,
        ...(credentials ? { credentials } : {}),
        ...(access.plainHttp ? { plainHttp: true } : {}),
      };
    })();
    const entry = { at: this.now(), value };
    this.ociResolutions.set(key, entry);
    value.catch(() => {
      if (this.ociResolutions.get(key) === entry) this.ociResolutions.delete(key);
    });
    return value;
  }

  /** The unpacked chart, from the cache by digest, else downloaded, verified and unpacked. */
  private unpacked(located: Located, label: string): Promise<UnpackedChart> {
    const known = located.digest
      ? located.digest.startsWith('sha256:')
        ? located.digest
        : `sha256:${located.digest}`
      : undefined;
    const cached = known ? this.charts.get(known) : undefined;
    if (cached && known) {
      this.charts.delete(known);
      this.charts.set(known, cached);
      return cached;
    }
    const p = this.download(located, label).then((tgz) => {
      const digest = sha256Digest(tgz);
      if (known && digest !== known)
        throw chartError(
          ChartErrorCode.DigestMismatch,
          `the archive ${located.kind === 'http' ? redactUrl(located.url) : ''} has digest ${digest}, the repository says ${known}`.replace(
            '  ',
            ' ',
          ),
        );
      return unpackChart(tgz, this.limits, label);
    });
    if (known) {
      this.charts.set(known, p);
      p.then(
        (chart) => this.account(known, chart.bytes),
        () => {
          if (this.charts.get(known) === p) this.charts.delete(known);
        },
      );
    }
    return p;
  }

  private account(digest: string, bytes: number): void {
    if (!this.charts.has(digest)) return;
    this.chartBytes.set(digest, bytes);
    this.cachedBytes += bytes;
    for (const oldest of this.charts.keys()) {
      if (this.cachedBytes <= this.maxCached || oldest === digest) break;
      this.charts.delete(oldest);
      this.cachedBytes -= this.chartBytes.get(oldest) ?? 0;
      this.chartBytes.delete(oldest);
    }
  }

  private async download(located: Located, label: string): Promise<Uint8Array> {
    this.counters.downloads++;
    if (located.kind === 'oci')
      return this.oci.blob(located.repo, located.digest, {
        credentials: located.credentials,
        ...(located.plainHttp ? { plainHttp: true } : {}),
        maxBytes: this.limits.maxArchiveBytes,
      });
    return getBounded(located.url, {
      fetch: this.fetchFn,
      credentials: located.credentials,
      maxBytes: this.limits.maxArchiveBytes,
      timeoutMs: this.timeoutMs,
      what: `${label} archive ${redactUrl(located.url)}`,
    });
  }
}

/** True for a semver constraint (`1.2.*`, `^1`, `>=1 <2`), false for a version or a plain tag. */
export function isConstraint(text: string): boolean {
  if (semver.valid(text, { loose: true })) return false;
  if (isTag(text.replace(/\+/g, '_')) && !/(^|\.)[xX*](\.|$)/.test(text)) return false;
  return true;
}

export function chartLabel(req: Pick<ChartRequest, 'repoURL' | 'chart'>): string {
  return `chart ${req.chart} from ${redactUrl(req.repoURL)}`;
}
