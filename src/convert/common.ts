/** What the Argo CD and Flux converters share: their input, output and the notes they leave. */
import type { Application } from '../api/application.js';
import type { ApplicationSet } from '../api/application-set.js';

/** One YAML document read from a file, with where it came from (for messages). */
export interface SourceDocument {
  file: string;
  /** 0-based index of the document in its file. */
  index: number;
  doc: unknown;
}

export interface ConvertOptions {
  /** The namespace the Applications are created in (trueup's controller namespace). */
  namespace: string;
}

/** A field that could not be carried over (the Application is still produced). */
export interface ConvertWarning {
  /** `FILE: Kind namespace/name` of the input object. */
  where: string;
  /** The input field, e.g. `spec.source.helm`. */
  field: string;
  message: string;
}

/** An input object that cannot become an Application at all. */
export interface ConvertRefusal {
  where: string;
  message: string;
}

export interface ConvertResult {
  applications: Application[];
  /** Argo CD ApplicationSets converted. */
  applicationSets: ApplicationSet[];
  warnings: ConvertWarning[];
  refusals: ConvertRefusal[];
}

export type JsonMap = { [key: string]: unknown };

export const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);

export function where(d: SourceDocument, obj: JsonMap): string {
  const meta = isMap(obj.metadata) ? obj.metadata : {};
  const ns = typeof meta.namespace === 'string' ? `${meta.namespace}/` : '';
  return `${d.file}: ${String(obj.kind)} ${ns}${String(meta.name ?? '(unnamed)')}`;
}

/** Collects the notes about one input object. */
export class Notes {
  readonly warnings: ConvertWarning[] = [];

  constructor(readonly where: string) {}

  warn(field: string, message: string): void {
    this.warnings.push({ where: this.where, field, message });
  }

  /** Warns about every key of `obj` not in `handled`, as `prefix.key`. */
  warnUnhandled(obj: JsonMap, handled: readonly string[], prefix: string, why: string): void {
    for (const key of Object.keys(obj)) {
      if (!handled.includes(key)) this.warn(`${prefix}.${key}`, why);
    }
  }
}

/** Refused: thrown inside a converter, caught per object by convertDocuments. */
export class Refusal extends Error {}

const SSH_URL = /^(ssh:\/\/|git@|[^/:]+@[^/:]+:)/;

/** trueup fetches over http(s) only: an SSH URL cannot be carried over (credentials differ). */
export function httpRepoURL(url: unknown, field: string): string {
  if (typeof url !== 'string' || url === '') throw new Refusal(`${field} is missing`);
  if (SSH_URL.test(url) || !/^https?:\/\//.test(url)) {
    throw new Refusal(
      `${field} ${url}: trueup fetches Git over http(s) only; use the repository's https URL (credentials from a Secret labelled trueup.dev/secret-type: repository)`,
    );
  }
  return url;
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
