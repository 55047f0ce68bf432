/**
 * Finds the commands shown in the fenced blocks of the docs and checks each against what Docket really accepts:
 * `npx docket …` against the commander program, `npm run X` against package.json, `curl … /v1/…` against the
 * OpenAPI document.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PassThrough } from 'node:stream';
import { CommanderError, type Command } from 'commander';
import { createProgram, type CliIo } from '../../src/cli/program.js';

/** A command found in a fenced block, and where. */
export interface DocCommand {
  file: string;
  line: number;
  text: string;
  words: string[];
}

/** README.md, CONTRIBUTING.md, bench/README.md and every page under docs/. */
export function documentationFiles(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : entry.name.endsWith('.md') ? [join(dir, entry.name)] : [],
    );
  return [
    join(root, 'README.md'),
    join(root, 'CONTRIBUTING.md'),
    join(root, 'bench', 'README.md'),
    ...walk(join(root, 'docs')),
  ];
}

/** Splits a shell line into words: quotes and backslashes as the shell reads them, `$VAR` kept as written. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (ch === "'" || ch === '"') {
      const end = line.indexOf(ch, i + 1);
      if (end < 0) throw new Error(`unbalanced ${ch} in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (ch === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** A line without its trailing `# comment` (a `#` that starts a word, outside quotes). */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) {
      return line.slice(0, i);
    }
  }
  return line;
}

/** The simple commands of a line: split at `|`, `&&`, `||` and `;` outside quotes, without `VAR=value` prefixes. */
function simpleCommands(line: string): string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '|' || ch === ';' || (ch === '&' && line[i + 1] === '&')) {
      parts.push(line.slice(start, i));
      if (line[i + 1] === ch) i++;
      start = i + 1;
    }
  }
  parts.push(line.slice(start));
  return parts.map((p) => p.trim().replace(/^(\$\s+)?([A-Za-z_][A-Za-z0-9_]*=("[^"]*"|'[^']*'|\S*)\s+)*/, ''));
}

/** Commands checked against the code; bare `docket` and `temporal` are found too, to be reported. */
const CHECKED = /^(npx docket|npm run|curl|docket|temporal)(\s|$)/;

/** Every `npx docket`, `npm run` and `curl` command (and bare `docket` or `temporal`) in the fenced blocks of `markdown`. */
export function commandsIn(markdown: string, file: string): DocCommand[] {
  const commands: DocCommand[] = [];
  const lines = markdown.split('\n');
  let fence: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const marker = /^\s*(`{3,}|~{3,})/.exec(raw)?.[1];
    if (marker && (!fence || marker.startsWith(fence))) {
      fence = fence ? undefined : marker;
      continue;
    }
    if (!fence) continue;
    const first = i;
    let line = raw;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i] ?? ''}`;
    for (const text of simpleCommands(stripComment(line))) {
      if (CHECKED.test(text)) commands.push({ file, line: first + 1, text, words: shellWords(text) });
    }
  }
  return commands;
}

/** Every checked command of the documentation files, with paths relative to `root`. */
export function documentedCommands(root: string): DocCommand[] {
  return documentationFiles(root).flatMap((path) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return [];
    }
    return commandsIn(text, relative(root, path));
  });
}

/** The `docket` program with every action replaced by a no-op, so that parsing runs nothing. */
function inertProgram(): Command {
  const io: CliIo = {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr: Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream,
    env: {},
    cwd: process.cwd(),
  };
  const program = createProgram(io, () => undefined);
  const disarm = (command: Command) => {
    if (command.commands.length === 0) command.action(() => undefined);
    command.commands.forEach(disarm);
  };
  disarm(program);
  return program;
}

/** Why `npx docket <args>` is not a command the CLI accepts, or undefined when it is. */
export async function checkDocketCommand(args: string[]): Promise<string | undefined> {
  try {
    await inertProgram().parseAsync(args, { from: 'user' });
    return undefined;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return undefined;
      if (err.code === 'commander.help') return 'names no command (commander printed the help)';
      return err.message;
    }
    return err instanceof Error ? err.message : String(err);
  }
}

/** Why `npm run <args>` names no script of package.json, or undefined when it does. */
export function checkNpmRun(args: string[], scripts: Record<string, string>): string | undefined {
  const name = args.find((a) => !a.startsWith('-'));
  if (!name) return 'names no script';
  return name in scripts ? undefined : `package.json has no script "${name}"`;
}

/** A method and path template of the OpenAPI document, e.g. `GET /v1/documents/{id}`. */
export type ApiRoute = { method: string; path: string };

const pathPattern = (template: string) =>
  new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);

/** Why `curl <args>` asks for no route of the API, or undefined when it does (or is not a call to `/v1/`). */
export function checkCurl(args: string[], routes: readonly ApiRoute[]): string | undefined {
  let method: string | undefined;
  let hasBody = false;
  let url: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-X' || arg === '--request') method = args[++i];
    else if (/^-X[A-Z]+$/.test(arg)) method = arg.slice(2);
    else if (/^(-d|--data.*|-F|--form|--json)$/.test(arg)) {
      hasBody = true;
      i++;
    } else if (/^(-H|--header|-o|--output|-u|--user|-w|--write-out|-m|--max-time)$/.test(arg)) i++;
    else if (!arg.startsWith('-')) url ??= arg;
  }
  if (!url) return 'names no URL';
  const path = /^(?:https?:\/\/[^/]+|\$[A-Za-z_{}]+)?(\/[^?#]*)/.exec(url)?.[1];
  if (!path) return `cannot read a path in ${url}`;
  if (!path.startsWith('/v1/') && path !== '/healthz') return undefined;
  const verb = (method ?? (hasBody ? 'POST' : 'GET')).toUpperCase();
  const known = routes.some((r) => r.method === verb && pathPattern(r.path).test(path));
  return known ? undefined : `the OpenAPI document has no ${verb} ${path}`;
}

/**
 * Why `temporal <args>` (as `npm run temporal -- <args>` runs it) is not a command of the Temporal CLI, or undefined.
 * Asks the real CLI for `<args> --help`: it rejects unknown flags, and its usage line names the command it found
 * (an unknown subcommand falls back to its parent's help).
 */
export function checkTemporalCommand(args: string[], cli: string): string | undefined {
  const firstFlag = args.findIndex((a) => a.startsWith('-'));
  const path = firstFlag < 0 ? args : args.slice(0, firstFlag);
  const run = spawnSync(cli, [...args, '--help'], { encoding: 'utf8', timeout: 10_000 });
  if (run.status !== 0) return `the Temporal CLI rejects it: ${(run.stderr || run.stdout).trim().split('\n')[0]}`;
  const usage = /Usage:\s*\n\s*(temporal[^\n[]*)/.exec(run.stdout)?.[1]?.trim();
  const expected = ['temporal', ...path].join(' ');
  return usage === expected ? undefined : `the Temporal CLI has no command "${expected}" (closest: "${usage}")`;
}
