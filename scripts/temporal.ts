/**
 * `npm run temporal -- <arguments>`: runs the Temporal CLI that `npm run setup` installed (recorded in
 * `.tools/temporal-cli-path`), so the commands in the docs work without `temporal` on PATH.
 * npm runs scripts from the project root, which is where `findTemporalCli` looks for `.tools/`.
 */
import { spawn } from 'node:child_process';
import { findTemporalCli } from '../src/dev/temporal-cli.js';

let cli: string;
try {
  cli = findTemporalCli();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}

const child = spawn(cli, process.argv.slice(2), { stdio: 'inherit' });
// Ctrl-C reaches the CLI through the terminal's process group; this process only waits for it.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));
