import { TrueupError } from '../api/errors.js';

/** Stable error codes of the renderer (terminal: bad input in the tree). */
export const RenderErrorCode = {
  Missing: 'RENDER_FILE_MISSING',
  OutsideRoot: 'RENDER_OUTSIDE_ROOT',
  Cycle: 'RENDER_CYCLE',
  DuplicateId: 'RENDER_DUPLICATE_ID',
  InvalidKustomization: 'RENDER_KUSTOMIZATION_INVALID',
  InvalidResource: 'RENDER_RESOURCE_INVALID',
  Unsupported: 'RENDER_UNSUPPORTED',
  Patch: 'RENDER_PATCH_FAILED',
  Generator: 'RENDER_GENERATOR_FAILED',
  Reference: 'RENDER_REFERENCE_FAILED',
  Replacement: 'RENDER_REPLACEMENT_FAILED',
  Var: 'RENDER_VAR_FAILED',
  TooLarge: 'RENDER_TOO_LARGE',
  YamlInvalid: 'RENDER_YAML_INVALID',
} as const;
export type RenderErrorCode = (typeof RenderErrorCode)[keyof typeof RenderErrorCode];

export function renderError(code: RenderErrorCode, message: string, cause?: unknown): TrueupError {
  return new TrueupError(code, message, cause === undefined ? {} : { cause });
}
