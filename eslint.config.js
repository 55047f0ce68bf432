// ESLint flat config: typescript-eslint with type information, import cycles, and the module boundaries of
// CONTRIBUTING.md "What each folder may import" (workflow code stays deterministic; src/shared depends on nothing in
// the project; each layer imports only the layers under it). test/unit/import-boundaries.test.ts probes them.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// src/shared is bundled into the workflow sandbox too, because workflows import it.
const NODE_BUILTINS_MESSAGE = 'no Node built-ins in workflow code or src/shared: do I/O in an activity.';
const SERVER_PACKAGES_MESSAGE =
  'workflow code and src/shared must not reach clients, databases or the worker: use an activity.';

/** Packages that talk to the outside world or run the worker; never part of the workflow bundle. */
const SERVER_PACKAGES = [
  'openai',
  'openai/*',
  'pg',
  'pg/*',
  'node-pg-migrate',
  '@electric-sql/*',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
  'hono',
  'hono/*',
  '@hono/*',
  'pino',
  'commander',
];

const nodeBuiltins = {
  paths: builtinModules.map((name) => ({ name, message: NODE_BUILTINS_MESSAGE })),
  patterns: [
    { regex: '^node:', message: NODE_BUILTINS_MESSAGE },
    { group: SERVER_PACKAGES, message: SERVER_PACKAGES_MESSAGE },
  ],
};

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** Packages a workflow may import, and those that the patterns above already report (one report per import). */
const ALLOWED_OR_REPORTED = [
  'zod',
  '@temporalio/workflow',
  '@temporalio/common',
  ...builtinModules,
  ...SERVER_PACKAGES.filter((name) => !name.endsWith('/*')),
];
const REPORTED_SCOPES = SERVER_PACKAGES.filter((name) => name.startsWith('@') && name.endsWith('/*'));
const ALLOWED_OR_REPORTED_ABOVE = [
  'node:',
  `(${ALLOWED_OR_REPORTED.map(escapeRegex).join('|')})(/|$)`,
  ...REPORTED_SCOPES.map((scope) => escapeRegex(scope.slice(0, -1))),
].join('|');

/** `../` repeated `n` times, as a regex. */
const up = (n) => `(\\.\\./){${n}}`;

/**
 * One config block per folder depth under `folder`: import specifiers are matched as written, so what
 * "leaves the folder" depends on how deep the importing file sits. Sandboxed folders (bundled into workflows) also
 * refuse Node built-ins and server packages.
 */
