/**
 * The image automation controller: ImageRepositories scanned on their interval, ImagePolicies
 * recomputed from the scans, ImageUpdateAutomations run on their interval and whenever a
 * policy's latest ref changes. Objects come from watches (informers); a pass runs at once on a
 * change and otherwise on a short tick that looks for what is due. Tags live in memory (the
 * status keeps only the count and the 10 latest): after a restart every repository is scanned
 * on the first pass.
 */
import { APP_API_VERSION } from '../api/application.js';
import { goDurationMs } from '../api/duration.js';
import { isTrueupError, RetryClass } from '../api/errors.js';
import { type ImagePolicy, ImagePolicySchema, type ImageRef } from '../api/image-policy.js';
import {
  DEFAULT_EXCLUSION_LIST,
  type ImageRepository,
  ImageRepositorySchema,
  LATEST_TAGS_KEPT,
} from '../api/image-repository.js';
import { type ImageUpdateAutomation, ImageUpdateAutomationSchema } from '../api/image-update-automation.js';
import type { JsonObject, KubeObject } from '../api/object.js';
import type { GoTemplateEngine } from '../helm/go-template.js';
import type { ClusterClient } from '../kube/index.js';
import type { ImageMetrics } from '../metrics/metrics.js';
import type { OciClient } from '../oci/client.js';
import type { Clock, TimerHandle } from '../runtime/clock.js';
import { Informer } from '../runtime/informer.js';
import type { Outcome } from './conditions.js';
import { DigestCache } from './digest.js';
import { ImageErrorCode } from './errors.js';
import type { GitUpdater } from './git-update.js';
import { generationOf, Informers, key } from './informers.js';
import { commitMessage } from './message.js';
import { selectLatestTag } from './policy.js';
import { retryDelayMs } from './retry.js';
import { canonicalImageName, latestTags, parseImageName, registryCredentials, scanTags } from './scan.js';
import { ImageStatus, readyOf } from './status.js';

const DEFAULT_TIMEOUT_MS = 60_000;
/** The ImageRepository's `timeout` (every request of a scan or digest lookup), default 60 s. */
const timeoutOf = (repo: ImageRepository) =>
  (repo.spec.timeout ? goDurationMs(repo.spec.timeout) : undefined) ?? DEFAULT_TIMEOUT_MS;

export interface ImageLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ImageControllerOptions {
  client: ClusterClient;
  oci: OciClient;
  git: GitUpdater;
  /** The Helm engine, for message templates (loaded on the first templated commit). */
  templates: () => Promise<GoTemplateEngine>;
  log: ImageLogger;
  clock: Clock;
  /** After a push: refresh the Applications on that repository and branch (as the webhook does). */
  onPushed: (repoURL: string, branch: string) => void;
  /** Namespaces watched (empty: all), as the Application controller's `--namespaces`. */
  namespaces?: readonly string[];
  /** How often due work is looked for (default 1 s; a watch event starts a pass at once). */
  tickMs?: number;
  /**
   * Records a Kubernetes Event on an image object: a failed scan, policy or run (Warning, once
   * per new failure reason), a recovered scan, a new latest image, each pushed commit (Normal).
   */
  event?: (obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string) => Promise<void>;
  metrics?: ImageMetrics;
}

interface RepoState {
  generation: number | undefined;
  image: string;
  tags: string[] | undefined;
  /** Bumped on every successful scan (digests with `Always` are looked up again). */
  scans: number;
  /** Consecutive failed scans (the back-off grows with them). */
  failures: number;
  nextAt: number;
}

