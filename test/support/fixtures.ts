import type { KubeObject } from '../../src/api/object.js';

/** A namespaced CRD of kind Widget (`spec.size: integer`) in `group`, served as v1. */
export function widgetCrd(group: string, plural = 'widgets'): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: plural.replace(/s$/, ''), kind: 'Widget', listKind: 'WidgetList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
            },
          },
        },
      ],
    },
  };
}

/** An Application of `repoURL`/`path` at `main` into `destNamespace`, automated (prune and selfHeal) unless told otherwise. */
export function appManifest(
  name: string,
  namespace: string,
  repoURL: string,
  path: string,
  destNamespace: string,
  extra: { selfHeal?: boolean; prune?: boolean; automated?: boolean; finalizer?: boolean } = {},
): KubeObject {
  const automated =
    extra.automated === false ? undefined : { prune: extra.prune ?? true, selfHeal: extra.selfHeal ?? true };
  return {
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace,
      ...(extra.finalizer ? { finalizers: ['trueup.dev/resources-finalizer'] } : {}),
    },
    spec: {
      source: { repoURL, targetRevision: 'main', path },
      destination: { namespace: destNamespace },
      ...(automated ? { syncPolicy: { automated } } : {}),
    } as never,
  };
}

/** A ConfigMap manifest as JSON text (which is YAML), for files committed to test repositories. */
export function configMap(name: string, data: Record<string, string>): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data }, null, 2);
}
