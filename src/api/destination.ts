/** `spec.destination`: the cluster and default namespace an Application deploys to. */
import { z } from 'zod';

/** The in-cluster API server, Argo CD's default destination. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

export const DestinationSchema = z.object({
  server: z
    .string()
    .min(1)
    .optional()
    .describe(
      `API server of the destination cluster: ${IN_CLUSTER_SERVER} (the controller's own, the default) or the server of a cluster Secret.`,
    ),
  name: z
    .string()
    .optional()
    .describe('Cluster name instead of server: in-cluster or the name of a cluster Secret.'),
  namespace: z.string().optional().describe('Namespace for objects that do not name one.'),
});

export type ApplicationDestination = z.infer<typeof DestinationSchema>;
