/** Typed errors of image automation, each code with its retry class (compiler-checked table). */
import { RetryClass, TrueupError } from '../api/errors.js';

export const ImageErrorCode = {
  /** A policy or filter the spec names cannot be used (bad regex, bad range). */
  InvalidPolicy: 'ImageInvalidPolicy',
  /** No tag of the scan passes the filter and the policy. */
  NoMatchingTag: 'ImageNoMatchingTag',
  /** A numerical policy met a tag (or extracted value) that is not a number. */
  NotNumeric: 'ImageNotNumeric',
  /** The ImageRepository an ImagePolicy names does not exist or has not been scanned yet. */
  RepositoryNotReady: 'ImageRepositoryNotReady',
  /** A setter marker names something that is not `ns:name[:tag|:name|:digest]`. */
  InvalidMarker: 'ImageInvalidMarker',
  /** A YAML file under update.path could not be read as YAML. */
  InvalidYaml: 'ImageInvalidYaml',
  /** update.path is not a directory of the checked out branch. */
  PathNotFound: 'ImagePathNotFound',
  /** git.checkout.ref.branch does not exist on the remote. */
  BranchNotFound: 'ImageBranchNotFound',
  /** The message template failed. */
  InvalidTemplate: 'ImageInvalidTemplate',
  /** The push kept losing to other pushes. */
  PushConflict: 'ImagePushConflict',
  /** The push was refused for another reason (protected branch, hook). */
  PushRejected: 'ImagePushRejected',
  /** The Secret named by secretRef is missing or not a dockerconfigjson. */
  SecretNotFound: 'ImageSecretNotFound',
  InvalidSecret: 'ImageInvalidSecret',
  /** The spec does not parse (a field refused, a value out of range). */
  InvalidSpec: 'ImageInvalidSpec',
} as const;
export type ImageErrorCode = (typeof ImageErrorCode)[keyof typeof ImageErrorCode];

const retryOf: Record<ImageErrorCode, RetryClass> = {
  ImageInvalidPolicy: RetryClass.Terminal,
  ImageNoMatchingTag: RetryClass.Waiting,
  ImageNotNumeric: RetryClass.Terminal,
  ImageRepositoryNotReady: RetryClass.Waiting,
  ImageInvalidMarker: RetryClass.Terminal,
  ImageInvalidYaml: RetryClass.Terminal,
  ImagePathNotFound: RetryClass.Terminal,
  ImageBranchNotFound: RetryClass.Terminal,
  ImageInvalidTemplate: RetryClass.Terminal,
  ImagePushConflict: RetryClass.Transient,
  ImagePushRejected: RetryClass.Transient,
  ImageSecretNotFound: RetryClass.Waiting,
  ImageInvalidSecret: RetryClass.Terminal,
  ImageInvalidSpec: RetryClass.Terminal,
};

export function imageError(code: ImageErrorCode, message: string, cause?: unknown): TrueupError {
  return new TrueupError(code, message, { retry: retryOf[code], ...(cause === undefined ? {} : { cause }) });
}
