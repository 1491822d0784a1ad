/**
 * The image automation controller: ImageRepositories scanned on their interval, ImagePolicies
 * recomputed from the scans, ImageUpdateAutomations run on their interval and whenever a
 * policy's latest ref changes. Objects come from watches (informers); a pass runs at once on a
 * change and otherwise on a short tick that looks for what is due. Tags live in memory (the
 * status keeps only the count and the 10 latest): after a restart every repository is scanned
 * on the first pass.
 */
import { APP_API_VERSION } from '../api/application.js';
import { isTrueupError } from '../api/errors.js';
import { type ImagePolicy, ImagePolicySchema, type ImageRef } from '../api/image-policy.js';
import { type ImageRepository, ImageRepositorySchema, LATEST_TAGS_KEPT } from '../api/image-repository.js';
import { type ImageUpdateAutomation, ImageUpdateAutomationSchema } from '../api/image-update-automation.js';
import type { JsonObject, KubeObject } from '../api/object.js';
import type { GoTemplateEngine } from '../helm/go-template.js';
import type { ClusterClient } from '../kube/index.js';
import type { OciClient } from '../oci/client.js';
import { credentialsFor, dockerConfigFromSecret } from '../oci/docker-config.js';
import type { Clock, TimerHandle } from '../runtime/clock.js';
import { Informer } from '../runtime/informer.js';
import { durationMs, readyCondition } from './conditions.js';
import { ImageErrorCode, imageError } from './errors.js';
import type { GitUpdater } from './git-update.js';
import { commitMessage } from './message.js';
import { selectLatestTag } from './policy.js';
import { retryDelayMs } from './retry.js';
import { canonicalImageName, latestTags, parseImageName, scanTags } from './scan.js';

const FIELD_MANAGER = 'trueup-image-controller';
const DEFAULT_TIMEOUT_MS = 60_000;

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

const generationOf = (o: KubeObject): number | undefined =>
  typeof o.metadata.generation === 'number' ? o.metadata.generation : undefined;
const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const reasonOf = (err: unknown) => (isTrueupError(err) ? err.code : 'Failed');

/** One kind's informers (one per watched namespace) read as one store. */
class Informers {
  constructor(readonly list: readonly Informer[]) {}
  get synced(): boolean {
    return this.list.every((i) => i.synced);
  }
  get size(): number {
    return this.list.reduce((n, i) => n + i.store.size, 0);
  }
  values(): KubeObject[] {
    return this.list.flatMap((i) => [...i.store.values()]);
  }
  /** By `namespace/name`. */
  get(k: string): KubeObject | undefined {
    return this.values().find((o) => key(o) === k);
  }
  start(): void {
    for (const i of this.list) i.start();
  }
  stop(): Promise<void> {
    return Promise.all(this.list.map((i) => i.stop())).then(() => {});
  }
}

