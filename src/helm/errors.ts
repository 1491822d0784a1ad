import { RetryClass, TrueupError } from '../api/errors.js';

/** Stable codes of every error a Helm render raises. */
export const HelmErrorCode = {
  /** The engine (.wasm) is not built or not where the configuration says. */
  EngineMissing: 'HELM_ENGINE_MISSING',
  /** The engine crashed or answered something unexpected (a bug, or out of memory). */
  EngineFailed: 'HELM_ENGINE_FAILED',
  /** A render ran past its time budget (a template that loops) and was stopped. */
  Timeout: 'HELM_TIMEOUT',
  /** Chart.yaml missing or invalid, a bad archive, a subchart that does not load. */
  ChartInvalid: 'HELM_CHART_INVALID',
  /** A library chart given as the chart to render. */
  NotInstallable: 'HELM_NOT_INSTALLABLE',
  /** A dependency in Chart.yaml with no vendored chart under charts/. */
  DependencyMissing: 'HELM_DEPENDENCY_MISSING',
  ReleaseNameInvalid: 'HELM_RELEASE_NAME_INVALID',
  /** A values file that is not YAML, a `--set` expression that does not parse. */
  ValuesInvalid: 'HELM_VALUES_INVALID',
  KubeVersionInvalid: 'HELM_KUBE_VERSION_INVALID',
  /** The chart's `kubeVersion` constraint refuses the target Kubernetes version. */
  KubeVersionIncompatible: 'HELM_KUBE_VERSION_INCOMPATIBLE',
  /** The values do not satisfy values.schema.json. */
  SchemaValidation: 'HELM_SCHEMA_VALIDATION',
  /** A template failed: syntax, `required`, `fail`, a missing include... */
  TemplateError: 'HELM_TEMPLATE_ERROR',
  /** A rendered manifest is not valid YAML or lacks apiVersion/kind. */
  ManifestInvalid: 'HELM_MANIFEST_INVALID',
  /** A chart, archive or values file over its size budget. */
  TooLarge: 'HELM_TOO_LARGE',
  /** A values file or chart path that leaves the root it is confined to. */
  PathEscapes: 'HELM_PATH_ESCAPES',
  /** A chart directory, archive or values file that is not there. */
  FileMissing: 'HELM_FILE_MISSING',
} as const;
export type HelmErrorCode = (typeof HelmErrorCode)[keyof typeof HelmErrorCode];

const retryOf: Record<HelmErrorCode, RetryClass> = {
  HELM_ENGINE_MISSING: RetryClass.Terminal,
  HELM_ENGINE_FAILED: RetryClass.Transient,
  HELM_TIMEOUT: RetryClass.Terminal,
  HELM_CHART_INVALID: RetryClass.Terminal,
  HELM_NOT_INSTALLABLE: RetryClass.Terminal,
  HELM_DEPENDENCY_MISSING: RetryClass.Terminal,
  HELM_RELEASE_NAME_INVALID: RetryClass.Terminal,
  HELM_VALUES_INVALID: RetryClass.Terminal,
  HELM_KUBE_VERSION_INVALID: RetryClass.Terminal,
  HELM_KUBE_VERSION_INCOMPATIBLE: RetryClass.Terminal,
  HELM_SCHEMA_VALIDATION: RetryClass.Terminal,
  HELM_TEMPLATE_ERROR: RetryClass.Terminal,
  HELM_MANIFEST_INVALID: RetryClass.Terminal,
  HELM_TOO_LARGE: RetryClass.Terminal,
  HELM_PATH_ESCAPES: RetryClass.Terminal,
  HELM_FILE_MISSING: RetryClass.Terminal,
};

/** A TrueupError with the retry class that belongs to the code. */
export function helmError(code: HelmErrorCode, message: string, cause?: unknown): TrueupError {
  return new TrueupError(code, message, {
    retry: retryOf[code],
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The engine's own codes (helm/wasm/errors.go) mapped to ours. */
const fromEngine: Record<string, HelmErrorCode> = {
  ChartInvalid: HelmErrorCode.ChartInvalid,
  NotInstallable: HelmErrorCode.NotInstallable,
  DependencyMissing: HelmErrorCode.DependencyMissing,
  ReleaseNameInvalid: HelmErrorCode.ReleaseNameInvalid,
  ValuesInvalid: HelmErrorCode.ValuesInvalid,
  KubeVersionInvalid: HelmErrorCode.KubeVersionInvalid,
  KubeVersionIncompatible: HelmErrorCode.KubeVersionIncompatible,
  SchemaValidation: HelmErrorCode.SchemaValidation,
  TemplateError: HelmErrorCode.TemplateError,
  ManifestInvalid: HelmErrorCode.ManifestInvalid,
};

/** Our code for an engine error code; anything unknown (BadRequest, Internal) is an engine failure. */
export function engineErrorCode(code: string): HelmErrorCode {
  return fromEngine[code] ?? HelmErrorCode.EngineFailed;
}
