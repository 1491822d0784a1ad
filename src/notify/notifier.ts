/**
 * The reconciler's side of notifications: told of every pass (and of each sync about to run),
 * it works out the events, matches rules, drops what was already delivered for the same
 * revision and state, and queues the rest. It only enqueues: secrets are read, templates
 * evaluated and requests made by the delivery queue's jobs, never in the reconcile path.
 * What was delivered is written to the Application's status.notifications, which a restarted
 * controller reads back before sending anything.
 */

import type { Application, ApplicationStatus } from '../api/application.js';
import { errorMessage } from '../api/errors.js';
import type { NotificationProvider, NotificationRule } from '../api/notification.js';
import { type Delivered, MAX_DELIVERED } from '../api/notification-status.js';
import { primaryRevision, primarySource } from '../api/primary-source.js';
import type { Clock } from '../runtime/clock.js';
import type { DeliveryQueue } from './delivery.js';
import { NotifyError, NotifyErrorCode } from './errors.js';
import { type AppEvent, eventsOf, type PassFacts, syncStarted } from './events.js';
import { apiBaseOf, postCommitStatus, repoOf } from './forge.js';
import { checkResponse, type HttpClient } from './http.js';
import { commitStateOf, isCommitStatusType, messageWanted, ruleWatches } from './match.js';
import { defaultMessage, factsOf, type NotificationFacts, templateData } from './message.js';
import {
  EVENT_HEADER,
  SIGNATURE_HEADER,
  signBody,
  slackPayload,
  teamsPayload,
  webhookPayload,
} from './payloads.js';

/** Evaluates Go templates (the Helm engine's; src/helm/go-template.ts). */
export type TemplateRenderer = (items: { template: string; data: unknown }[]) => Promise<string[]>;

export interface NotifierDeps {
  rules: () => readonly NotificationRule[];
  provider: (namespace: string, name: string) => NotificationProvider | undefined;
  /** A Secret's data, decoded; undefined when it does not exist. */
  secret: (namespace: string, name: string) => Promise<Record<string, string> | undefined>;
  http: HttpClient;
  queue: DeliveryQueue;
  /** Writes status.notifications of the app (the whole list). */
  record: (namespace: string, name: string, delivered: Delivered[]) => Promise<void>;
  /** A Kubernetes event on the app (drops and failures). */
  event: (app: Application, type: 'Normal' | 'Warning', reason: string, message: string) => Promise<void>;
  templates?: TemplateRenderer;
  /** The UI's base URL, for links (--ui-url). */
  uiUrl?: string;
  clock: Clock;
  log: { warn(obj: object, msg: string): void; debug(obj: object, msg: string): void };
}

/** One thing to deliver, before dedupe: which provider, which event or state, about what. */
interface Intent {
  provider: NotificationProvider;
  rule: NotificationRule;
  /** The event name, or the commit state posted. */
  name: string;
  event: AppEvent;
  /**
   * How it is recorded on status.notifications (one entry per provider and `event`): messages
   * as (event, key); commit states as ('commit-status', state@revision), so the entry is the last
   * state posted and a state posted again after another one (success, failure, success) is sent.
   */
  recordAs: { event: string; key: string };
}

/** status.notifications' event of commit states: the entry holds the last state posted. */
export const COMMIT_STATUS = 'commit-status';

const providerKey = (p: NotificationProvider) => `${p.metadata.namespace}/${p.metadata.name}`;
const dedupeId = (appKey: string, provider: string, name: string, key: string) =>
  `${appKey}|${provider}|${name}|${key}`;

export class Notifier {
  /** appKey → what was delivered (seeded from the app's status on first sight). */
  private readonly delivered = new Map<string, Delivered[]>();
  private readonly inflight = new Set<string>();
  /** rule|provider pairs already reported missing (once per process, not once per pass). */
  private readonly missing = new Set<string>();

  constructor(private readonly d: NotifierDeps) {}

  /** A sync of `revision` is about to run (commit status `pending`). */
  syncStarting(app: Application, revision: string): void {
    this.dispatch(app, [syncStarted(revision)]);
  }

  /** A pass ended: `app.status` is the status before it, `after` the one it wrote. */
  passed(app: Application, after: ApplicationStatus, pass: PassFacts): void {
    const events = eventsOf(app.status, after, pass);
    if (events.length)
      this.dispatch({ ...app, status: { ...after, ...pickNotifications(app.status) } }, events);
  }

  /** Forget a deleted app. */
  forget(appKey: string): void {
    this.delivered.delete(appKey);
  }