function boundaryBlocks(folder, patternsForDepth, { sandboxed = true, maxDepth = 4 } = {}) {
  const base = sandboxed ? nodeBuiltins : { paths: [], patterns: [] };
  return Array.from({ length: maxDepth + 1 }, (_, depth) => ({
    files: [`${folder}/${'*/'.repeat(depth)}*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: base.paths, patterns: [...base.patterns, ...patternsForDepth(depth)] },
      ],
    },
  }));
}

// src/workflows: @temporalio/workflow, @temporalio/common, zod, ../shared, and activity *types* only.
const workflowBoundary = boundaryBlocks('src/workflows', (depth) => [
  {
    regex: `^${up(depth + 1)}(?!(shared|activities)(/|$))`,
    message: 'workflow code imports only ../shared and activity types from the rest of the project.',
  },
  {
    regex: `^${up(depth + 1)}shared(/index(\\.js)?)?$`,
    message: 'import the module of src/shared you need, not its index: that would bundle every schema into workflows.',
  },
  {
    regex: `^${up(depth + 1)}activities(/|$)`,
    allowTypeImports: true,
    message:
      'workflows reach activities only as types: `import type * as activities` and proxyActivities<typeof activities>.',
  },
  {
    regex: `^(?![.]|${ALLOWED_OR_REPORTED_ABOVE})`,
    message: 'workflow code imports only @temporalio/workflow, @temporalio/common, zod and src/shared.',
  },
]);

// src/shared: the one copy of names, messages, schemas and errors; it imports nothing else from the project.
const sharedBoundary = boundaryBlocks('src/shared', (depth) => [
  { regex: `^${up(depth + 1)}`, message: 'src/shared imports nothing from the rest of the project.' },
]);

/**
 * What a layer must not import, as CONTRIBUTING.md "What each folder may import" states it: top-level folders of src/
 * (`folders`; `typeFolders` for values only, types allowed) and packages, with the reason the page gives.
 */
function layerPatterns({ folders = [], typeFolders = [], packages = [], message }, levelsToSrc) {
  const into = (names) => `^${up(levelsToSrc)}(${names.join('|')})(/|$)`;
  return [
    ...(folders.length ? [{ regex: into(folders), message }] : []),
    ...(typeFolders.length ? [{ regex: into(typeFolders), allowTypeImports: true, message }] : []),
    ...(packages.length ? [{ group: packages, message }] : []),
  ];
}

/** Blocks for one layer `src/<layer>/**`. */
const layerBoundary = (layer, rule) =>
  boundaryBlocks(`src/${layer}`, (depth) => layerPatterns(rule, depth + 1), { sandboxed: false });

const LAYERS = {
  documents: {
    folders: ['api', 'cli', 'client', 'dev'],
    packages: ['hono', 'hono/*', '@hono/*'],
    message: 'domain services know nothing of HTTP or the CLI: throw a domain error (errors.ts); routes translate it.',
  },
  db: {
    folders: ['api', 'cli', 'client', 'dev', 'documents', 'activities', 'workflows', 'worker'],
    typeFolders: ['reports'],
    message: 'src/db holds the SQL, under the modules that call it: they hand it what it stores.',
  },
  llm: {
    folders: ['api', 'cli', 'client', 'dev', 'documents', 'activities', 'workflows', 'worker'],
    message: 'src/llm (prompts, answer checks, pricing, provider errors) is used by activities, never the reverse.',
  },
  activities: {
    folders: ['api', 'cli', 'client', 'dev', 'worker'],
    typeFolders: ['workflows'],
    message: 'activities do the I/O of workflows: they know nothing of HTTP, the CLI or the worker that runs them.',
  },
  api: {
    folders: ['cli', 'client', 'dev', 'activities', 'worker'],
    typeFolders: ['workflows'],
    message: 'the API reaches workflows through the Temporal client and src/shared names, over src/documents services.',
  },
  cli: {
    folders: ['api', 'db', 'documents', 'activities', 'workflows', 'worker', 'llm'],
    packages: ['pg', 'openai', '@temporalio/*'],
    message: 'the CLI reaches Docket through src/client (and formats with src/reports), never the server modules.',
  },
  reports: {
    folders: ['api', 'cli', 'client', 'dev', 'documents', 'activities', 'workflows', 'worker'],
    message: 'src/reports builds and formats the report; the API and the CLI call it, never the reverse.',
  },
};

// src/client reaches nothing of the project outside itself, nor the packages of the server.
const CLIENT_MESSAGE =
  'src/client reaches Docket over HTTP only: it imports no server module (its types: api-types.ts).';
const clientBoundary = boundaryBlocks(
  'src/client',
  (depth) => [
    { regex: `^${up(depth + 1)}`, message: CLIENT_MESSAGE },
    { group: [...SERVER_PACKAGES, '@temporalio/*'], message: CLIENT_MESSAGE },
  ],
  { sandboxed: false },
);

// The report's section builders and formatters are pure: rows in, figures or text out. Only the readers beside them
// (rows.ts and the modules it calls) query the database. Declared after the reports layer: for these files these
// blocks replace its, so they repeat its rule.
const PURE_REPORTS_MESSAGE =
  'section builders and formatters are pure: take rows (types only) from rows.ts, query nothing.';
const pureReportsBoundary = ['sections', 'format', 'html'].flatMap((sub) =>
  boundaryBlocks(
    `src/reports/${sub}`,
    (depth) => [
      ...layerPatterns(LAYERS.reports, depth + 2),
      { regex: `^${up(depth + 2)}db(/|$)`, allowTypeImports: true, message: PURE_REPORTS_MESSAGE },
      { regex: `^${up(depth + 1)}(rows|report)(\\.js)?$`, allowTypeImports: true, message: PURE_REPORTS_MESSAGE },
      { group: ['pg', 'pg/*'], allowTypeImports: true, message: PURE_REPORTS_MESSAGE },
    ],
    { sandboxed: false, maxDepth: 2 },
  ),
);

export default defineConfig(
  { ignores: ['node_modules/', 'dist/', '.data/', '.tools/', '.scratch/', 'bench/results/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/resolver-next': [
        // NodeNext: `./x.js` in source means `./x.ts`.
        createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json'], extensionAlias: { '.js': ['.ts', '.js'] } }),
      ],
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises that the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'suite', 'it', 'test', 'only', 'skip', 'todo'],
            },
          ],
        },
      ],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  // Plain JavaScript (this file, scripts/*.mjs, bin/) is outside tsconfig.json: lint it without type information,
  // with the globals of the Node.js that runs ESLint.
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: Object.fromEntries(Object.getOwnPropertyNames(globalThis).map((name) => [name, 'readonly'])),
    },
  },
  ...workflowBoundary,
  ...sharedBoundary,
  ...clientBoundary,
  ...Object.entries(LAYERS).flatMap(([layer, rule]) => layerBoundary(layer, rule)),
  ...pureReportsBoundary,
);
