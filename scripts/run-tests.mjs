#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's test runner (through tsx), or the files/folders given as arguments.
// Files run two at a time: each starts its own Temporal dev server, database and simulator on free ports.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(path) {
  if (statSync(path).isDirectory()) {
    return readdirSync(path)
      .sort()
      .flatMap((name) => (name === 'helpers' || name === 'fixtures' ? [] : collect(join(path, name))));
  }
  return path.endsWith('.test.ts') ? [path] : [];
}

const targets = process.argv.slice(2);
const files = (targets.length > 0 ? targets : ['test']).flatMap(collect);
const concurrency = process.env.DOCKET_TEST_CONCURRENCY ?? '2';
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    // A hung test fails on its own instead of holding CI until its time limit.
    `--test-timeout=${process.env.DOCKET_TEST_TIMEOUT_MS ?? '240000'}`,
    '--test-reporter=spec',
    ...files,
  ],
  { stdio: 'inherit' },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
