/**
 * The sync options trueup accepts, as one table: app-wide in `spec.syncPolicy.syncOptions` and
 * `operation.sync.syncOptions` (checked by the CRD at `kubectl apply` time through the CEL rules
 * below, and by the zod schema), and per object in the `trueup.dev/sync-options` annotation
 * (checked when the object is planned, since it arrives from Git). Names and values are Argo CD's.
 * An option or value trueup cannot honour is refused here, never accepted and ignored.
 */

/** Where an option may be written. */
export const SyncOptionScope = { App: 'app', Object: 'object', Both: 'both' } as const;
export type SyncOptionScope = (typeof SyncOptionScope)[keyof typeof SyncOptionScope];

export interface SyncOptionSpec {
  name: string;
  /** Accepted values (exact, case-sensitive, as Argo CD compares them). */
  values: readonly string[];
  scope: SyncOptionScope;
  /** What it does, for the README and --help. */
  effect: string;
  /** Values that Argo CD knows but trueup refuses, each with the reason given to the user. */
  refused?: Readonly<Record<string, string>>;
}

const BOOL = ['true', 'false'] as const;

export const SYNC_OPTIONS: readonly SyncOptionSpec[] = [
  {
    name: 'CreateNamespace',
    values: BOOL,
    scope: SyncOptionScope.App,
    effect: 'creates spec.destination.namespace when it is missing',
  },
  {
    name: 'DeleteNamespace',
    values: BOOL,
    scope: SyncOptionScope.App,
    effect:
      'when the app is deleted with the resources finalizer, also deletes the destination namespace if trueup created it for this app (CreateNamespace=true) and no other app has objects in it',
  },
  {
    name: 'Prune',
    values: BOOL,
    scope: SyncOptionScope.Both,
    effect:
      'false: never delete the object(s) when they leave Git; per object, confirm: delete only after `trueup app sync NAME --prune --confirm`',
    refused: {
      confirm: 'Prune=confirm is a per-object option: set it in the trueup.dev/sync-options annotation',
    },
  },
  {
    name: 'PruneLast',
    values: BOOL,
    scope: SyncOptionScope.Both,
    effect: 'prunes after every wave has been applied and is healthy',
  },
  {
    name: 'Replace',
    values: BOOL,
    scope: SyncOptionScope.Both,
    effect: 'replaces (PUT) instead of server-side apply',
  },
  {
    name: 'Force',
    values: BOOL,
    scope: SyncOptionScope.Both,
    effect: 'deletes and recreates an object whose change hits an immutable field',
  },
  {
    name: 'ServerSideApply',
    values: ['true'],
    scope: SyncOptionScope.Both,
    effect: 'always on: trueup applies with server-side apply only',
    refused: {
      false: 'ServerSideApply=false is not supported: trueup applies with server-side apply only',
    },
  },
  {
    name: 'Validate',
    values: BOOL,
    scope: SyncOptionScope.Both,
    effect: 'false: the API server does not reject unknown or duplicate fields',
  },
  {
    name: 'ApplyOutOfSyncOnly',
    values: ['true'],
    scope: SyncOptionScope.App,
    effect: 'always on: trueup applies only the objects that are out of sync',
    refused: {
      false:
        'ApplyOutOfSyncOnly=false is not supported: trueup always applies only the objects that are out of sync',
    },
  },
  {
    name: 'FailOnSharedResource',
    values: BOOL,
    scope: SyncOptionScope.App,
    effect: 'fails the sync when an object is already managed by another application',
  },
  {
    name: 'PrunePropagationPolicy',
    values: ['foreground', 'background', 'orphan'],
    scope: SyncOptionScope.App,
    effect: 'the deletion propagation policy used when pruning (default foreground)',
  },
  {
    name: 'RespectIgnoreDifferences',
    values: BOOL,
    scope: SyncOptionScope.App,
    effect: 'ignoreDifferences also apply when syncing: ignored fields keep their live values',
  },
  {
    name: 'SkipDryRunOnMissingResource',
    values: BOOL,
    scope: SyncOptionScope.Both,
    effect: 'skips the dry-run of objects whose kind the cluster does not know yet (its CRD comes later)',
  },
  {
    name: 'Delete',
    values: ['false', 'confirm'],
    scope: SyncOptionScope.Object,
    effect:
      'false: the object is kept when the application is deleted; confirm: deleted only after confirmation',
  },
];

