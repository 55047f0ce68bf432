import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { openApiDocument, type OpenApiDocument } from '../../scripts/gen-route-table.js';
import { findTemporalCli } from '../../src/dev/temporal-cli.js';
import {
  checkCurl,
  checkDocketCommand,
  checkNpmRun,
  checkTemporalCommand,
  commandsIn,
  documentedCommands,
  type ApiRoute,
  documentationFiles,
  type DocCommand,
} from './doc-commands.js';
import { deadAnchors } from './doc-links.js';

const ROOT = process.cwd();
const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;

function apiRoutes(doc: OpenApiDocument): ApiRoute[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => ({ method: method.toUpperCase(), path })),
  );
}

/** Why the command is not accepted, or undefined. */
async function check(command: DocCommand, routes: readonly ApiRoute[]): Promise<string | undefined> {
  const [first, second, ...rest] = command.words;
  if (first === 'npx' && second === 'docket') return checkDocketCommand(rest);
  if (first === 'npm' && second === 'run') {
    // `npm run temporal -- <args>` passes <args> to the Temporal CLI: check them against it too.
    if (rest[0] === 'temporal' && rest[1] === '--') return checkTemporalCommand(rest.slice(2), findTemporalCli());
    return checkNpmRun(rest, scripts);
  }
  if (first === 'curl') return checkCurl(command.words.slice(1), routes);
  // Neither is on PATH after npm run setup: a reader who copies the line gets "command not found".
  if (first === 'docket') return 'write npx docket: docket is not on PATH';
  if (first === 'temporal') return 'write npm run temporal -- …: the Temporal CLI that setup installs is not on PATH';
  return `not a checked command: ${command.text}`;
}

/** The failures of a set of commands, one line each, naming the file and line. */
async function failures(commands: readonly DocCommand[], routes: readonly ApiRoute[]): Promise<string[]> {
  const found: string[] = [];
  for (const command of commands) {
    const why = await check(command, routes);
    if (why) found.push(`${command.file}:${command.line}: ${command.text}\n    ${why}`);
  }
  return found;
}

describe('the commands shown in the docs', () => {
  let routes: ApiRoute[];
  before(async () => {
    routes = apiRoutes(await openApiDocument());
  });

  it('are all commands the CLI, package.json and the API accept', async () => {
    const commands = documentedCommands(ROOT);
    // The docs show dozens; a handful would mean the extraction broke and the check passes on nothing.
    assert.ok(commands.length >= 40, `only ${commands.length} commands found in the docs`);
    for (const kind of ['npx docket', 'npm run', 'curl']) {
      assert.ok(
        commands.some((c) => c.text.startsWith(kind)),
        `no "${kind}" command found in the docs`,
      );
    }
    const found = await failures(commands, routes);
    assert.deepEqual(found, [], `commands in the docs that do not work as written:\n${found.join('\n')}`);
  });

  it('rejects a made-up command, option, script or route', async () => {
    const markdown = [
      'Some prose with `npx docket nonsense` outside a block, which is not checked.',
      '```sh',
      'npx docket submit README.md --wait   # fine',
      'npx docket frobnicate --now',
      'npx docket submit README.md --colour red',
      'npx docket review doc-1',
      'npm run no-such-script',
      'npm run temporal -- workflow lisst',
      'npm run temporal -- workflow list --bogus',
      'temporal workflow list',
      'docket status doc-1',
      'echo hi | npx docket submit - --wiat',
      'curl -sS -X DELETE http://127.0.0.1:3000/v1/reviews -H "Authorization: Bearer $TOKEN"',
      'curl -sS http://127.0.0.1:3000/v1/nowhere',
      'curl -sS -X POST http://127.0.0.1:3000/v1/documents \\',
      '  -H "Authorization: Bearer $TOKEN" -d \'{"text": "fine"}\'',
      '```',
    ].join('\n');
    const commands = commandsIn(markdown, 'made-up.md');
    assert.equal(commands.length, 13);
    const found = await failures(commands, routes);
    assert.equal(found.length, 11, found.join('\n'));
    assert.match(found[0] ?? '', /made-up\.md:4: npx docket frobnicate --now\n.*unknown command 'frobnicate'/);
    assert.match(found[1] ?? '', /unknown option '--colour'/);
    assert.match(found[2] ?? '', /required option '--category <category>' not specified/);
    assert.match(found[3] ?? '', /no script "no-such-script"/);
    assert.match(found[4] ?? '', /no command "temporal workflow lisst"/);
    assert.match(found[5] ?? '', /unknown flag: --bogus/);
    assert.match(found[6] ?? '', /write npm run temporal -- …/);
    assert.match(found[7] ?? '', /write npx docket/);
    assert.match(found[8] ?? '', /unknown option '--wiat'/);
    assert.match(found[9] ?? '', /no DELETE \/v1\/reviews/);
    assert.match(found[10] ?? '', /no GET \/v1\/nowhere/);
  });

  it('link only to sections that exist', () => {
    assert.deepEqual(deadAnchors(documentationFiles(ROOT), ROOT), []);
  });
});

describe('the README', () => {
  const readme = readFileSync('README.md', 'utf8');

  it('stays short enough to read in ten minutes', () => {
    const lines = readme.split('\n').length;
    assert.ok(lines <= 220, `README.md has ${lines} lines; move the detail to a page of docs/`);
  });

  it('names the Node.js versions that package.json and scripts/setup.sh require', () => {
    const range = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines.node;
    assert.ok(readme.includes(`Node.js \`${range}\``), `README.md should say Node.js \`${range}\``);
  });
});
