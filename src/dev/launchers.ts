import { readFileSync } from 'node:fs';
import { isAlive } from './ports.js';

/** Launchers that may stand between a user's shell (or service manager) and Docket: npm, npx, sh -c, tsx, node. */
const LAUNCHER = /^(npm|npx|node|sh|dash|tsx)\b/;

/** Name, state and parent's pid of `pid` from /proc/<pid>/stat (Linux), or undefined when it cannot be read. */
function stat(pid: number): { name: string; state: string; ppid: number } | undefined {
  try {
    // Field 2, the name in parentheses, may hold spaces and parentheses: the fields after its last ')' are fixed.
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const name = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    const [state = '', ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number.isInteger(Number(ppid)) ? { name, state, ppid: Number(ppid) } : undefined;
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (a killed process stays a zombie until its own parent reaps it). */
function running(pid: number): boolean {
  return isAlive(pid) && stat(pid)?.state !== 'Z';
}

/**
 * The launchers that started this process, parent first: the unbroken chain of npm, sh, tsx or node processes above
 * it (the user's shell or service manager ends the chain). Just the parent where /proc is absent.
 */
export function launchers(): number[] {
  const chain: number[] = [];
  let pid: number | undefined = process.ppid;
  for (let info = stat(pid); pid > 1 && chain.length < 16; info = stat(pid)) {
    if (info === undefined) return chain.length === 0 ? [process.ppid] : chain;
    if (!LAUNCHER.test(info.name)) break;
    chain.push(pid);
    pid = info.ppid;
  }
  return chain;
}

/**
 * Calls `onGone` once when a launcher of this process has exited: `npm start` may run Docket behind `sh -c` (and
 * tsx), so when npm is killed, even with SIGKILL, Docket's own parent can live on and only its ancestors tell. The
 * user's shell is not watched: `nohup npm start &` outlives the terminal as before.
 *
 * @returns a function that stops watching
 */
export function watchLaunchers(onGone: (pid: number) => void, intervalMs = 1000): () => void {
  const watched = launchers();
  const timer = setInterval(() => {
    const gone = watched.find((pid) => !running(pid));
    if (gone === undefined) return;
    clearInterval(timer);
    onGone(gone);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
