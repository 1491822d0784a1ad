/** Helm charts: the engine (Helm's own Go code as WebAssembly, in a worker) and chart renders. */
export { chartKind, treePath } from './chart-files.js';
export { HelmEngine, type HelmEngineOptions, type HelmRenderer } from './engine.js';
export { HelmErrorCode, helmError } from './errors.js';
export {
  evaluateGoTemplate,
  evaluateGoTemplates,
  type GoTemplateEngine,
  type GoTemplateItem,
  type GoTemplateResult,
} from './go-template.js';
export { defaultHelmLimits, type HelmLimits } from './limits.js';
export { BUILD_HINT, engineBuildDir, type LocateOptions, locateEngine } from './locate.js';
export type {
  EngineInfo,
  GoTemplateRequest,
  HelmDocument,
  HelmHook,
  HelmRenderResult,
  HelmRequest,
  NamedBytes,
} from './protocol.js';
export { type ChartRenderOptions, renderChart, type ValuesSource } from './render-chart.js';
export { helmTemplateText } from './template-text.js';
