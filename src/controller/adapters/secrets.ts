/**
 * Repository credentials for the Git source, read from Secrets in the controller's namespace:
 * those labelled `trueup.dev/secret-type` (or Argo CD's `argocd.argoproj.io/secret-type`) with
 * `repository` or `repo-creds`, as Argo CD's repository credentials are, and any Secret there
 * named explicitly.
 */
import type { KubeObject } from '../../api/object.js';
import type { ClusterClient } from '../../kube/index.js';
import {
  ARGOCD_SECRET_TYPE_LABEL,
  SECRET_TYPE_LABEL,
  type SecretLike,
  type SecretSource,
} from '../../source/credentials.js';

function asSecret(o: KubeObject): SecretLike {
  const data = o.data as Record<string, string> | undefined;
  return {
    metadata: {
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
      ...(o.metadata.name ? { name: o.metadata.name } : {}),
      ...(o.metadata.labels ? { labels: o.metadata.labels } : {}),
    },
    ...(data ? { data } : {}),
  };
}

export function clusterSecretSource(client: ClusterClient, namespace: string): SecretSource {
  return {
    async listRepoSecrets() {
      // A label selector cannot OR two keys: one list per label.
      const lists = await Promise.all(
        [SECRET_TYPE_LABEL, ARGOCD_SECRET_TYPE_LABEL].map((label) =>
          client.list('v1', 'Secret', { namespace, labelSelector: label }),
        ),
      );
      const seen = new Set<string>();
      const out: SecretLike[] = [];
      for (const item of lists.flatMap((l) => l.items)) {
        const name = item.metadata.name ?? '';
        if (seen.has(name)) continue;
        seen.add(name);
        out.push(asSecret(item));
      }
      return out;
    },
    async getSecret(ns, name) {
      const found = await client.get({ apiVersion: 'v1', kind: 'Secret', namespace: ns, name });
      return found ? asSecret(found) : undefined;
    },
  };
}
