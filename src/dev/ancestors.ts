import { readFileSync } from 'node:fs';
import { isAlive } from './ports.js';

/** The state and parent's pid of `pid` from /proc/<pid>/stat (Linux), or undefined when it cannot be read. */
function stat(pid: number): { state: string; ppid: number } | undefined {
  try {
    // Field 2 (the command) may hold spaces and parentheses: the fields after its last ')' are fixed.
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state = '', ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number.isInteger(Number(ppid)) ? { state, ppid: Number(ppid) } : undefined;
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (a killed process stays a zombie until its own parent reaps it). */
function running(pid: number): boolean {
  return isAlive(pid) && stat(pid)?.state !== 'Z';
}

/** This process's ancestors, parent first, up to and excluding init (pid 1); only the parent where /proc is absent. */
export function ancestors(): number[] {
  const chain: number[] = [];
  let pid: number | undefined = process.ppid;
  while (pid !== undefined && pid > 1 && chain.length < 64) {
    chain.push(pid);
    pid = stat(pid)?.ppid;
  }
  return chain;
}

/**
 * Calls `onGone` once when any process that started this one has exited: `npm start` runs Docket behind `sh` (and
 * tsx), so when npm is killed, even with SIGKILL, Docket's own parent lives on and only the ancestors tell.
 *
 * @returns a function that stops watching
 */
export function watchAncestors(onGone: (pid: number) => void, intervalMs = 1000): () => void {
  const watched = ancestors();
  const timer = setInterval(() => {
    const gone = watched.find((pid) => !running(pid));
    if (gone === undefined) return;
    clearInterval(timer);
    onGone(gone);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
