/**
 * AppProjects for the reconciler: an informer on the controller's namespace keeps them (a pass
 * reads the cache, never the API server), a change re-queues the apps of that project, and the
 * `default` project is created at start when it is missing (never overwritten: a platform team may
 * have narrowed it).
 */
import {
  type AppProjectSpec,
  DEFAULT_PROJECT,
  DEFAULT_PROJECT_SPEC,
  PROJECT_KIND,
} from '../api/app-project.js';
import { APP_API_VERSION, APP_GROUP } from '../api/application.js';
import { type KubeObject, refKey } from '../api/object.js';
import { isKubeApiError, KubeErrorCode } from '../kube/errors.js';
import type { ClusterClient } from '../kube/types.js';
import type { Clock } from '../runtime/clock.js';
import { Informer } from '../runtime/informer.js';
import type { ProjectPort } from './ports.js';
import { ProjectSpecs } from './project-specs.js';
import type { Logger } from './reconciler.js';

export class ProjectCache implements ProjectPort {
  readonly informer: Informer;
  private readonly specs: ProjectSpecs;

  constructor(
    readonly namespace: string,
    o: {
      client: ClusterClient;
      clock: Clock;
      random: () => number;
      log?: Logger;
      /** A project was added, changed or removed: its apps must be checked again. */
      onChange: (project: string) => void;
    },
  ) {
    this.informer = new Informer({
      client: o.client,
      apiVersion: APP_API_VERSION,
      kind: PROJECT_KIND,
      namespace,
      clock: o.clock,
      random: o.random,
      ...(o.log ? { log: o.log } : {}),
      onEvent: (_type, obj) => o.onChange(obj.metadata.name ?? ''),
    });
    this.specs = new ProjectSpecs((name) =>
      this.informer.store.get(refKey({ group: APP_GROUP, kind: PROJECT_KIND, namespace, name })),
    );
  }

  get(name: string): AppProjectSpec | undefined {
    return this.specs.get(name);
  }
}

/** Creates the `default` project (everything permitted) when it does not exist. */
export async function ensureDefaultProject(client: ClusterClient, namespace: string): Promise<boolean> {
  const address = { apiVersion: APP_API_VERSION, kind: PROJECT_KIND, namespace, name: DEFAULT_PROJECT };
  if (await client.get(address)) return false;
  const project: KubeObject = {
    apiVersion: APP_API_VERSION,
    kind: PROJECT_KIND,
    metadata: { name: DEFAULT_PROJECT, namespace },
    spec: structuredClone(DEFAULT_PROJECT_SPEC),
  } as KubeObject;
  try {
    await client.create(project, { fieldManager: 'trueup-controller' });
    return true;
  } catch (err) {
    // Another replica created it first.
    if (isKubeApiError(err, KubeErrorCode.Conflict) && err.reason === 'AlreadyExists') return false;
    throw err;
  }
}