  private dispatch(app: Application, events: readonly AppEvent[]): void {
    const { namespace, name } = app.metadata;
    const appKey = `${namespace}/${name}`;
    const labels = (app.metadata.labels ?? {}) as Record<string, string>;
    let seen = this.delivered.get(appKey);
    if (!seen) {
      seen = [...(app.status?.notifications ?? [])];
      this.delivered.set(appKey, seen);
    }
    for (const intent of this.intents(app, labels, events)) {
      const provider = providerKey(intent.provider);
      const id = dedupeId(appKey, provider, intent.recordAs.event, intent.recordAs.key);
      if (this.inflight.has(id)) continue;
      const r = intent.recordAs;
      if (seen.some((s) => s.provider === provider && s.event === r.event && s.key === r.key)) continue;
      this.inflight.add(id);
      this.d.queue.add({
        provider,
        type: intent.provider.spec.type,
        describe: `${intent.name} of ${appKey} at ${intent.event.revision}`,
        send: () => this.send(app, intent),
        done: (result, reason) => {
          this.inflight.delete(id);
          if (result === 'sent' || result === 'duplicate') void this.recordDelivered(app, provider, intent);
          else void this.reportUndelivered(app, provider, intent, result, reason ?? '');
        },
      });
    }
  }

  private intents(app: Application, labels: Record<string, string>, events: readonly AppEvent[]): Intent[] {
    const out: Intent[] = [];
    const { namespace } = app.metadata;
    for (const rule of this.d.rules()) {
      if (!ruleWatches(rule, { namespace, labels })) continue;
      for (const ref of rule.spec.providers) {
        const provider = this.d.provider(rule.metadata.namespace, ref.name);
        if (!provider) {
          this.reportMissing(app, rule, ref.name);
          continue;
        }
        if (provider.spec.suspend) continue;
        for (const event of events) {
          if (isCommitStatusType(provider.spec.type)) {
            const state = commitStateOf(event, rule.spec.events);
            if (state)
              out.push({
                provider,
                rule,
                name: state,
                event,
                recordAs: { event: COMMIT_STATUS, key: `${state}@${event.revision}` },
              });
          } else if (messageWanted(event, rule.spec.events)) {
            out.push({
              provider,
              rule,
              name: event.event,
              event,
              recordAs: { event: event.event, key: event.key },
            });
          }
        }
      }
    }
    return out;
  }

  /** A rule naming a provider that does not exist is said, on the app it would have notified. */
  private reportMissing(app: Application, rule: NotificationRule, provider: string): void {
    const rk = `${rule.metadata.namespace}/${rule.metadata.name}`;
    const id = `${app.metadata.namespace}/${app.metadata.name}|${rk}|${provider}`;
    if (this.missing.has(id)) return;
    this.missing.add(id);
    const message = `NotificationRule ${rk} names NotificationProvider ${rule.metadata.namespace}/${provider}, which does not exist: nothing sent to it`;
    this.d.log.warn({ rule: rk, provider }, 'notification provider not found');
    void this.d.event(app, 'Warning', 'NotificationProviderMissing', message).catch((err: unknown) => {
      this.d.log.warn({ app: id, err: errorMessage(err) }, 'event not written');
    });
  }

