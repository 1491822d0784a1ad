import { RetryClass, TrueupError } from '../api/errors.js';

/** Stable codes of the errors of charts from Helm repositories and OCI registries. */
export const ChartErrorCode = {
  /** repoURL is neither http(s):// nor oci:// (nor host/path with an enableOCI Secret). */
  InvalidRepoUrl: 'ChartInvalidRepoUrl',
  /** index.yaml that is not a Helm repository index. */
  IndexInvalid: 'ChartIndexInvalid',
  /** The chart is not in the index (or the registry has no such repository). */
  ChartNotFound: 'ChartNotFound',
  /** No version of the chart matches targetRevision. */
  VersionNotFound: 'ChartVersionNotFound',
  /** The archive's sha256 is not the index entry's digest. */
  DigestMismatch: 'ChartDigestMismatch',
  /** index.yaml, the archive, or its unpacked files over a budget. */
  TooLarge: 'ChartTooLarge',
  /** Not a gzipped tar of one chart directory, or an OCI artifact that is not a Helm chart. */
  ArchiveInvalid: 'ChartArchiveInvalid',
  AuthFailed: 'ChartRepoAuthFailed',
  Forbidden: 'ChartRepoForbidden',
  /** 404 on index.yaml or the archive URL. */
  NotFoundAtUrl: 'ChartRepoNotFound',
  /** 5xx, 429, or an unexpected status. */
  ServerError: 'ChartRepoServerError',
  /** DNS, refused connection, reset, TLS, timeout: the repository cannot be reached. */
  Unreachable: 'ChartRepoUnreachable',
  /** The repository Secret asks for what chart downloads cannot do (client certificates, insecure TLS, a proxy). */
  SettingUnsupported: 'ChartRepoSettingUnsupported',
} as const;
export type ChartErrorCode = (typeof ChartErrorCode)[keyof typeof ChartErrorCode];

const retryOf: Record<ChartErrorCode, RetryClass> = {
  ChartInvalidRepoUrl: RetryClass.Terminal,
  ChartIndexInvalid: RetryClass.Transient,
  ChartNotFound: RetryClass.Terminal,
  ChartVersionNotFound: RetryClass.Terminal,
  ChartDigestMismatch: RetryClass.Transient,
  ChartTooLarge: RetryClass.Terminal,
  ChartArchiveInvalid: RetryClass.Terminal,
  ChartRepoAuthFailed: RetryClass.Terminal,
  ChartRepoForbidden: RetryClass.Terminal,
  ChartRepoNotFound: RetryClass.Terminal,
  ChartRepoServerError: RetryClass.Transient,
  ChartRepoUnreachable: RetryClass.Transient,
  ChartRepoSettingUnsupported: RetryClass.Terminal,
};

export function chartError(code: ChartErrorCode, message: string, cause?: unknown): TrueupError {
  return new TrueupError(code, message, { retry: retryOf[code], ...(cause === undefined ? {} : { cause }) });
}
