/**
 * Renders docs/configuration.md from the one zod env schema (`envSchema` in src/config.ts): every variable with
 * its description and `@default`/`@readBy` tags taken from its doc comment, its accepted values from the schema.
 * `npm run docs` writes the page; test/docs/generated.test.ts fails when the committed page is out of date.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { z } from 'zod';
import { envSchema } from '../src/config.js';
import { markdownHeader, wrap } from './gen-markdown.js';

const CONFIG_SOURCE = 'src/config.ts';

/** One variable of the schema, as the page shows it. */
export interface ConfigVariable {
  name: string;
  description: string;
  defaultText: string;
  accepts: string;
  readBy: string;
}

interface DocComment {
  text: string;
  tags: Map<string, string>;
}

/** The doc comment of every property of `envSchema = z.object({...})` in src/config.ts, by variable name. */
function readDocComments(root: string): Map<string, DocComment> {
  const source = ts.createSourceFile(
    CONFIG_SOURCE,
    readFileSync(`${root}/${CONFIG_SOURCE}`, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const comments = new Map<string, DocComment>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.name.getText() === 'envSchema' && node.initializer) {
      const call = node.initializer;
      const literal = ts.isCallExpression(call) ? call.arguments[0] : undefined;
      if (!literal || !ts.isObjectLiteralExpression(literal)) throw new Error('envSchema is not z.object({...})');
      for (const property of literal.properties) {
        if (!property.name) continue;
        comments.set(property.name.getText(), docComment(property));
      }
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return comments;
}

function docComment(node: ts.Node): DocComment {
  const tags = new Map<string, string>();
  let text = '';
  for (const doc of ts.getJSDocCommentsAndTags(node)) {
    if (!ts.isJSDoc(doc)) continue;
    text = [text, ts.getTextOfJSDocComment(doc.comment) ?? ''].filter(Boolean).join(' ');
    for (const tag of doc.tags ?? []) {
      tags.set(tag.tagName.text, (ts.getTextOfJSDocComment(tag.comment) ?? '').replace(/\s+/g, ' ').trim());
    }
  }
  return { text: text.replace(/\s+/g, ' ').trim(), tags };
}

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  format?: string;
  pattern?: string;
}

/** What the schema accepts, in words: the enum values, a number's range, a URL. */
function accepts(field: z.ZodType): string {
  const schema = z.toJSONSchema(field, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(', ');
  if (schema.type === 'integer' || schema.type === 'number') {
    const kind = schema.type === 'integer' ? 'an integer' : 'a number';
    const huge = (n: number | undefined) => n === undefined || n >= Number.MAX_SAFE_INTEGER;
    if (schema.minimum !== undefined && !huge(schema.maximum)) return `${kind}, ${schema.minimum}–${schema.maximum}`;
    if (schema.exclusiveMinimum === 0 || schema.minimum === 1) return `${kind} > 0`;
    if (schema.minimum !== undefined) return `${kind} ≥ ${schema.minimum}`;
    return kind;
  }
  if (schema.format === 'uri') return 'a URL';
  return 'text';
}

/** The default as the schema applies it, unless the doc comment's `@default` says it better. */
function defaultText(field: z.ZodType, tag: string | undefined): string {
  // A bare value reads as code; a phrase ("the newest `classify` prompt") as written.
  if (tag) return /[\s`]/.test(tag) ? tag : `\`${tag}\``;
  const parsed = field.safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return 'unset';
  return `\`${String(parsed.data)}\``;
}

/** Every variable of the schema, in the schema's order. */
export function configVariables(root: string): ConfigVariable[] {
  const comments = readDocComments(root);
  return Object.entries(envSchema.shape).map(([name, field]) => {
    const comment = comments.get(name) ?? { text: '', tags: new Map<string, string>() };
    return {
      name,
      description: comment.text,
      defaultText: defaultText(field as z.ZodType, comment.tags.get('default')),
      accepts: accepts(field as z.ZodType),
      readBy: comment.tags.get('readBy') ?? '',
    };
  });
}

const anchor = (name: string) => name.toLowerCase();
const short = (text: string, max = 48) => (text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`);

const INTRO = `Docket reads its settings from environment variables. Each entry point (\`npm start\`, \`npm run worker\`,
\`npm run api\`) parses them once with the zod schema \`envSchema\` in \`src/config.ts\` at start-up. A bad value
stops the process with \`invalid configuration:\` and one line per variable that names it:

\`\`\`
invalid configuration:
  DOCKET_CONFIDENCE_THRESHOLD: Too big: expected number to be <=1
\`\`\`

"Read by" says which process uses a variable. Settings read by the **API** are fixed into each document's workflow
when the document is submitted (models, prompt version, threshold, taxonomy, review deadline, server-error
ceiling): changing one affects new documents only. Settings read by the **worker** apply to the next LLM call. Set
the same values on every API and worker process.`;

const OUTRO = `## Variables outside the schema

These are read where they are used, not through \`envSchema\`:

- \`DOCKET_URL\`, \`DOCKET_TOKEN\`: the API and bearer token of the \`docket\` CLI (see [the CLI](cli.md)).
- \`OTEL_*\`: tracing, with the OpenTelemetry SDK's standard variables (see [tracing](observability.md#tracing)).
- \`TEMPORAL_CLI_PATH\`, \`TEMPORAL_TEST_SERVER_PATH\`: a \`temporal\` binary (or the time-skipping test server) for
  \`npm run setup\`, \`npm start\`, \`npm run temporal\` and the tests, instead of the one setup installs.
- \`CI\`: \`true\` or \`1\` makes every \`npm run setup\` step required.
- \`SIMULATOR_PORT\` (8787), \`SIMULATOR_HOST\` (\`127.0.0.1\`), \`SIMULATOR_PROFILE\` (a JSON profile):
  \`npm run simulator\`.
- \`DOCKET_TEST_*\`: the test runner (see [CONTRIBUTING.md](../CONTRIBUTING.md#tests)).

Connecting to a Temporal cluster with TLS or an API key is described in
[connecting to Temporal](connecting-temporal.md).`;

/** The whole page, before Prettier. */
export function renderConfigurationPage(root: string): string {
  const variables = configVariables(root);
  const table = [
    '| variable | default | read by |',
    '| --- | --- | --- |',
    ...variables.map((v) => `| [\`${v.name}\`](#${anchor(v.name)}) | ${short(v.defaultText)} | ${v.readBy || '—'} |`),
  ];
  const sections = variables.flatMap((v) => [
    `### \`${v.name}\``,
    '',
    wrap(v.description || 'Not described yet: add a doc comment to it in src/config.ts.'),
    '',
    [
      `Default: ${v.defaultText}.`,
      v.accepts === 'text' ? '' : `Accepts ${v.accepts}.`,
      v.readBy ? `Read by: ${v.readBy}.` : '',
    ]
      .filter(Boolean)
      .join(' '),
    '',
  ]);
  return [
    markdownHeader('Configuration', 'the zod schema in src/config.ts'),
    INTRO,
    '',
    '## Summary',
    '',
    ...table,
    '',
    '## Variables',
    '',
    ...sections,
    OUTRO,
    '',
  ].join('\n');
}