  /** The job: read the Secret, build the message, make the request. */
  private async send(app: Application, intent: Intent): Promise<'sent' | 'duplicate'> {
    const p = intent.provider;
    const what = `NotificationProvider ${providerKey(p)}`;
    const secret = p.spec.secretRef ? await this.d.secret(p.metadata.namespace, p.spec.secretRef.name) : {};
    if (!secret)
      throw new NotifyError(
        NotifyErrorCode.SecretMissing,
        `${what}: Secret ${p.spec.secretRef?.name} not found`,
      );
    const ca = p.spec.certSecretRef ? await this.caOf(p, what) : undefined;
    // The app's primary source (with spec.sources: the first that renders a path or a chart), and
    // its own revision out of the comma-joined one.
    const primary = primarySource(app.spec);
    const revision = primaryRevision(primary.index, intent.event.revision);
    const facts = factsOf({
      namespace: app.metadata.namespace,
      name: app.metadata.name,
      labels: app.metadata.labels as Record<string, string> | undefined,
      event: intent.event.event,
      revision: intent.event.revision,
      detail: intent.event.detail,
      repoURL: primary.repoURL,
      path: primary.path,
      uiUrl: this.d.uiUrl,
      nowIso: new Date(this.d.clock.now()).toISOString(),
    });
    const message = await this.message(intent.rule, facts, what);
    const now = () => this.d.clock.now();
    const type = p.spec.type;
    if (type === 'github' || type === 'gitlab' || type === 'gitea') {
      const token = secret.token;
      if (!token) throw new NotifyError(NotifyErrorCode.SecretMissing, `${what}: its Secret has no token`);
      const target = {
        type,
        apiBase: apiBaseOf(type, p.spec.address),
        repo: repoOf(type, primary.repoURL),
        token,
        ...(ca ? { ca } : {}),
      };
      const result = await postCommitStatus(
        this.d.http,
        target,
        {
          sha: revision,
          state: intent.name as 'pending' | 'success' | 'failure',
          context: `trueup/${app.metadata.namespace}/${app.metadata.name}`,
          description: message.split('\n')[0] ?? '',
          ...(facts.url ? { targetUrl: facts.url } : {}),
        },
        what,
        now,
      );
      return result === 'posted' ? 'sent' : 'duplicate';
    }
    const address = secret.address ?? p.spec.address;
    if (!address)
      throw new NotifyError(
        NotifyErrorCode.BadAddress,
        `${what}: no address (spec.address or the Secret's address)`,
      );
    const payload =
      type === 'slack'
        ? slackPayload(facts, message)
        : type === 'msteams'
          ? teamsPayload(facts, message)
          : webhookPayload(facts, message);
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'trueup' };
    if (type === 'webhook') {
      headers[EVENT_HEADER] = facts.event;
      if (secret.hmacKey) headers[SIGNATURE_HEADER] = signBody(secret.hmacKey, body);
    }
    const res = await this.d.http({ method: 'POST', url: address, headers, body, ...(ca ? { ca } : {}) });
    checkResponse(res, what, now());
    return 'sent';
  }

  private async caOf(p: NotificationProvider, what: string): Promise<string> {
    const name = p.spec.certSecretRef?.name ?? '';
    const data = await this.d.secret(p.metadata.namespace, name);
    const ca = data?.['ca.crt'];
    if (!ca) throw new NotifyError(NotifyErrorCode.SecretMissing, `${what}: Secret ${name} has no ca.crt`);
    return ca;
  }

  private async message(rule: NotificationRule, facts: NotificationFacts, what: string): Promise<string> {
    const fallback = defaultMessage(facts);
    const template = rule.spec.template;
    if (template === undefined) return fallback;
    const rk = `NotificationRule ${rule.metadata.namespace}/${rule.metadata.name}`;
    if (!this.d.templates)
      throw new NotifyError(
        NotifyErrorCode.Template,
        `${rk}: spec.template needs the Helm engine, which this controller has not loaded`,
      );
    try {
      const [text] = await this.d.templates([{ template, data: templateData(facts, fallback) }]);
      return text ?? fallback;
    } catch (err) {
      throw new NotifyError(
        NotifyErrorCode.Template,
        `${rk}: spec.template (for ${what}): ${errorMessage(err)}`,
        { cause: err },
      );
    }
  }

  private async recordDelivered(app: Application, provider: string, intent: Intent): Promise<void> {
    const { namespace, name } = app.metadata;
    const appKey = `${namespace}/${name}`;
    const list = (this.delivered.get(appKey) ?? []).filter(
      (s) => !(s.provider === provider && s.event === intent.recordAs.event),
    );
    list.push({
      provider,
      event: intent.recordAs.event,
      key: intent.recordAs.key,
      at: new Date(this.d.clock.now()).toISOString(),
    });
    const kept = list.slice(-MAX_DELIVERED);
    this.delivered.set(appKey, kept);
    try {
      await this.d.record(namespace, name, kept);
    } catch (err) {
      this.d.log.warn({ app: appKey, err: errorMessage(err) }, 'status.notifications not written');
    }
  }

  private async reportUndelivered(
    app: Application,
    provider: string,
    intent: Intent,
    result: 'failed' | 'dropped',
    reason: string,
  ): Promise<void> {
    const reasonCode = result === 'dropped' ? 'NotificationDropped' : 'NotificationFailed';
    try {
      await this.d.event(
        app,
        'Warning',
        reasonCode,
        `${intent.name} at ${intent.event.revision} to NotificationProvider ${provider} ${result}: ${reason}`,
      );
    } catch (err) {
      this.d.log.warn(
        { app: `${app.metadata.namespace}/${app.metadata.name}`, err: errorMessage(err) },
        'event not written',
      );
    }
  }
}

const pickNotifications = (s: ApplicationStatus | undefined) =>
  s?.notifications ? { notifications: s.notifications } : {};
