/**
 * CPU seconds per process from /proc (Linux), so a bench can say which process spent a run's
 * core-seconds: the controller, kube-apiserver, etcd, the Git server's children, or the bench.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime/stime (USER_HZ; 100 on every Linux this runs on). */
const TICKS = 100;

export interface ProcCpu {
  /** utime + stime of the process itself. */
  self: number;
  /** cutime + cstime: the children it has waited for (short-lived ones such as git http-backend). */
  children: number;
}

/** The CPU seconds of a process so far; undefined once it is gone (or off Linux). */
export function procCpu(pid: number): ProcCpu | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: the fields follow its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
  const at = (field: number) => Number(fields[field - 3]) / TICKS;
  return { self: at(14) + at(15), children: at(16) + at(17) };
}

/** The whole machine's busy CPU seconds (all cores, every process, not idle or iowait). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, user, nice, system, _idle, _iowait, irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS;
}

/** A peak resident set size and the current one, in MiB, from /proc/<pid>/status. */
export function procRssMiB(pid: number): { rss: number; peak: number } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

type Part = keyof ProcCpu;

/**
 * Samples the named processes at the start and on demand; `spent()` gives each one's CPU seconds
 * since the start (a process that exited keeps its last sample), plus the machine's total and
 * what the named processes do not account for (other engineers' work on a shared machine).
 */
export class CpuLedger {
  private readonly first = new Map<string, number>();
  private readonly last = new Map<string, number>();
  private readonly pids = new Map<string, { pid: number; part: Part }>();
  private readonly machineStart = machineBusySeconds();
  private readonly wallStart = Date.now();

  /**
   * Tracks a process: its own CPU (`self`), or what the children it reaped spent (`children`:
   * the bench's git http-backend processes; read it before the controller child is reaped).
   */
  track(name: string, pid: number | undefined, part: Part = 'self'): void {
    if (pid === undefined) return;
    this.pids.set(name, { pid, part });
    const now = this.read(pid, part);
    if (now !== undefined) {
      this.first.set(name, now);
      this.last.set(name, now);
    }
  }

  /** Reads every tracked process now (call it before one exits to keep its figure). */
  sample(): void {
    for (const [name, { pid, part }] of this.pids) {
      const now = this.read(pid, part);
      if (now === undefined) continue;
      if (!this.first.has(name)) this.first.set(name, now);
      this.last.set(name, now);
    }
  }

  spent(): { perProcess: Record<string, number>; machine: number; untracked: number; wallSeconds: number } {
    this.sample();
    const perProcess: Record<string, number> = {};
    let sum = 0;
    for (const [name, last] of this.last) {
      const s = last - (this.first.get(name) ?? last);
      perProcess[name] = Math.round(s * 100) / 100;
      sum += s;
    }
    const machine = machineBusySeconds() - this.machineStart;
    return {
      perProcess,
      machine: Math.round(machine * 100) / 100,
      untracked: Math.round((machine - sum) * 100) / 100,
      wallSeconds: (Date.now() - this.wallStart) / 1000,
    };
  }

  private read(pid: number, part: Part): number | undefined {
    return procCpu(pid)?.[part];
  }
}
