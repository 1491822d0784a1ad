/**
 * Sync windows (AppProject.spec.syncWindows), as Argo CD evaluates them: a window is open from
 * each start its cron schedule gives (in its time zone, UTC by default) for its duration; it
 * applies to an app when one of its selectors (applications, namespaces, clusters) matches, or
 * all of the given ones with `andOperator`. An open deny window blocks; when allow windows apply,
 * one of them must be open; `manualSync` lets manual syncs through a block. Pure: `now` is given.
 */
import { CronExpressionParser } from 'cron-parser';
import type { SyncWindow } from '../api/app-project.js';
import { goDurationMs } from '../api/duration.js';
import { globMatch } from './policy.js';

export interface WindowSubject {
  app: string;
  namespace: string;
  server: string;
  name: string;
}

export type WindowVerdict = { allowed: true } | { allowed: false; manualAllowed: boolean; message: string };

/** A window's description in messages: `deny 0 22 * * * for 1h (UTC)`. */
export function describeWindow(w: SyncWindow): string {
  return `${w.kind} ${w.schedule} for ${w.duration} (${w.timeZone ?? 'UTC'})`;
}

export function windowApplies(w: SyncWindow, s: WindowSubject): boolean {
  const tests: boolean[] = [];
  if (w.applications?.length) tests.push(w.applications.some((p) => globMatch(p, s.app)));
  if (w.namespaces?.length) tests.push(w.namespaces.some((p) => globMatch(p, s.namespace)));
  if (w.clusters?.length)
    tests.push(w.clusters.some((p) => globMatch(p, s.server) || (s.name !== '' && globMatch(p, s.name))));
  if (tests.length === 0) return false;
  return w.andOperator ? tests.every(Boolean) : tests.some(Boolean);
}

/** Is the window open at `now`? A schedule or duration that does not parse throws, naming it. */
export function windowOpen(w: SyncWindow, now: number): boolean {
  const duration = goDurationMs(w.duration);
  if (duration === undefined) throw new Error(`sync window ${describeWindow(w)}: duration does not parse`);
  let start: number;
  try {
    // The first start after (now - duration): open if it is not after now.
    const expr = CronExpressionParser.parse(w.schedule, {
      currentDate: new Date(now - duration),
      tz: w.timeZone || 'UTC',
    });
    start = expr.next().getTime();
  } catch (err) {
    throw new Error(`sync window ${describeWindow(w)}: ${(err as Error).message}`);
  }
  return start <= now;
}

/** Whether a sync may run now; `manual` is a sync a person asked for. */
export function syncWindowVerdict(
  windows: readonly SyncWindow[] | undefined,
  s: WindowSubject,
  now: number,
): WindowVerdict {
  const applying = (windows ?? []).filter((w) => windowApplies(w, s));
  if (applying.length === 0) return { allowed: true };
  const open = applying.filter((w) => windowOpen(w, now));
  const openDeny = open.filter((w) => w.kind === 'deny');
  if (openDeny.length > 0)
    return {
      allowed: false,
      manualAllowed: openDeny.some((w) => w.manualSync === true),
      message: `sync window ${describeWindow(openDeny[0] as SyncWindow)} denies syncs now`,
    };
  if (open.some((w) => w.kind === 'allow')) return { allowed: true };
  const allows = applying.filter((w) => w.kind === 'allow');
  if (allows.length === 0) return { allowed: true };
  return {
    allowed: false,
    manualAllowed: allows.some((w) => w.manualSync === true),
    message: `no allow sync window is open now (allow windows: ${allows.map(describeWindow).join(', ')})`,
  };
}