/** Options accepted in `spec.syncPolicy.syncOptions` / `operation.sync.syncOptions`. */
export const APP_SYNC_OPTIONS = SYNC_OPTIONS.filter((o) => o.scope !== SyncOptionScope.Object);

/** Options accepted in the per-object `trueup.dev/sync-options` annotation. */
export const OBJECT_SYNC_OPTIONS = SYNC_OPTIONS.filter((o) => o.scope !== SyncOptionScope.App);

/** Longest entry accepted (keeps the CRD's CEL cost bounded). */
export const SYNC_OPTION_MAX_LENGTH = 64;
/** Most entries in one list (keeps the CRD's CEL cost bounded). */
export const SYNC_OPTIONS_MAX_ITEMS = 32;

const names = (list: readonly SyncOptionSpec[]) => list.map((o) => o.name).join(', ');

/**
 * Why `entry` is not an acceptable app-wide sync option, or undefined when it is. The same
 * checks, in the same order and with the same words, as the CEL rules of {@link syncOptionCelRules}.
 */
export function appSyncOptionProblem(entry: string): string | undefined {
  const eq = entry.indexOf('=');
  if (!/^[A-Za-z]+=.+$/.test(entry)) return `must be Name=value, e.g. CreateNamespace=true (got ${entry})`;
  const name = entry.slice(0, eq);
  const value = entry.slice(eq + 1);
  const spec = SYNC_OPTIONS.find((o) => o.name === name);
  if (!spec) return unknownMessage(name);
  if (spec.scope === SyncOptionScope.Object) return objectOnlyMessage(name);
  const refusal = spec.refused?.[value];
  if (refusal) return refusal;
  if (!spec.values.includes(value)) return valuesMessage(spec);
  return undefined;
}

function unknownMessage(name: string): string {
  return `${name} is not a sync option trueup knows; app-wide options are ${names(APP_SYNC_OPTIONS)}`;
}
function objectOnlyMessage(name: string): string {
  return `${name} is a per-object option: set it in the trueup.dev/sync-options annotation`;
}
function valuesMessage(spec: SyncOptionSpec): string {
  const v = spec.values;
  return `${spec.name} must be ${v.length > 1 ? `${v.slice(0, -1).join(', ')} or ${v.at(-1)}` : v[0]}`;
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const alternatives = (list: readonly string[]) => list.join('|');

export interface CelRule {
  rule: string;
  message?: string;
  messageExpression?: string;
}

/**
 * CEL rules for one entry of an app-wide sync options list (`self` is the string), so the API
 * server refuses bad options at `kubectl apply` time with the messages of {@link appSyncOptionProblem}.
 */
export function syncOptionCelRules(): CelRule[] {
  const rules: CelRule[] = [
    {
      rule: "self.matches('^[A-Za-z]+=.+$')",
      messageExpression: `'must be Name=value, e.g. CreateNamespace=true (got ' + self + ')'`,
    },
    {
      rule: `!self.matches('^[A-Za-z]+=') || self.matches('^(${alternatives(SYNC_OPTIONS.map((o) => o.name))})=')`,
      messageExpression: `self.split('=')[0] + ${quote(unknownMessage(''))}`,
    },
  ];
  for (const spec of SYNC_OPTIONS) {
    const prefix = `${spec.name}=`;
    if (spec.scope === SyncOptionScope.Object) {
      rules.push({ rule: `!self.startsWith(${quote(prefix)})`, message: objectOnlyMessage(spec.name) });
      continue;
    }
    for (const [value, reason] of Object.entries(spec.refused ?? {})) {
      rules.push({ rule: `self != ${quote(prefix + value)}`, message: reason });
    }
    const allowed = [...spec.values, ...Object.keys(spec.refused ?? {})];
    rules.push({
      rule: `!self.startsWith(${quote(prefix)}) || self.matches(${quote(`^${spec.name}=(${alternatives(allowed)})$`)})`,
      message: valuesMessage(spec),
    });
  }
  return rules;
}
