import { readdirSync, readlinkSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { readPidFile } from './pid-file.js';

/** A port `npm start` is about to listen on, and the variable that moves it. */
export interface WantedPort {
  /** What listens there, e.g. `Temporal dev server`. */
  name: string;
  host: string;
  port: number;
  /** The setting that chooses another port, e.g. `DOCKET_DEV_TEMPORAL_PORT`. */
  variable: string;
}

/** Thrown before anything starts when a port is taken; its message is meant to be printed as is. */
export class PortsInUseError extends Error {}

/** Whether something already listens on host:port (binding it fails with EADDRINUSE). */
export async function portTaken(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(true);
      else reject(err);
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/**
 * Checks every port before anything starts, so a second `npm start` says which port is taken and by what instead of
 * failing halfway with a stack trace.
 *
 * @param dataDir where a running Docket keeps its pid file
 * @throws PortsInUseError naming each taken port, its variable and its holder (Docket, a program, or unknown)
 */
export async function checkPorts(wanted: readonly WantedPort[], dataDir: string): Promise<void> {
  const taken: WantedPort[] = [];
  for (const w of wanted) if (await portTaken(w.host, w.port)) taken.push(w);
  if (taken.length === 0) return;
  const holders = taken.map((w) => listenerPid(w.port));
  const lines = taken.map(
    (w, i) => `  ${w.host}:${w.port}  (${w.name}, ${w.variable}): ${describeHolder(w.port, holders[i])}`,
  );
  const recorded = readPidFile(dataDir);
  const docketPid =
    recorded && isAlive(recorded.pid) ? recorded.pid : holders.find((pid) => pid !== undefined && isDocket(pid));
  const advice =
    docketPid !== undefined
      ? `Docket is already running (pid ${docketPid}${recorded?.pid === docketPid ? `, API ${recorded.apiUrl}` : ''}). ` +
        `Use it, or stop it with Ctrl-C in its terminal, or: kill ${docketPid}`
      : `Stop the program that holds ${taken.length === 1 ? 'it' : 'them'}, or choose other ports with the variables above.`;
  throw new PortsInUseError(
    `Docket cannot start: ${taken.length === 1 ? 'a port it needs is' : 'ports it needs are'} in use.\n` +
      `${lines.join('\n')}\n${advice}`,
  );
}

/** A `docket dev` / `npm start` process, from its command line. */
function isDocket(pid: number): boolean {
  return /(cli\.ts|docket(\.js)?) dev\b/.test(commandLine(pid));
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `held by pid 123: node …` (a Docket said so), or a hint when the holder cannot be seen (not Linux, another user). */
function describeHolder(port: number, pid: number | undefined): string {
  if (pid === undefined) return `held by another program (see: ss -ltnp 'sport = :${port}')`;
  const command = commandLine(pid);
  if (isDocket(pid)) return `held by Docket (pid ${pid})`;
  if (command.includes('temporal server start-dev')) return `held by a Temporal dev server (pid ${pid})`;
  return `held by pid ${pid}: ${command.length > 100 ? `${command.slice(0, 99)}…` : command}`;
}

/** The command line of a process, on one line. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return 'unknown command';
  }
}

/** Linux: the socket inode listening on `port` from /proc/net/tcp{,6}, then the process holding that inode. */
function listenerPid(port: number): number | undefined {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let rows: string[];
    try {
      rows = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const row of rows) {
      const cols = row.trim().split(/\s+/);
      // local_address ends with the port; state 0A is LISTEN; column 9 is the inode.
      if (cols[1]?.endsWith(hexPort) && cols[3] === '0A' && cols[9]) inodes.add(`socket:[${cols[9]}]`);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    for (const fd of safeReaddir(`/proc/${entry}/fd`)) {
      try {
        if (inodes.has(readlinkSync(`/proc/${entry}/fd/${fd}`))) return Number(entry);
      } catch {
        // The process or descriptor went away while scanning.
      }
    }
  }
  return undefined;
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
