import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findTemporalCli, findTimeSkippingServer } from '../../src/dev/temporal-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'docket-temporal-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
/** A fresh folder standing in for the project root. */
function makeRoot(): string {
  const root = join(scratch, `root-${++counter}`);
  mkdirSync(root, { recursive: true });
  return root;
}

function makeExecutable(path: string, mode = 0o755): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, mode);
  return path;
}

describe('findTemporalCli', () => {
  it('prefers TEMPORAL_CLI_PATH over the venv, the setup record and PATH', () => {
    const root = makeRoot();
    const explicit = makeExecutable(join(root, 'elsewhere', 'temporal'));
    makeExecutable(join(root, '.tools', 'venv', 'bin', 'temporal'));
    const pathDir = join(root, 'path-bin');
    makeExecutable(join(pathDir, 'temporal'));
    assert.equal(findTemporalCli({ TEMPORAL_CLI_PATH: explicit, PATH: pathDir }, root), explicit);
  });

  it('resolves a relative TEMPORAL_CLI_PATH against the root', () => {
    const root = makeRoot();
    const explicit = makeExecutable(join(root, 'bin', 'temporal'));
    assert.equal(findTemporalCli({ TEMPORAL_CLI_PATH: 'bin/temporal', PATH: '' }, root), explicit);
  });

  it('rejects a TEMPORAL_CLI_PATH that is not an executable file instead of falling through', () => {
    const root = makeRoot();
    makeExecutable(join(root, '.tools', 'venv', 'bin', 'temporal'));
    const notExecutable = makeExecutable(join(root, 'temporal.txt'), 0o644);
    assert.throws(
      () => findTemporalCli({ TEMPORAL_CLI_PATH: join(root, 'missing'), PATH: '' }, root),
      /TEMPORAL_CLI_PATH/,
    );
    assert.throws(() => findTemporalCli({ TEMPORAL_CLI_PATH: notExecutable, PATH: '' }, root), /not an executable/);
  });

  it('uses the CLI recorded by npm run setup before the venv and PATH', () => {
    const root = makeRoot();
    makeExecutable(join(root, '.tools', 'venv', 'bin', 'temporal'));
    const recorded = makeExecutable(join(root, 'recorded', 'temporal'));
    writeFileSync(join(root, '.tools', 'temporal-cli-path'), `${recorded}\n`);
    const pathDir = join(root, 'path-bin');
    makeExecutable(join(pathDir, 'temporal'));
    assert.equal(findTemporalCli({ PATH: pathDir }, root), recorded);
  });

  it('ignores a stale record and uses the venv CLI before PATH', () => {
    const root = makeRoot();
    const venv = makeExecutable(join(root, '.tools', 'venv', 'bin', 'temporal'));
    writeFileSync(join(root, '.tools', 'temporal-cli-path'), join(root, 'removed', 'temporal'));
    const pathDir = join(root, 'path-bin');
    makeExecutable(join(pathDir, 'temporal'));
    assert.equal(findTemporalCli({ PATH: pathDir }, root), venv);
  });

  it('falls back to temporal on PATH, skipping non-executable files', () => {
    const root = makeRoot();
    const first = join(root, 'first');
    makeExecutable(join(first, 'temporal'), 0o644);
    const second = join(root, 'second');
    const onPath = makeExecutable(join(second, 'temporal'));
    assert.equal(findTemporalCli({ PATH: [first, second].join(delimiter) }, root), onPath);
  });

  it('says to run npm run setup when nothing is found', () => {
    const root = makeRoot();
    assert.throws(() => findTemporalCli({ PATH: '' }, root), /run npm run setup/);
  });
});

describe('findTimeSkippingServer', () => {
  it('prefers TEMPORAL_TEST_SERVER_PATH, then the venv, then PATH', () => {
    const root = makeRoot();
    const pathDir = join(root, 'path-bin');
    const onPath = makeExecutable(join(pathDir, 'temporal-test-server'));
    assert.equal(findTimeSkippingServer({ PATH: pathDir }, root), onPath);

    const venv = makeExecutable(join(root, '.tools', 'venv', 'bin', 'temporal-test-server'));
    assert.equal(findTimeSkippingServer({ PATH: pathDir }, root), venv);

    const explicit = makeExecutable(join(root, 'elsewhere', 'temporal-test-server'));
    assert.equal(findTimeSkippingServer({ TEMPORAL_TEST_SERVER_PATH: explicit, PATH: pathDir }, root), explicit);
  });

  it('says to run npm run setup when nothing is found', () => {
    const root = makeRoot();
    assert.throws(() => findTimeSkippingServer({ PATH: '' }, root), /run npm run setup/);
  });
});
