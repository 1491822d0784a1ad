/**
 * Who is calling and what they may do, with no user database: a bearer token is authenticated
 * by the API server (TokenReview) and every read and action is authorised by it
 * (SubjectAccessReview on the Application: `get`/`list` to view, `patch` to act). Answers are
 * cached briefly per token (by its SHA-256, never the token itself), so a list page does not cost
 * a review per request, and a revoked token or binding stops working within the TTL.
 */
import { createHash } from 'node:crypto';
import { APP_GROUP, APP_PLURAL } from '../api/application.js';
import type { KubeObject } from '../api/object.js';
import type { ClusterClient } from '../kube/types.js';

export interface Caller {
  user: string;
  groups: readonly string[];
  uid?: string;
  extra?: Record<string, readonly string[]>;
  /** SHA-256 of the credential, the cache key of this caller's answers. */
  id: string;
}

export const Verb = { Get: 'get', List: 'list', Patch: 'patch' } as const;
export type Verb = (typeof Verb)[keyof typeof Verb];

export interface Access {
  readonly mode: 'token' | 'kubeconfig';
  /** The caller a token stands for; undefined when the API server does not accept it. */
  authenticate(token: string | undefined): Promise<Caller | undefined>;
  /** May `caller` do `verb` on Applications in `namespace` (on the one named, when `name` is given)? */
  allowed(caller: Caller, verb: Verb, namespace: string, name?: string): Promise<boolean>;
}

/** `trueup ui`: the process acts as the kubeconfig's user, so the API server itself enforces RBAC on each request. */
export function kubeconfigAccess(user: string): Access {
  const caller: Caller = { user, groups: [], id: 'kubeconfig' };
  return {
    mode: 'kubeconfig',
    authenticate: async () => caller,
    allowed: async () => true,
  };
}

class TtlCache<V> {
  private readonly map = new Map<string, { at: number; value: Promise<V> }>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly max = 10_000,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const t = this.now();
    const hit = this.map.get(key);
    if (hit && t - hit.at < this.ttlMs) return hit.value;
    if (this.map.size >= this.max) {
      for (const [k, v] of this.map) if (t - v.at >= this.ttlMs) this.map.delete(k);
      if (this.map.size >= this.max) this.map.clear();
    }
    const value = load();
    this.map.set(key, { at: t, value });
    value.catch(() => this.map.delete(key));
    return value;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Token access over the API server (the controller's ServiceAccount needs `create` on both reviews). */
export function tokenAccess(
  client: ClusterClient,
  opts: { ttlMs?: number; now?: () => number } = {},
): Access {
  const now = opts.now ?? Date.now;
  const ttl = opts.ttlMs ?? 10_000;
  const callers = new TtlCache<Caller | undefined>(ttl, now);
  const answers = new TtlCache<boolean>(ttl, now, 100_000);
  return {
    mode: 'token',
    authenticate(token) {
      if (!token) return Promise.resolve(undefined);
      const id = sha256(token);
      return callers.get(id, async () => {
        const review = await client.create(
          {
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenReview',
            metadata: {},
            spec: { token },
          } as KubeObject,
          { fieldManager: 'trueup-ui' },
        );
        const status = review.status as
          | {
              authenticated?: boolean;
              user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
            }
          | undefined;
        if (!status?.authenticated || !status.user?.username) return undefined;
        const u = status.user;
        return {
          user: u.username as string,
          groups: u.groups ?? [],
          ...(u.uid ? { uid: u.uid } : {}),
          ...(u.extra ? { extra: u.extra } : {}),
          id,
        };
      });
    },
    allowed(caller, verb, namespace, name) {
      return answers.get(`${caller.id}\n${verb}\n${namespace}\n${name ?? ''}`, async () => {
        const review = await client.create(
          {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SubjectAccessReview',
            metadata: {},
            spec: {
              user: caller.user,
              groups: [...caller.groups],
              ...(caller.uid ? { uid: caller.uid } : {}),
              ...(caller.extra ? { extra: caller.extra } : {}),
              resourceAttributes: {
                group: APP_GROUP,
                resource: APP_PLURAL,
                verb,
                namespace,
                ...(name ? { name } : {}),
              },
            },
          } as unknown as KubeObject,
          { fieldManager: 'trueup-ui' },
        );
        return (review.status as { allowed?: boolean } | undefined)?.allowed === true;
      });
    },
  };
}
