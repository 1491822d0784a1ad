/**
 * Where an OCI artifact lives: a registry host and a repository path, spelled as Helm does
 * (`oci://host[:port]/path`) or as Argo CD's OCI Helm repositories and image references do
 * (`host[:port]/path`). Pure.
 */
import { OciErrorCode, ociError } from './errors.js';

export interface OciRepository {
  /** `host[:port]` as written (lower-case). */
  registry: string;
  /** The repository path inside the registry (`charts/web`), no leading or trailing `/`. */
  repository: string;
}

// The Distribution spec's repository-name grammar (path components, `/`-separated).
const COMPONENT = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$/;
const HOST = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?$|^\[[0-9a-f:]+\](:[0-9]+)?$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** `oci://host/path` or `host/path` → registry + repository; throws OciInvalidReference. */
export function parseOciRepository(raw: string): OciRepository {
  const text = raw
    .trim()
    .replace(/^oci:\/\//i, '')
    .replace(/\/+$/, '');
  const slash = text.indexOf('/');
  const registry = (slash < 0 ? text : text.slice(0, slash)).toLowerCase();
  const repository = slash < 0 ? '' : text.slice(slash + 1);
  if (!HOST.test(registry) || text.includes('@') || text.includes('://'))
    throw ociError(OciErrorCode.InvalidReference, `${raw}: not an OCI repository (oci://host[:port]/path)`);
  if (repository && !repository.split('/').every((c) => COMPONENT.test(c)))
    throw ociError(
      OciErrorCode.InvalidReference,
      `${raw}: repository path ${repository}: lower-case letters, digits and . _ - separators only`,
    );
  return { registry, repository };
}

/** The repository one level down (`charts` + `web` → `charts/web`), as a chart lives under its repo URL. */
export function childRepository(parent: OciRepository, name: string): OciRepository {
  const repository = parent.repository ? `${parent.repository}/${name}` : name;
  if (!repository.split('/').every((c) => COMPONENT.test(c)))
    throw ociError(
      OciErrorCode.InvalidReference,
      `oci://${parent.registry}/${repository}: not a valid repository name`,
    );
  return { registry: parent.registry, repository };
}

export function isTag(text: string): boolean {
  return TAG.test(text);
}

export function isDigest(text: string): boolean {
  return DIGEST.test(text);
}

/** `oci://host/repo` for messages. */
export function describeRepository(r: OciRepository): string {
  return `oci://${r.registry}/${r.repository}`;
}

/** Loopback registries are spoken to over plain HTTP (as Docker treats localhost). */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.replace(/:[0-9]+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.[0-9]+\.[0-9]+\.[0-9]+$/.test(host);
}

/** Docker Hub's official images: `docker.io/nginx` is `library/nginx` on the API. */
export function apiRepository(r: OciRepository): string {
  const hub =
    r.registry === 'docker.io' || r.registry === 'index.docker.io' || r.registry === 'registry-1.docker.io';
  return hub && !r.repository.includes('/') ? `library/${r.repository}` : r.repository;
}

/** Docker Hub's API host: `docker.io` names it, `registry-1.docker.io` serves it. */
export function apiHost(registry: string): string {
  return registry === 'docker.io' || registry === 'index.docker.io' ? 'registry-1.docker.io' : registry;
}
