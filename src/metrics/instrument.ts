/**
 * Feeding the request metrics from the two HTTP edges, without this module importing them:
 * wrappers over the Git HTTP client (src/source's `HttpClient`) and the Kubernetes transport
 * (src/kube's `Transport`), typed structurally. The wiring (the controller command, the demo)
 * passes the wrapped objects in.
 */
import type { GitRequestType, Metrics } from './metrics.js';

type GitRecorder = Pick<Metrics, 'observeGitRequest'>;
type KubeRecorder = Pick<Metrics, 'recordKubeRequest'>;
type ChartRecorder = Pick<Metrics, 'recordChartRequest'>;

/**
 * Wraps the `fetch` of the chart source (Helm repositories, OCI registries): one count per
 * request by host (never path or query: signed URLs carry secrets) and status, `error` when no
 * response arrived.
 */
export function instrumentChartFetch(
  fetchFn: (input: string | URL, init?: RequestInit) => Promise<Response>,
  metrics: ChartRecorder,
): (input: string | URL, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    const host = new URL(String(input)).host;
    try {
      const res = await fetchFn(input, init);
      metrics.recordChartRequest(host, res.status);
      return res;
    } catch (err) {
      metrics.recordChartRequest(host, 'error');
      throw err;
    }
  };
}

interface GitHttpRequest {
  url: string;
  method?: string;
}
interface GitHttpResponse {
  statusCode: number;
  body?: AsyncIterable<Uint8Array>;
}

/** `ls-remote` for ref advertisements, `fetch` for pack requests; the repository URL without the smart-HTTP suffix. */
export function classifyGitRequest(url: string): { repo: string; type: GitRequestType } | undefined {
  const u = new URL(url);
  const path = u.pathname;
  const strip = (suffix: string) => {
    u.pathname = path.slice(0, -suffix.length);
    u.search = '';
    return u.toString();
  };
  if (path.endsWith('/info/refs')) return { repo: strip('/info/refs'), type: 'ls-remote' };
  if (path.endsWith('/git-upload-pack')) return { repo: strip('/git-upload-pack'), type: 'fetch' };
  return undefined;
}

/** Wraps a Git HTTP client: one observation per request, timed until its body is consumed. */
export function instrumentGitHttp<Req extends GitHttpRequest, Res extends GitHttpResponse>(
  client: { request(req: Req): Promise<Res> },
  metrics: GitRecorder,
  now: () => number = () => performance.now(),
): { request(req: Req): Promise<Res> } {
  return {
    async request(req) {
      const kind = classifyGitRequest(req.url);
      if (!kind) return client.request(req);
      const started = now();
      const done = (failed: boolean) =>
        metrics.observeGitRequest(kind.repo, kind.type, (now() - started) / 1000, failed);
      let res: Res;
      try {
        res = await client.request(req);
      } catch (err) {
        done(true);
        throw err;
      }
      const failed = res.statusCode >= 400;
      const body = res.body;
      if (!body) {
        done(failed);
        return res;
      }
      async function* timed(): AsyncGenerator<Uint8Array> {
        let ok = false;
        try {
          yield* body as AsyncIterable<Uint8Array>;
          ok = true;
        } finally {
          done(failed || !ok);
        }
      }
      return { ...res, body: timed() };
    },
  };
}

interface KubeRequestSpec {
  method: string;
  path: string;
  query?: Record<string, string | undefined>;
}

/** The verb and resource of a Kubernetes API request, as the API server's audit log names them. */
export function classifyKubeRequest(spec: KubeRequestSpec): { verb: string; resource: string } {
  const parts = spec.path.split('?')[0]?.split('/').filter(Boolean) ?? [];
  // /api/v1/... or /apis/group/version/...
  const rest = parts[0] === 'api' ? parts.slice(2) : parts[0] === 'apis' ? parts.slice(3) : undefined;
  if (rest === undefined || rest.length === 0) return { verb: 'get', resource: 'discovery' };
  const scoped = rest[0] === 'namespaces' && rest.length >= 3 ? rest.slice(2) : rest;
  const resource = scoped[0] ?? 'unknown';
  const named = scoped.length >= 2;
  const sub = scoped[2];
  const res = sub ? `${resource}/${sub}` : resource;
  const watch = spec.query?.watch === 'true' || spec.query?.watch === '1';
  switch (spec.method.toUpperCase()) {
    case 'GET':
      return { verb: watch ? 'watch' : named ? 'get' : 'list', resource: res };
    case 'POST':
      return { verb: 'create', resource: res };
    case 'PUT':
      return { verb: 'update', resource: res };
    case 'PATCH':
      return { verb: spec.query?.dryRun ? 'patch-dry-run' : 'patch', resource: res };
    case 'DELETE':
      return { verb: named ? 'delete' : 'deletecollection', resource: res };
    default:
      return { verb: spec.method.toLowerCase(), resource: res };
  }
}

/**
 * Wraps a Kubernetes transport (`send` for requests, `stream` for watches): every request
 * counts once with its response status (`error` when none came).
 */
export function instrumentKubeTransport<
  S extends KubeRequestSpec,
  T extends {
    send(spec: S): Promise<{ status: number }>;
    stream(spec: S, ...rest: never[]): Promise<void>;
    close(): void;
  },
>(transport: T, metrics: KubeRecorder): T {
  const record = (spec: S, code: number | string) => {
    const { verb, resource } = classifyKubeRequest(spec);
    metrics.recordKubeRequest(verb, resource, code);
  };
  const send = async (spec: S) => {
    try {
      const res = await transport.send(spec);
      record(spec, res.status);
      return res;
    } catch (err) {
      record(spec, 'error');
      throw err;
    }
  };
  const stream = async (spec: S, ...rest: never[]) => {
    try {
      await transport.stream(spec, ...rest);
      record(spec, 200);
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      record(spec, typeof status === 'number' ? status : 'error');
      throw err;
    }
  };
  return Object.assign(Object.create(transport) as T, { send, stream, close: () => transport.close() });
}
