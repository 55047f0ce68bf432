// Runs one command for `npm start` and stops it when `npm start` is gone, even killed with SIGKILL (no handler runs
// then). Plain JavaScript run by `node` itself, so that it starts fast and small.
//
//   node child-watchdog.mjs <command> [args...]
//
// Docket holds the write end of this process's stdin and never writes: the kernel closes it when Docket exits in any
// way, stdin ends, and the watchdog stops the command (SIGTERM, SIGKILL after a grace period). SIGTERM or SIGINT sent
// to the watchdog stop the command the same way. The watchdog exits with the command's exit code.
import { spawn } from 'node:child_process';

const GRACE_MS = 10_000;
const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('usage: node child-watchdog.mjs <command> [args...]\n');
  process.exit(2);
}

const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), GRACE_MS).unref();
}

process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('error', (err) => {
  process.stderr.write(`${command}: ${err.message}\n`);
  process.exit(127);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
