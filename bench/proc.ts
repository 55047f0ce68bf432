import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`; 100 on every Linux we run on). */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system, all threads) a process has used so far, or undefined once it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is parenthesised and may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Resident and peak resident memory (`VmRSS`, `VmHWM`) of a process in bytes, or undefined once it is gone. */
export function processMemory(pid: number): { rss: number; peakRss: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string) => {
      const found = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
      return found === undefined ? undefined : Number(found) * 1024;
    };
    const rss = kib('VmRSS');
    // A process that has exited but not been reaped (a zombie) has no memory lines.
    return rss === undefined ? undefined : { rss, peakRss: kib('VmHWM') ?? rss };
  } catch {
    return undefined;
  }
}

/** Pids whose command line contains every one of `parts` (other users' processes included where readable). */
export function findProcesses(parts: string[]): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (parts.every((p) => cmdline.includes(p))) found.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

/**
 * The CPU a changing set of processes used since `start()`: each pid counts from its first sample (or from zero
 * when it appeared after the start) to its last sample, so processes that exit keep what was last seen of them.
 */
export class CpuTracker {
  private readonly seen = new Map<number, { first: number; last: number }>();
  private started = false;

  /** Samples the current pids; call it at the start, periodically, and at the end. */
  sample(pids: Iterable<number>): void {
    for (const pid of pids) {
      const cpu = processCpuSeconds(pid);
      if (cpu === undefined) continue;
      const entry = this.seen.get(pid);
      if (entry) entry.last = cpu;
      else this.seen.set(pid, { first: this.started ? 0 : cpu, last: cpu });
    }
    this.started = true;
  }

  /** CPU seconds used since the first sample. */
  seconds(): number {
    let total = 0;
    for (const { first, last } of this.seen.values()) total += last - first;
    return total;
  }
}

/** CPU seconds the whole machine has spent busy (not idle or waiting for I/O) since boot, from /proc/stat. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return (
    ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / CLOCK_TICKS_PER_SECOND
  );
}
