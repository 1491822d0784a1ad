/**
 * One GET of a Helm repository file (index.yaml, a chart archive) within a byte budget: basic
 * credentials only where the caller allows, redirects followed by hand with the credentials
 * dropped when the origin changes, every failure a chart error naming the URL (never the
 * credentials).
 */
import { isTrueupError } from '../api/errors.js';
import { readBounded } from '../oci/body.js';
import type { FetchFn } from '../oci/client.js';
import type { RegistryCredentials } from '../oci/docker-config.js';
import { redactUrl } from '../source/url.js';
import { ChartErrorCode, chartError } from './errors.js';

const MAX_REDIRECTS = 5;

export interface GetOptions {
  fetch: FetchFn;
  credentials?: RegistryCredentials | undefined;
  maxBytes: number;
  timeoutMs: number;
  /** Names the thing fetched in messages (`index.yaml of https://charts.example`). */
  what: string;
}

export async function getBounded(url: string, o: GetOptions): Promise<Uint8Array> {
  const auth = o.credentials
    ? `Basic ${Buffer.from(`${o.credentials.username}:${o.credentials.password}`).toString('base64')}`
    : undefined;
  const origin = new URL(url).origin;
  let current = url;
  for (let hop = 0; ; hop++) {
    const sameOrigin = new URL(current).origin === origin;
    let res: Response;
    try {
      res = await o.fetch(current, {
        headers: auth && sameOrigin ? { authorization: auth } : {},
        redirect: 'manual',
        signal: AbortSignal.timeout(o.timeoutMs),
      });
    } catch (err) {
      const name = (err as { name?: unknown })?.name;
      const cause = (err as { cause?: { code?: unknown } })?.cause;
      const detail =
        name === 'TimeoutError' || name === 'AbortError'
          ? `no answer within ${o.timeoutMs} ms`
          : typeof cause?.code === 'string'
            ? cause.code
            : (err as Error).message;
      throw chartError(
        ChartErrorCode.Unreachable,
        `${o.what}: ${redactUrl(current)} cannot be reached: ${detail}`,
      );
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel().catch(() => {});
      if (hop >= MAX_REDIRECTS)
        throw chartError(ChartErrorCode.ServerError, `${o.what}: more than ${MAX_REDIRECTS} redirects`);
      current = new URL(location, current).toString();
      continue;
    }
    if (res.status < 200 || res.status >= 300) {
      await res.body?.cancel().catch(() => {});
      // `what` names the URL asked for; a redirect's target is added.
      const at = current === url ? o.what : `${o.what} (redirected to ${redactUrl(current)})`;
      if (res.status === 401)
        throw chartError(
          ChartErrorCode.AuthFailed,
          `${at}: 401 unauthorized (${auth ? "the repository Secret's credentials were refused" : 'no credentials: add a repository Secret'})`,
        );
      if (res.status === 403) throw chartError(ChartErrorCode.Forbidden, `${at}: 403 forbidden`);
      if (res.status === 404) throw chartError(ChartErrorCode.NotFoundAtUrl, `${at}: 404 not found`);
      throw chartError(ChartErrorCode.ServerError, `${at}: HTTP ${res.status}`);
    }
    try {
      return await readBounded(res, o.maxBytes, o.what);
    } catch (err) {
      if (isTrueupError(err) && err.code === 'OciTooLarge')
        throw chartError(ChartErrorCode.TooLarge, err.message);
      throw chartError(
        ChartErrorCode.Unreachable,
        `${o.what}: the answer broke off: ${(err as Error).message}`,
      );
    }
  }
}
