/**
 * RenderPort over src/render's renderTree. Argo CD-style kustomize overrides (images,
 * namePrefix, ...) are applied the way `kustomize edit` would: a virtual overlay kustomization
 * next to the tree's root whose only resource is the app's path, rendered instead of it.
 * A plain directory is read as Argo CD reads it: not recursively unless spec.source.directory
 * says `recurse: true`, filtered by its include/exclude globs.
 */
import { dump } from 'js-yaml';
import type { ApplicationSource } from '../../api/application-source.js';
import { RetryClass, TrueupError } from '../../api/errors.js';
import type { KustomizeOverrides } from '../../api/kustomize-source.js';
import type { KubeObject } from '../../api/object.js';
import type { HelmRenderer } from '../../helm/engine.js';
import { HelmErrorCode, helmError } from '../../helm/errors.js';
import { kustomizeChartInflator } from '../../helm/kustomize-charts.js';
import { BUILD_HINT } from '../../helm/locate.js';
import type { FileStat, FileTree } from '../../render/file-tree.js';
import { type RenderOptions, renderTree } from '../../render/index.js';
import type { ChartContext, RenderPort } from '../ports.js';
import { HelmChartRenderer } from './render-helm.js';

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

export interface TreeRenderPortOptions extends RenderOptions {
  /** The Helm engine, for paths holding a chart; absent: a chart path says how to install it. */
  helmEngine?: () => Promise<HelmRenderer>;
}

const engineNotConfigured = (): Promise<HelmRenderer> =>
  Promise.reject(helmError(HelmErrorCode.EngineMissing, `the Helm engine is not installed: ${BUILD_HINT}`));

export class TreeRenderPort implements RenderPort {
  private readonly options: RenderOptions;
  private readonly helm: HelmChartRenderer;

  /** An Application's path may be a plain directory of manifests (Argo CD's directory source). */
  constructor(options: TreeRenderPortOptions = {}) {
    const { helmEngine, ...render } = options;
    // Kustomize's helmCharts: render through the same engine (loaded on first use only).
    this.options = {
      plainDirectories: true,
      helmCharts: kustomizeChartInflator(helmEngine ?? engineNotConfigured),
      ...render,
    };
    this.helm = new HelmChartRenderer(helmEngine ?? engineNotConfigured);
  }

  async render(
    tree: FileTree,
    path: string,
    overrides: KustomizeOverrides | undefined,
    /** spec.source.directory; absent reads the top of a plain directory only (Argo CD's default). */
    directory?: ApplicationSource['directory'],
    chart?: ChartContext,
    origins?: Map<KubeObject, string>,
  ): Promise<KubeObject[]> {
    const dir = path.replace(/^\.\/?/, '').replace(/\/$/, '');
    const k = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
    let found = false;
    for (const name of k) if ((await tree.stat(dir ? `${dir}/${name}` : name))?.kind === 'file') found = true;
    const helm = chart?.helm;
    // As Argo CD: helm set means a chart; else a kustomization wins, then Chart.yaml, then a plain directory.
    const isChart =
      helm !== undefined ||
      (!found && !directory && !hasOverrides(overrides) && (await holdsChart(tree, dir)));
    if (isChart) return this.renderChart(tree, dir, chart, origins);
    if (directory && found) {
      throw new TrueupError(
        'RenderDirectoryHasKustomization',
        `${tree.description}: ${dir || '.'}: spec.source.directory is for plain directories of manifests, but this one has a kustomization (use spec.source.kustomize, or remove directory)`,
      );
    }
    if (!hasOverrides(overrides))
      return renderTree(tree, dir || '.', {
        ...this.options,
        directory: directory ?? {},
        ...(origins ? { origins } : {}),
      });
    if (!found) {
      throw new TrueupError(
        'RenderOverridesNeedKustomization',
        `${tree.description}: ${dir || '.'}: spec.source.kustomize overrides need a kustomization in that directory`,
      );
    }
    return renderTree(new OverlayTree(tree, overlayKustomization(dir, overrides)), OVERLAY_DIR, {
      ...this.options,
      ...(origins ? { origins } : {}),
    });
  }

  private async renderChart(
    tree: FileTree,
    dir: string,
    chart: ChartContext | undefined,
    origins: Map<KubeObject, string> | undefined,
  ): Promise<KubeObject[]> {
    if (!(await holdsChart(tree, dir)))
      throw new TrueupError(
        'RenderNotAChart',
        `${tree.description}: ${dir || '.'}: spec.source.helm is set, but this path holds no Chart.yaml (helm needs a chart directory)`,
      );
    if (!chart)
      throw new TrueupError(
        'RenderChartNeedsApp',
        `${tree.description}: ${dir || '.'}: a Helm chart renders only for an Application (release name and namespace)`,
      );
    if (chart.capabilities instanceof Error)
      throw new TrueupError(
        'RenderCapabilitiesUnknown',
        `${tree.description}: ${dir || '.'}: the destination cluster's version and API versions (for .Capabilities): ${chart.capabilities.message}`,
        { retry: RetryClass.Transient, cause: chart.capabilities },
      );
    return this.helm.render(
      tree,
      dir,
      chart.helm,
      {
        appName: chart.appName,
        destinationNamespace: chart.destinationNamespace,
        capabilities: chart.capabilities,
        refs: chart.refs,
        field: chart.field,
      },
      origins,
    );
  }
}

async function holdsChart(tree: FileTree, dir: string): Promise<boolean> {
  return (await tree.stat(dir ? `${dir}/Chart.yaml` : 'Chart.yaml'))?.kind === 'file';
}
