/**
 * Notifications wired to a cluster: informers over NotificationRule and NotificationProvider,
 * Secrets read through the client when a job runs, delivery state written to the
 * Application's status.notifications, and the delivery queue. The controller hands `port` to
 * its reconciler.
 */
import { APP_API_VERSION, APP_KIND, type Application } from '../api/application.js';
import { errorMessage } from '../api/errors.js';
import {
  NOTIFICATION_API_VERSION,
  type NotificationProvider,
  NotificationProviderSchema,
  type NotificationRule,
  NotificationRuleSchema,
  PROVIDER_KIND,
  RULE_KIND,
} from '../api/notification.js';
import type { KubeObject } from '../api/object.js';
import type { ClusterClient } from '../kube/types.js';
import type { Clock } from '../runtime/clock.js';
import { Informer } from '../runtime/informer.js';
import { DeliveryQueue, type DeliveryResult } from './delivery.js';
import { type HttpClient, nodeHttpClient } from './http.js';
import { Notifier, type TemplateRenderer } from './notifier.js';

export interface NotificationsOptions {
  client: ClusterClient;
  clock: Clock;
  random: () => number;
  log: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
    debug(obj: object, msg: string): void;
  };
  /** Namespaces whose rules and providers are read; empty: all. */
  namespaces: readonly string[];
  /** A Kubernetes event on an Application. */
  event: (app: Application, type: 'Normal' | 'Warning', reason: string, message: string) => Promise<void>;
  count?: (provider: string, type: string, result: DeliveryResult) => void;
  uiUrl?: string;
  templates?: TemplateRenderer;
  http?: HttpClient;
  /** Delivery tuning (tests, benchmarks). */
  maxAgeMs?: number;
  baseBackoffMs?: number;
}

export interface Notifications {
  notifier: Notifier;
  queue: DeliveryQueue;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_RATE_PER_MINUTE = 60;

export function createNotifications(o: NotificationsOptions): Notifications {
  const informers = (kind: string) =>
    (o.namespaces.length ? o.namespaces : ['']).map(
      (ns) =>
        new Informer({
          client: o.client,
          apiVersion: NOTIFICATION_API_VERSION,
          kind,
          ...(ns ? { namespace: ns } : {}),
          clock: o.clock,
          random: o.random,
          log: o.log,
          onEvent: () => {},
        }),
    );
  const ruleInformers = informers(RULE_KIND);
  const providerInformers = informers(PROVIDER_KIND);
  const warned = new Set<string>();
  const parse = <T>(
    obj: KubeObject,
    schema: {
      safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } };
    },
  ): T | undefined => {
    const r = schema.safeParse(obj);
    if (r.success) return r.data;
    const key = `${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name}@${obj.metadata.resourceVersion}`;
    if (!warned.has(key)) {
      warned.add(key);
      o.log.warn({ object: key, err: r.error.message }, 'notification resource ignored: invalid');
    }
    return undefined;
  };
  const rules = (): NotificationRule[] =>
    ruleInformers
      .flatMap((i) => [...i.store.values()])
      .flatMap((obj) => parse<NotificationRule>(obj, NotificationRuleSchema) ?? []);
  const provider = (namespace: string, name: string): NotificationProvider | undefined => {
    for (const inf of providerInformers) {
      for (const obj of inf.store.values()) {
        if (obj.metadata.namespace === namespace && obj.metadata.name === name)
          return parse<NotificationProvider>(obj, NotificationProviderSchema);
      }
    }
    return undefined;
  };
  const rates = new Map<string, number>();
  const queue = new DeliveryQueue({
    clock: o.clock,
    ratePerMinute: (key) => {
      const [ns = '', name = ''] = key.split('/');
      const rate = provider(ns, name)?.spec.rateLimit ?? rates.get(key) ?? DEFAULT_RATE_PER_MINUTE;
      rates.set(key, rate);
      return rate;
    },
    ...(o.maxAgeMs !== undefined ? { maxAgeMs: o.maxAgeMs } : {}),
    ...(o.baseBackoffMs !== undefined ? { baseBackoffMs: o.baseBackoffMs } : {}),
    ...(o.count ? { count: o.count } : {}),
    log: o.log,
  });
  const notifier = new Notifier({
    rules,
    provider,
    secret: async (namespace, name) => {
      const s = await o.client.get({ apiVersion: 'v1', kind: 'Secret', namespace, name });
      if (!s) return undefined;
      const data = (s.data ?? {}) as Record<string, string>;
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(data)) out[k] = Buffer.from(v, 'base64').toString('utf8');
      for (const [k, v] of Object.entries((s.stringData ?? {}) as Record<string, string>)) out[k] = v;
      return out;
    },
    http: o.http ?? nodeHttpClient,
    queue,
    record: async (namespace, name, delivered) => {
      await o.client.patchStatus(
        { apiVersion: APP_API_VERSION, kind: APP_KIND, namespace, name },
        { notifications: delivered },
        { fieldManager: 'trueup-notifications' },
      );
    },
    event: o.event,
    ...(o.templates ? { templates: o.templates } : {}),
    ...(o.uiUrl ? { uiUrl: o.uiUrl } : {}),
    clock: o.clock,
    log: o.log,
  });
  const all = [...ruleInformers, ...providerInformers];
  return {
    notifier,
    queue,
    async start() {
      for (const i of all) i.start();
      // Rules and providers not listed yet mean no notification for the first passes: wait.
      await Promise.race([
        Promise.all(all.map((i) => Promise.race([i.whenSynced(), i.whenFailing()]))),
        new Promise<void>((r) => o.clock.setTimer(10_000, r)),
      ]);
      for (const i of all)
        if (!i.synced)
          o.log.warn(
            { kind: `${i === ruleInformers[0] ? RULE_KIND : PROVIDER_KIND}` },
            'notification resources not listed yet (CRDs installed?)',
          );
    },
    async stop() {
      queue.stop();
      await Promise.all(
        all.map((i) =>
          i.stop().catch((err: unknown) => o.log.warn({ err: errorMessage(err) }, 'informer stop')),
        ),
      );
    },
  };
}