interface AutomationState {
  generation: number | undefined;
  refsKey: string;
  failures: number;
  nextAt: number;
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const reasonOf = (err: unknown) => (isTrueupError(err) ? err.code : 'Failed');
/** A failure as an outcome: terminal errors stall, the rest are retried (Reconciling). */
const failed = (err: unknown, message: string): Outcome => ({
  ready: false,
  reason: reasonOf(err),
  message,
  terminal: isTrueupError(err) && err.retry === RetryClass.Terminal,
});

export class ImageController {
  private readonly informers: Record<'repos' | 'policies' | 'automations', Informers>;
  private readonly repos = new Map<string, RepoState>();
  private readonly automations = new Map<string, AutomationState>();
  private readonly digests: DigestCache;
  private readonly status: ImageStatus;
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly o: ImageControllerOptions) {
    this.digests = new DigestCache(o.oci);
    this.status = new ImageStatus({ client: o.client, log: o.log, now: () => o.clock.now(), event: o.event });
    const namespaces = o.namespaces?.length ? o.namespaces : [''];
    const informer = (kind: string) =>
      new Informers(
        namespaces.map(
          (namespace) =>
            new Informer({
              client: o.client,
              apiVersion: APP_API_VERSION,
              kind,
              ...(namespace ? { namespace } : {}),
              clock: o.clock,
              random: Math.random,
              onEvent: () => this.kick(),
              onSynced: () => this.kick(),
            }),
        ),
      );
    this.informers = {
      repos: informer('ImageRepository'),
      policies: informer('ImagePolicy'),
      automations: informer('ImageUpdateAutomation'),
    };
  }

  start(): void {
    for (const i of Object.values(this.informers)) i.start();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await Promise.all(Object.values(this.informers).map((i) => i.stop()));
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.o.clock.setTimer(this.o.tickMs ?? 1000, () => {
      this.kick();
      this.schedule();
    });
  }

  /** Starts a pass, or asks the running one to go again. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass().catch((err) =>
          this.o.log.warn({ err: errText(err) }, 'image automation pass failed'),
        );
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
  }

  /** One pass: scans that are due, every policy, automations that are due. */
  async pass(): Promise<void> {
    if (!Object.values(this.informers).every((i) => i.synced)) return;
    const now = this.o.clock.now();
    await Promise.all([...this.informers.repos.values()].map((obj) => this.repository(obj, now)));
    const refs = new Map<string, ImageRef>();
    for (const obj of this.informers.policies.values()) {
      const ref = await this.policy(obj);
      if (ref) refs.set(key(obj), ref);
    }
    for (const obj of this.informers.automations.values()) await this.automation(obj, refs, now);
  }

  private async repository(live: KubeObject, now: number): Promise<void> {
    let obj = live;
    const parsed = ImageRepositorySchema.safeParse(obj);
    const k = key(obj);
    if (!parsed.success) {
      this.repos.delete(k);
      return this.status.invalid(obj, parsed.error.issues);
    }
    const repo: ImageRepository = parsed.data;
    let state = this.repos.get(k);
    if (!state || state.image !== repo.spec.image) {
      state = {
        generation: undefined,
        image: repo.spec.image,
        tags: undefined,
        scans: 0,
        failures: 0,
        nextAt: 0,
      };
      this.repos.set(k, state);
    }
    const generationChanged = state.generation !== generationOf(obj);
    if (repo.spec.suspend || (!generationChanged && now < state.nextAt)) return;
    state.generation = generationOf(obj);
    const interval = goDurationMs(repo.spec.interval) ?? 60_000;
    // A new object or spec: Reconciling until this scan ends (not on every interval's scan).
    if (generationChanged) obj = await this.status.progressing(obj, `scanning ${repo.spec.image}`);
    const started = this.o.clock.now();
    const seconds = () => (this.o.clock.now() - started) / 1000;
    try {
      const credentials = await registryCredentials(this.o.client, repo);
      const scan = await scanTags(this.o.oci, repo.spec, credentials, timeoutOf(repo));
      this.o.metrics?.observeScan('success', seconds());
      state.tags = scan.tags;
      state.scans++;
      state.failures = 0;
      state.nextAt = now + interval;
      const message = `successful scan: found ${scan.tags.length} tags`;
      if (readyOf(obj)?.status === 'False') await this.status.emit(obj, 'Normal', 'Succeeded', message);
      await this.status.write(obj, {
        ...this.status.conditions(obj, { ready: true, reason: 'Succeeded', message }),
        canonicalImageName: canonicalImageName(parseImageName(repo.spec.image)),
        lastScanResult: {
          tagCount: scan.tags.length,
          scanTime: new Date(this.o.clock.now()).toISOString(),
          latestTags: latestTags(scan.tags, LATEST_TAGS_KEPT),
        },
        observedExclusionList: [...(repo.spec.exclusionList ?? DEFAULT_EXCLUSION_LIST)],
      } as unknown as JsonObject);
    } catch (err) {
      // The last result stays (in memory for the policies, and status.lastScanResult).
      this.o.metrics?.observeScan('error', seconds());
      state.failures++;
      state.nextAt = now + retryDelayMs(err, interval, state.failures);
      this.o.log.warn({ imageRepository: k, err: errText(err) }, 'image scan failed');
      const secret = repo.spec.secretRef
        ? ` (credentials from Secret ${repo.metadata.namespace}/${repo.spec.secretRef.name})`
        : '';
      await this.status.fail(obj, failed(err, `ImageRepository ${k}: scan failed${secret}: ${errText(err)}`));
    }
  }

