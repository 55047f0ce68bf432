import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { findTemporalCli } from '../../src/dev/temporal-cli.js';
import { startTemporalDevServer, type DevServer } from '../../src/dev/temporal-dev-server.js';
import { freePort } from '../helpers/browser.js';

/** Bytes 18 and 19 of a SQLite file's header: the write and read format versions, 2 in WAL mode, 1 otherwise. */
function formatVersions(file: string): [number, number] {
  const fd = openSync(file, 'r');
  try {
    const header = Buffer.alloc(20);
    readSync(fd, header, 0, 20, 0);
    return [header[18] as number, header[19] as number];
  } finally {
    closeSync(fd);
  }
}

/**
 * The embedded Temporal server (what `npm start` runs, through `startTemporalDevServer`) keeps its database file in
 * write-ahead-log mode with `synchronous=normal`: observed on the file and on the server's own system calls.
 */
describe('the embedded Temporal dev server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'docket-dev-server-'));
  const dbFilename = join(dataDir, 'temporal.db');
  let server: DevServer;
  let connection: Connection;
  let client: Client;

  /** Starts workflows (no worker needed): each start commits history, a task and visibility rows. */
  const startWorkflows = async (prefix: string, count: number) => {
    for (let i = 0; i < count; i++) {
      await client.workflow.start('noSuchWorkflow', { taskQueue: `${prefix}-queue`, workflowId: `${prefix}-${i}` });
    }
  };

  before(async () => {
    const [port, uiPort] = await Promise.all([freePort(), freePort()]);
    server = await startTemporalDevServer({ cli: findTemporalCli(), dbFilename, port, uiPort });
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
  });
  after(async () => {
    await connection?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes its database through a write-ahead log (journal_mode=wal)', async () => {
    await startWorkflows('wal', 5);
    assert.deepEqual(formatVersions(dbFilename), [2, 2], 'the file header says WAL mode');
    const wal = `${dbFilename}-wal`;
    assert.ok(existsSync(wal), 'a -wal file beside the database');
    assert.ok(statSync(wal).size > 0, 'the commits went to the log');
    assert.ok(existsSync(`${dbFilename}-shm`), 'the shared-memory index of the log');
  });

  it('syncs the disk at checkpoints, not at every commit (synchronous=normal)', async () => {
    assert.equal(spawnSync('strace', ['-V']).status, 0, 'strace is not installed: run npm run setup');
    // The server itself: the one child of the watchdog that runs it.
    const watchdog = server.child.pid as number;
    const pid = readFileSync(`/proc/${watchdog}/task/${watchdog}/children`, 'utf8').trim();
    assert.match(pid, /^\d+$/, 'the server process');
    const out = join(dataDir, 'strace.txt');
    const strace = spawn('strace', ['-f', '-c', '-e', 'trace=fsync,fdatasync', '-o', out, '-p', pid], {
      stdio: 'ignore',
    });
    // strace attaches to every thread before the first call is counted.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const starts = 40;
    await startWorkflows('sync', starts);
    strace.kill('SIGINT');
    await once(strace, 'exit');
    const summary = readFileSync(out, 'utf8');
    const syncs = [...summary.matchAll(/^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?f(?:data)?sync$/gm)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
    // Every commit syncs with synchronous=full (or the default rollback journal): several per workflow start.
    assert.ok(syncs < starts, `${syncs} disk syncs for ${starts} workflow starts:\n${summary}`);
  });
});
