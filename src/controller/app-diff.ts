/**
 * What a sync of one Application would change, computed with the controller's own two steps:
 * the render step (chart context, spec.decryption's keys) and the sync engine's plan against the
 * live objects (no writes). `trueup app diff` prints it; the UI's diff view shows it per object.
 */

import { type Application, ApplicationSpecSchema } from '../api/application.js';
import { TrueupError } from '../api/errors.js';
import { describeRef } from '../api/object.js';
import { selectCluster } from '../cluster/select.js';
import { objectDiffText } from '../diff/text.js';
import type { ClusterClient } from '../kube/types.js';
import { inNamespace, type PlainSecret } from '../secrets/plain-secrets.js';
import { isListed, PlanAction, requiresPruning } from '../sync/index.js';
import type { PlannedObject, SyncPlan } from '../sync/types.js';
import { secretDecryptionKeys } from './adapters/decryption-keys.js';
import { TreeRenderPort } from './adapters/render.js';
import type { lazyEngine } from './adapters/render-helm.js';
import { EngineSyncPort } from './adapters/sync.js';
import type { SourcePort } from './ports.js';
import { RenderCache } from './render-cache.js';
import { renderApp } from './render-step.js';
import { type ResolvedSources, resolveSources, UnresolvedSource } from './sources.js';

export interface AppDiffDeps {
  client: ClusterClient;
  source: SourcePort;
  /** The Helm engine, loaded on the first chart render only. */
  helmEngine: Pick<ReturnType<typeof lazyEngine>, 'get'>;
}

export interface AppDiff {
  revision: ResolvedSources;
  plan: SyncPlan;
  /** The plan's objects a person sees (no hooks, not other apps' objects). */
  listed: PlannedObject[];
  /** Of those, the ones a sync would change. */
  differs: PlannedObject[];
  /** Secrets holding cleartext from Git (what the plain-Secret guard reports). */
  plainSecrets: PlainSecret[];
}

/** Renders the app's source at `revision` (default: its targetRevision, resolved afresh) and plans it. */
export async function diffApp(
  d: AppDiffDeps,
  app: Application,
  opts: { revision?: string; prune?: boolean } = {},
): Promise<AppDiff> {
  const { namespace, name } = app.metadata;
  const spec = ApplicationSpecSchema.parse(app.spec);
  if (opts.revision !== undefined && spec.sources !== undefined) {
    throw new TrueupError(
      'InvalidSpec',
      `${namespace}/${name} has spec.sources: a revision names one source's revision, leave it out`,
    );
  }
  // The diff reads the cluster it was given (the controller's own): a remote destination is refused, not misread.
  if (selectCluster(spec.destination, [], '').kind !== 'local') {
    throw new TrueupError(
      'RemoteDestination',
      `${namespace}/${name} deploys to cluster ${spec.destination.server ?? spec.destination.name}: its diff is not available here (only the controller's own cluster is read); see the app's status`,
    );
  }
  // A source that does not resolve fails with its own error (repository or chart named).
  const rev = await resolveSources(d.source, spec, [opts.revision], true).catch((e: unknown) => {
    throw e instanceof UnresolvedSource ? e.cause : e;
  });
  // The controller's own render step: the same chart context, spec.decryption's keys, tree.
  const { objects, plainSecrets } = await renderApp(
    {
      source: d.source,
      render: new TreeRenderPort({ helmEngine: () => d.helmEngine.get() }),
      renderCache: new RenderCache(1),
      decryption: secretDecryptionKeys((ns, secret) =>
        d.client.get({ apiVersion: 'v1', kind: 'Secret', namespace: ns, name: secret }),
      ),
      ...(d.client.capabilities ? { capabilities: d.client.capabilities.bind(d.client) } : {}),
    },
    app,
    spec,
    rev.revisions ?? rev.revision,
  );
  const inventory = (app.status?.resources ?? []).map((r) => ({
    group: r.group ?? '',
    version: r.version ?? 'v1',
    kind: r.kind,
    namespace: r.namespace ?? '',
    name: r.name,
  }));
  // The controller's first step: the same plan it would execute (prune decisions included).
  const plan = await new EngineSyncPort({ client: d.client }).plan(
    {
      appNamespace: namespace,
      appName: name,
      ...(spec.destination.namespace ? { destinationNamespace: spec.destination.namespace } : {}),
      syncOptions: spec.syncPolicy?.syncOptions ?? [],
      ignoreDifferences: spec.ignoreDifferences ?? [],
      inventory,
    },
    objects,
    { prune: opts.prune ?? spec.syncPolicy?.automated?.prune ?? false },
  );
  const listed = plan.objects.filter(isListed);
  return {
    revision: rev,
    plan,
    listed,
    differs: listed.filter((p) => p.action !== PlanAction.Unchanged),
    plainSecrets: inNamespace(plainSecrets, spec.destination.namespace),
  };
}

/** One planned object as text: its unified diff (Secret values masked), or one line saying why it differs. */
export function plannedText(p: PlannedObject): string {
  if (requiresPruning(p))
    return `--- ${describeRef(p.id)}: in the cluster, no longer in Git (requires pruning${p.action === PlanAction.Prune ? '' : `; ${p.reason}`})\n`;
  if ((p.action === PlanAction.Create || p.action === PlanAction.Update) && p.diff) {
    const text = objectDiffText(p.diff);
    return text.endsWith('\n') ? text : `${text}\n`;
  }
  return `--- ${describeRef(p.id)}: ${p.reason}\n`;
}
