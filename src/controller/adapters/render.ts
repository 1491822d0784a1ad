/**
 * RenderPort over src/render's renderTree. Argo CD-style kustomize overrides (images,
 * namePrefix, ...) are applied the way `kustomize edit` would: a virtual overlay kustomization
 * next to the tree's root whose only resource is the app's path, rendered instead of it.
 * A plain directory is read as Argo CD reads it: not recursively unless spec.source.directory
 * says `recurse: true`, filtered by its include/exclude globs.
 */
import { dump } from 'js-yaml';
import type { ApplicationSource, KustomizeOverrides } from '../../api/application.js';
import { TrueupError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { FileStat, FileTree } from '../../render/file-tree.js';
import { type RenderOptions, renderTree } from '../../render/index.js';
import type { RenderPort } from '../ports.js';

export const OVERLAY_DIR = '.trueup-overrides';

/** `name=newName:tag`, `name:tag`, `name@digest`, `name=newName` (Argo CD's forms) → a kustomize images entry. */
export function parseImageOverride(text: string): Record<string, string> {
  let name = text;
  let target = text;
  const eq = text.indexOf('=');
  if (eq >= 0) {
    name = text.slice(0, eq);
    target = text.slice(eq + 1);
  }
  const out: Record<string, string> = {};
  const at = target.indexOf('@');
  let image = target;
  if (at >= 0) {
    out.digest = target.slice(at + 1);
    image = target.slice(0, at);
  } else {
    const colon = target.lastIndexOf(':');
    if (colon > target.lastIndexOf('/')) {
      out.newTag = target.slice(colon + 1);
      image = target.slice(0, colon);
    }
  }
  if (eq < 0) name = image;
  else if (image !== name) out.newName = image;
  return { name, ...out };
}

export function overlayKustomization(path: string, o: KustomizeOverrides): string {
  const k: Record<string, unknown> = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [`../${path === '.' || path === '' ? '' : path}`.replace(/\/$/, '') || '..'],
  };
  if (o.namePrefix) k.namePrefix = o.namePrefix;
  if (o.nameSuffix) k.nameSuffix = o.nameSuffix;
  if (o.namespace) k.namespace = o.namespace;
  if (o.commonLabels) k.commonLabels = o.commonLabels;
  if (o.commonAnnotations) k.commonAnnotations = o.commonAnnotations;
  if (o.images?.length) k.images = o.images.map(parseImageOverride);
  if (o.replicas?.length) k.replicas = o.replicas.map((r) => ({ name: r.name, count: Number(r.count) }));
  return dump(k);
}

/** The tree with one extra directory holding the overlay. */
class OverlayTree implements FileTree {
  readonly description: string;
  private readonly file: Uint8Array;

  constructor(
    private readonly base: FileTree,
    text: string,
  ) {
    this.description = base.description;
    this.file = new TextEncoder().encode(text);
  }

  async stat(path: string): Promise<FileStat | undefined> {
    if (path === OVERLAY_DIR) return { kind: 'dir', size: 0 };
    if (path === `${OVERLAY_DIR}/kustomization.yaml`) return { kind: 'file', size: this.file.length };
    if (path.startsWith(`${OVERLAY_DIR}/`)) return undefined;
    return this.base.stat(path);
  }

  async readFile(path: string): Promise<Uint8Array> {
    if (path === `${OVERLAY_DIR}/kustomization.yaml`) return this.file;
    return this.base.readFile(path);
  }

  async realPath(path: string): Promise<string> {
    if (path === OVERLAY_DIR || path.startsWith(`${OVERLAY_DIR}/`)) return path;
    return this.base.realPath(path);
  }

  async listDir(path: string): Promise<string[]> {
    if (path === OVERLAY_DIR) return ['kustomization.yaml'];
    const list = await this.base.listDir(path);
    // The overlay is invisible to the app's own plain-directory scans.
    return list;
  }
}

function hasOverrides(o: KustomizeOverrides | undefined): o is KustomizeOverrides {
  if (!o) return false;
  return Object.values(o).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0));
}

export class TreeRenderPort implements RenderPort {
  private readonly options: RenderOptions;

  /** An Application's path may be a plain directory of manifests (Argo CD's directory source). */
  constructor(options: RenderOptions = {}) {
    this.options = { plainDirectories: true, ...options };
  }

  async render(
    tree: FileTree,
    path: string,
    overrides: KustomizeOverrides | undefined,
    /** spec.source.directory; absent reads the top of a plain directory only (Argo CD's default). */
    directory?: ApplicationSource['directory'],
  ): Promise<KubeObject[]> {
    const dir = path.replace(/^\.\/?/, '').replace(/\/$/, '');
    const k = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
    let found = false;
    for (const name of k) if ((await tree.stat(dir ? `${dir}/${name}` : name))?.kind === 'file') found = true;
    if (directory && found) {
      throw new TrueupError(
        'RenderDirectoryHasKustomization',
        `${tree.description}: ${dir || '.'}: spec.source.directory is for plain directories of manifests, but this one has a kustomization (use spec.source.kustomize, or remove directory)`,
      );
    }
    if (!hasOverrides(overrides))
      return renderTree(tree, dir || '.', { ...this.options, directory: directory ?? {} });
    if (!found) {
      throw new TrueupError(
        'RenderOverridesNeedKustomization',
        `${tree.description}: ${dir || '.'}: spec.source.kustomize overrides need a kustomization in that directory`,
      );
    }
    return renderTree(new OverlayTree(tree, overlayKustomization(dir, overrides)), OVERLAY_DIR, this.options);
  }
}
