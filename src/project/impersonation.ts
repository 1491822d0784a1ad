/**
 * Who an app's applies, dry runs and prunes are made as. A project's destinationServiceAccounts
 * (Argo CD) decide first: the first entry whose server and namespace globs match the destination
 * names the ServiceAccount (NAME in the destination namespace, or NAMESPACE:NAME), and a project
 * that lists entries but matches none refuses the app. Otherwise the Application's own
 * serviceAccountName (Flux) names one in the Application's namespace. Otherwise the controller
 * acts as itself.
 */
import type { DestinationServiceAccount } from '../api/app-project.js';
import { globMatch } from './policy.js';

export type Identity = { user?: string } | { problem: string };

export const serviceAccountUser = (namespace: string, name: string) =>
  `system:serviceaccount:${namespace}:${name}`;

export function syncIdentity(
  project: {
    name: string;
    spec: { destinationServiceAccounts?: readonly DestinationServiceAccount[] | undefined };
  },
  app: { namespace: string; serviceAccountName?: string | undefined },
  dest: { server: string; namespace: string },
): Identity {
  const entries = project.spec.destinationServiceAccounts ?? [];
  if (entries.length > 0) {
    const entry = entries.find(
      (e) => globMatch(e.server, dest.server) && globMatch(e.namespace, dest.namespace),
    );
    if (!entry)
      return {
        problem: `project ${project.name}: no destinationServiceAccounts entry matches namespace ${dest.namespace || '(none)'} of ${dest.server}`,
      };
    const [ns, name] = entry.defaultServiceAccount.includes(':')
      ? (entry.defaultServiceAccount.split(':') as [string, string])
      : [dest.namespace, entry.defaultServiceAccount];
    if (!ns)
      return {
        problem: `project ${project.name}: ${entry.defaultServiceAccount} names no namespace and the app has no destination namespace`,
      };
    return { user: serviceAccountUser(ns, name) };
  }
  if (app.serviceAccountName) return { user: serviceAccountUser(app.namespace, app.serviceAccountName) };
  return {};
}
