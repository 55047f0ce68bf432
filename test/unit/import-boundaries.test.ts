import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ESLint } from 'eslint';

const RULE = '@typescript-eslint/no-restricted-imports';

/** A module at `file` (relative to the repository) holding only `importLine`, as `npm run lint` sees it. */
type Probe = [file: string, importLine: string];

const REFUSED: Probe[] = [
  ['src/workflows/probe.ts', "import { getDocument } from '../db/queries.js';"],
  ['src/workflows/probe.ts', "import { SA } from '../shared/index.js';"],
  ['src/client/probe.ts', "import { SA } from '../shared/search-attributes.js';"],
  ['src/client/probe.ts', "import { Client } from '@temporalio/client';"],
  ['src/documents/probe.ts', "import { Hono } from 'hono';"],
  ['src/documents/probe.ts', "import { createApp } from '../api/app.js';"],
  ['src/db/probe.ts', "import { getDocumentView } from '../documents/view.js';"],
  ['src/db/probe.ts', "import { buildReport } from '../reports/report.js';"],
  ['src/llm/provider-errors/probe.ts', "import { createActivities } from '../../activities/index.js';"],
  ['src/activities/llm-call/probe.ts', "import { createApp } from '../../api/app.js';"],
  ['src/api/routes/probe.ts', "import { runDev } from '../../dev/start.js';"],
  ['src/cli/commands/probe.ts', "import { getDocument } from '../../db/queries.js';"],
  ['src/reports/probe.ts', "import { createApp } from '../api/app.js';"],
  ['src/reports/sections/probe.ts', "import { readReportRows } from '../rows.js';"],
  ['src/reports/sections/probe.ts', "import { createPool } from '../../db/pool.js';"],
  ['src/reports/sections/probe.ts', "import pg from 'pg';"],
  ['src/reports/sections/probe.ts', "import { createApp } from '../../api/app.js';"],
  ['src/reports/html/probe.ts', "import { buildReport } from '../report.js';"],
];

const ALLOWED: Probe[] = [
  ['src/workflows/probe.ts', "import type * as activities from '../activities/index.js';"],
  ['src/documents/probe.ts', "import { getDocument } from '../db/queries.js';"],
  ['src/db/probe.ts', "import { SA } from '../shared/search-attributes.js';"],
  ['src/db/probe.ts', "import type { CheckedAnswer } from '../reports/accuracy/index.js';"],
  ['src/activities/llm-call/probe.ts', "import { getDocument } from '../../db/queries.js';"],
  ['src/api/routes/probe.ts', "import { getDocumentView } from '../../documents/view.js';"],
  ['src/cli/commands/probe.ts', "import { formatReportText } from '../../reports/format-text.js';"],
  ['src/reports/probe.ts', "import { readReportRows } from './rows.js';"],
  ['src/reports/sections/probe.ts', "import type { ReportRows } from '../rows.js';"],
  ['src/reports/sections/probe.ts', "import type { Pool } from '../../db/pool.js';"],
];

describe('the import boundaries of CONTRIBUTING.md, as npm run lint enforces them', () => {
  let eslint: ESLint;
  before(() => {
    // Only the boundary rule, and without type information: the probes are not files of the project.
    eslint = new ESLint({
      cwd: process.cwd(),
      overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
      ruleFilter: ({ ruleId }) => ruleId === RULE,
    });
  });

  async function crossings([file, importLine]: Probe): Promise<string[]> {
    const [result] = await eslint.lintText(`${importLine}\nexport const probe = 1;\n`, {
      filePath: join(process.cwd(), file),
    });
    assert.ok(result);
    assert.deepEqual(
      result.messages.filter((m) => m.ruleId !== RULE),
      [],
      `${file} parses`,
    );
    return result.messages.map((m) => m.message);
  }

  for (const probe of REFUSED) {
    it(`refuses ${probe[1]} in ${probe[0]}`, async () => {
      assert.equal((await crossings(probe)).length, 1);
    });
  }
  for (const probe of ALLOWED) {
    it(`allows ${probe[1]} in ${probe[0]}`, async () => {
      assert.deepEqual(await crossings(probe), []);
    });
  }
});
