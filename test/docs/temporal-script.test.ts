import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { SA } from '../../src/shared/search-attributes.js';
import { startTemporal } from '../helpers/temporal.js';

/** `npm run temporal -- <args>`, as the docs show it, with `env` added to the environment. */
function npmRunTemporal(args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = spawnSync('npm', ['run', '--silent', 'temporal', '--', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run temporal', () => {
  let temporal: TestWorkflowEnvironment;
  before(async () => {
    temporal = await startTemporal();
  });
  after(() => temporal.teardown());

  it('runs the Temporal CLI that setup installed, with the arguments after --, even when it is not on PATH', () => {
    const run = npmRunTemporal(['operator', 'search-attribute', 'list', '--address', temporal.address], {
      PATH: `${process.env.PATH?.split(':')
        .filter((dir) => !dir.includes('.tools'))
        .join(':')}`,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`\\b${SA.status.name}\\b`));
  });

  it("exits with the CLI's exit code", () => {
    const run = npmRunTemporal([
      'workflow',
      'describe',
      '--workflow-id',
      'no-such-workflow',
      '--address',
      temporal.address,
    ]);
    assert.notEqual(run.status, 0);
    assert.match(run.stderr + run.stdout, /not found/i);
  });

  it('says what to fix when the CLI cannot be found', () => {
    const run = npmRunTemporal(['--version'], { TEMPORAL_CLI_PATH: '/nonexistent/temporal' });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /TEMPORAL_CLI_PATH=\/nonexistent\/temporal is not an executable file/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  });
});
