// ESLint flat config: typescript-eslint with type information, import cycles, and the module boundaries of
// DESIGN.md §8 / STYLE.md (workflow code stays deterministic; src/shared depends on nothing in the project).
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
 * "leaves the folder" depends on how deep the importing file sits.
 */
function boundaryBlocks(folder, patternsForDepth, maxDepth = 4) {
  return Array.from({ length: maxDepth + 1 }, (_, depth) => ({
    files: [`${folder}/${'*/'.repeat(depth)}*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: nodeBuiltins.paths, patterns: [...nodeBuiltins.patterns, ...patternsForDepth(depth)] },
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
);