  /** The policy's latest ref (written to its status), or undefined when it has none. */
  private async policy(obj: KubeObject): Promise<ImageRef | undefined> {
    const parsed = ImagePolicySchema.safeParse(obj);
    if (!parsed.success) {
      await this.status.invalid(obj, parsed.error.issues);
      return undefined;
    }
    const policy: ImagePolicy = parsed.data;
    const repoKey = `${policy.metadata.namespace}/${policy.spec.imageRepositoryRef.name}`;
    const repo = this.repos.get(repoKey);
    const previous = policy.status?.latestRef;
    if (!repo?.tags) {
      const why = repo ? 'has no successful scan yet' : 'not found (or its spec is invalid)';
      await this.status.fail(obj, {
        ready: false,
        reason: ImageErrorCode.RepositoryNotReady,
        message: `ImageRepository ${repoKey} ${why}`,
      });
      return previous;
    }
    try {
      const tag = selectLatestTag(repo.tags, policy.spec.policy, policy.spec.filterTags);
      const ref: ImageRef = { name: repo.image, tag };
      const digest = await this.digest(policy, repo, tag);
      if (digest) ref.digest = digest;
      const changed =
        !previous || previous.tag !== ref.tag || previous.digest !== ref.digest || previous.name !== ref.name;
      if (changed) {
        const shown = (r: ImageRef) => `${r.name}:${r.tag}${r.digest ? `@${r.digest}` : ''}`;
        await this.status.emit(
          obj,
          'Normal',
          'NewLatestImage',
          previous
            ? `latest image changed from ${shown(previous)} to ${shown(ref)}`
            : `latest image resolved to ${shown(ref)}`,
        );
      }
      const message = `latest image tag for ${repo.image} resolved to ${tag}`;
      await this.status.write(obj, {
        ...this.status.conditions(obj, { ready: true, reason: 'Succeeded', message }),
        latestRef: ref,
        ...(changed && previous ? { observedPreviousRef: previous } : {}),
      } as unknown as JsonObject);
      return ref;
    } catch (err) {
      await this.status.fail(obj, failed(err, `ImagePolicy ${key(obj)}: ${errText(err)}`));
      return undefined;
    }
  }

  private async digest(policy: ImagePolicy, repo: RepoState, tag: string): Promise<string | undefined> {
    const target = ImageRepositorySchema.parse(
      this.informers.repos.get(`${policy.metadata.namespace}/${policy.spec.imageRepositoryRef.name}`),
    );
    return this.digests.lookup(
      policy.spec.digestReflectionPolicy ?? 'Never',
      target,
      tag,
      repo.scans,
      () => registryCredentials(this.o.client, target),
      timeoutOf(target),
    );
  }