export class ImageController {
  private readonly informers: Record<'repos' | 'policies' | 'automations', Informers>;
  private readonly repos = new Map<string, RepoState>();
  private readonly automations = new Map<string, AutomationState>();
  private readonly digests = new Map<string, { digest: string; scans: number }>();
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly o: ImageControllerOptions) {
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

  private async writeStatus(obj: KubeObject, status: JsonObject): Promise<void> {
    const before = JSON.stringify(obj.status ?? {});
    const after = JSON.stringify({ ...(obj.status as object | undefined), ...status });
    if (before === after) return;
    await this.o.client
      .patchStatus(
        {
          apiVersion: APP_API_VERSION,
          kind: obj.kind,
          namespace: obj.metadata.namespace ?? '',
          name: obj.metadata.name ?? '',
        },
        status,
        { fieldManager: FIELD_MANAGER },
      )
      .catch((err) =>
        this.o.log.warn({ object: `${obj.kind} ${key(obj)}`, err: errText(err) }, 'status write failed'),
      );
  }

  private ready(obj: KubeObject, ok: boolean, reason: string, message: string): JsonObject {
    const status = (obj.status ?? {}) as { conditions?: never };
    const now = new Date(this.o.clock.now()).toISOString();
    return {
      observedGeneration: generationOf(obj) ?? 0,
      conditions: readyCondition(status.conditions, ok, reason, message, generationOf(obj), now),
    } as unknown as JsonObject;
  }

  private invalid(obj: KubeObject, issues: { path: PropertyKey[]; message: string }[]): Promise<void> {
    const message = issues.map((i) => `spec.${i.path.join('.')}: ${i.message}`).join('; ');
    return this.writeStatus(obj, this.ready(obj, false, ImageErrorCode.InvalidSpec, message));
  }

  private async repository(obj: KubeObject, now: number): Promise<void> {
    const parsed = ImageRepositorySchema.safeParse(obj);
    const k = key(obj);
    if (!parsed.success) {
      this.repos.delete(k);
      return this.invalid(obj, parsed.error.issues);
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
    const interval = durationMs(repo.spec.interval) ?? 60_000;
    const timeout = repo.spec.timeout
      ? (durationMs(repo.spec.timeout) ?? DEFAULT_TIMEOUT_MS)
      : DEFAULT_TIMEOUT_MS;
    try {
      const credentials = await this.registryCredentials(repo);
      const scan = await scanTags(this.o.oci, repo.spec, credentials, timeout);
      state.tags = scan.tags;
      state.scans++;
      state.failures = 0;
      state.nextAt = now + interval;
      await this.writeStatus(obj, {
        ...this.ready(obj, true, 'Succeeded', `successful scan: found ${scan.tags.length} tags`),
        canonicalImageName: canonicalImageName(parseImageName(repo.spec.image)),
        lastScanResult: {
          tagCount: scan.tags.length,
          scanTime: new Date(this.o.clock.now()).toISOString(),
          latestTags: latestTags(scan.tags, LATEST_TAGS_KEPT),
        },
        observedExclusionList: repo.spec.exclusionList ?? ['^.*\\.sig$'],
      } as unknown as JsonObject);
    } catch (err) {
      // The last result stays (in memory for the policies, and status.lastScanResult).
      state.failures++;
      state.nextAt = now + retryDelayMs(err, interval, state.failures);
      this.o.log.warn({ imageRepository: k, err: errText(err) }, 'image scan failed');
      await this.writeStatus(obj, this.ready(obj, false, reasonOf(err), `scan failed: ${errText(err)}`));
    }
  }

  private async registryCredentials(repo: ImageRepository) {
    const ref = repo.spec.secretRef;
    if (!ref) return undefined;
    const ns = repo.metadata.namespace;
    const secret = await this.o.client.get({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: ns,
      name: ref.name,
    });
    if (!secret)
      throw imageError(ImageErrorCode.SecretNotFound, `secretRef: Secret ${ns}/${ref.name} not found`);
    const config = dockerConfigFromSecret(secret as never);
    return credentialsFor(config, parseImageName(repo.spec.image).registry);
  }

  /** The policy's latest ref (written to its status), or undefined when it has none. */
  private async policy(obj: KubeObject): Promise<ImageRef | undefined> {
    const parsed = ImagePolicySchema.safeParse(obj);
    if (!parsed.success) {
      await this.invalid(obj, parsed.error.issues);
      return undefined;
    }
    const policy: ImagePolicy = parsed.data;
    const repoKey = `${policy.metadata.namespace}/${policy.spec.imageRepositoryRef.name}`;
    const repo = this.repos.get(repoKey);
    const previous = policy.status?.latestRef;
    if (!repo?.tags) {
      const why = repo ? 'has no successful scan yet' : 'not found (or its spec is invalid)';
      await this.writeStatus(
        obj,
        this.ready(obj, false, ImageErrorCode.RepositoryNotReady, `ImageRepository ${repoKey} ${why}`),
      );
      return previous;
    }
    try {
      const tag = selectLatestTag(repo.tags, policy.spec.policy, policy.spec.filterTags);
      const ref: ImageRef = { name: repo.image, tag };
      const digest = await this.digest(policy, repo, tag);
      if (digest) ref.digest = digest;
      const changed =
        !previous || previous.tag !== ref.tag || previous.digest !== ref.digest || previous.name !== ref.name;
      await this.writeStatus(obj, {
        ...this.ready(obj, true, 'Succeeded', `latest image tag for ${repo.image} resolved to ${tag}`),
        latestRef: ref,
        ...(changed && previous ? { observedPreviousRef: previous } : {}),
      } as unknown as JsonObject);
      return ref;
    } catch (err) {
      await this.writeStatus(obj, this.ready(obj, false, reasonOf(err), errText(err)));
      return undefined;
    }
  }

  private async digest(policy: ImagePolicy, repo: RepoState, tag: string): Promise<string | undefined> {
    const mode = policy.spec.digestReflectionPolicy ?? 'Never';
    if (mode === 'Never') return undefined;
    const k = `${repo.image}:${tag}`;
    const cached = this.digests.get(k);
    if (cached && (mode === 'IfNotPresent' || cached.scans === repo.scans)) return cached.digest;
    const target = this.informers.repos.get(
      `${policy.metadata.namespace}/${policy.spec.imageRepositoryRef.name}`,
    );
    const parsed = ImageRepositorySchema.parse(target);
    const credentials = await this.registryCredentials(parsed);
    const manifest = await this.o.oci.manifest(
      parseImageName(repo.image),
      tag,
      [
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.docker.distribution.manifest.list.v2+json',
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.docker.distribution.manifest.v2+json',
      ],
      { credentials, ...(parsed.spec.insecure ? { plainHttp: true } : {}) },
    );
    this.digests.set(k, { digest: manifest.digest, scans: repo.scans });
    return manifest.digest;
  }

  private async automation(
    obj: KubeObject,
    allRefs: ReadonlyMap<string, ImageRef>,
    now: number,
  ): Promise<void> {
    const parsed = ImageUpdateAutomationSchema.safeParse(obj);
    const k = key(obj);
    if (!parsed.success) return this.invalid(obj, parsed.error.issues);
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
    const interval = durationMs(auto.spec.interval) ?? 300_000;
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
      if (result.kind === 'pushed') {
        this.o.log.info(
          { imageUpdateAutomation: k, commit: result.commit, branch: pushBranch },
          'pushed image updates',
        );
        this.o.onPushed(repoURL, pushBranch);
      }
      await this.writeStatus(obj, {
        ...this.ready(
          obj,
          true,
          'Succeeded',
          result.kind === 'pushed'
            ? `pushed commit '${result.commit.slice(0, 7)}' to branch '${pushBranch}'`
            : 'no updates made',
        ),
        lastAutomationRunTime: at,
        observedSourceRevision: result.revision,
        observedPolicies,
        ...(result.kind === 'pushed' ? { lastPushCommit: result.commit, lastPushTime: at } : {}),
      } as unknown as JsonObject);
    } catch (err) {
      next.failures++;
      next.nextAt = now + retryDelayMs(err, interval, next.failures);
      this.o.log.warn({ imageUpdateAutomation: k, err: errText(err) }, 'image update failed');
      await this.writeStatus(obj, this.ready(obj, false, reasonOf(err), errText(err)));
    }
  }
}
