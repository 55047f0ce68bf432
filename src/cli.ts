/**
 * The `docket` command line (bin/docket.js runs this file through tsx; `npm start` runs `docket dev`).
 * Reads DOCKET_URL, PORT and DOCKET_TOKEN; see `docket --help`.
 */
import { runCli } from './cli/program.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