  private async automation(
    obj: KubeObject,
    allRefs: ReadonlyMap<string, ImageRef>,
    now: number,
  ): Promise<void> {
    const parsed = ImageUpdateAutomationSchema.safeParse(obj);
    const k = key(obj);
    if (!parsed.success) return this.status.invalid(obj, parsed.error.issues);
    const auto: ImageUpdateAutomation = parsed.data;
    if (auto.spec.suspend) return;
    const ns = auto.metadata.namespace;
    const selector = auto.spec.policySelector?.matchLabels ?? {};
    const refs = new Map<string, ImageRef>();
    for (const p of this.informers.policies.values()) {
      if (p.metadata.namespace !== ns) continue;
      const labels = p.metadata.labels ?? {};
      if (!Object.entries(selector).every(([l, v]) => labels[l] === v)) continue;
      const ref = allRefs.get(key(p));
      if (ref) refs.set(`${ns}:${p.metadata.name}`, ref);
    }
    const refsKey = JSON.stringify([...refs].sort(([a], [b]) => (a < b ? -1 : 1)));
    const state = this.automations.get(k);
    const due =
      !state || state.generation !== generationOf(obj) || state.refsKey !== refsKey || now >= state.nextAt;
    if (!due) return;
    const interval = goDurationMs(auto.spec.interval) ?? 300_000;
    const next: AutomationState = {
      generation: generationOf(obj),
      refsKey,
      failures: state?.failures ?? 0,
      nextAt: now + interval,
    };
    this.automations.set(k, next);
    const branch = auto.spec.git.checkout.ref.branch as string;
    const pushBranch = auto.spec.git.push?.branch ?? branch;
    const repoURL = auto.spec.sourceRef.repoURL as string;
    try {
      const result = await this.o.git.update({
        repoURL,
        branch,
        pushBranch,
        path: auto.spec.update.path,
        refs,
        author: auto.spec.git.commit.author,
        now: new Date(this.o.clock.now()),
        message: (changes) =>
          commitMessage({
            automation: k,
            template: auto.spec.git.commit.messageTemplate,
            values: auto.spec.git.commit.messageTemplateValues,
            changes,
            refs,
            engine: this.o.templates,
          }),
      });
      next.failures = 0;
      const at = new Date(this.o.clock.now()).toISOString();
      const observedPolicies = Object.fromEntries([...refs].map(([p, r]) => [p.split(':')[1] as string, r]));
      this.o.metrics?.recordAutomationRun(result.kind === 'pushed' ? 'pushed' : 'no_change');
      const message =
        result.kind === 'pushed'
          ? `pushed commit '${result.commit.slice(0, 7)}' to branch '${pushBranch}'`
          : 'no updates made';
      if (result.kind === 'pushed') {
        this.o.log.info(
          { imageUpdateAutomation: k, commit: result.commit, branch: pushBranch },
          'pushed image updates',
        );
        this.o.onPushed(repoURL, pushBranch);
        await this.status.emit(obj, 'Normal', 'CommitPushed', `${message} (${repoURL})`);
      }
      await this.status.write(obj, {
        ...this.status.conditions(obj, { ready: true, reason: 'Succeeded', message }),
        lastAutomationRunTime: at,
        observedSourceRevision: result.revision,
        observedPolicies,
        ...(result.kind === 'pushed' ? { lastPushCommit: result.commit, lastPushTime: at } : {}),
      } as unknown as JsonObject);
    } catch (err) {
      next.failures++;
      next.nextAt = now + retryDelayMs(err, interval, next.failures);
      this.o.metrics?.recordAutomationRun('error');
      this.o.log.warn({ imageUpdateAutomation: k, err: errText(err) }, 'image update failed');
      await this.status.fail(obj, failed(err, `ImageUpdateAutomation ${k}: ${errText(err)}`));
    }
  }
}
