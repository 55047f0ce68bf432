import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPool, type Pool } from '../../src/db/pool.js';
import { formatReportHtml } from '../../src/reports/format-html.js';
import { formatReportText } from '../../src/reports/format-text.js';
import { buildReport, type ReportOptions } from '../../src/reports/report.js';
import { startTestDatabase, type TestDatabase } from '../helpers/database.js';
import { at, insertLedger, NOVEMBER } from './ledger.js';

// The report's three renderings of the known ledger, byte for byte: the text of `docket report`, the HTML page and
// the JSON of GET /v1/report (key order included, as `c.json` serialises it). Any change to a figure, a word or a
// key shows here as a diff. After an intended change, record the files again and review the diff:
//   DOCKET_RECORD_REPORTS=1 npm test -- test/reports/report-golden.test.ts
const GOLDEN = join(process.cwd(), 'test/fixtures/reports');
const RECORD = process.env.DOCKET_RECORD_REPORTS === '1';

const OUTAGE_ALERT_MS = 15 * 60_000;

/** The windows the goldens cover, each reaching a different branch of the builders and formatters. */
const LEDGER_SCENARIOS: Record<string, ReportOptions> = {
  november: NOVEMBER,
  'november-simulated': { ...NOVEMBER, simulated: true },
  'december-open-ended': { since: at('2026-12-01T00:00:00'), now: at('2026-12-03T12:00:00') },
  'whole-ledger': { now: NOVEMBER.now },
  'empty-window': { since: at('2030-01-01T00:00:00'), now: at('2030-01-02T00:00:00') },
};

/**
 * Provider states written over the ledger's, in this order: an outage in progress, then its recovery. The HTML page
 * has no provider section, so these have text and JSON goldens only.
 */
const PROVIDER_SCENARIOS: Array<{ name: string; state: string; options: ReportOptions }> = [
  {
    name: 'provider-outage',
    state: `breaker = 'open', consecutive_failures = 7, opened_at = '2026-12-05T08:30:00Z',
            next_probe_at = '2026-12-05T09:01:00Z', hold_until = '2026-12-05T09:00:30Z',
            last_success_at = '2026-12-05T08:20:00Z', rate_limited_since = '2026-12-05T08:40:00Z'`,
    options: { ...NOVEMBER, rateLimitAlertAfterMs: OUTAGE_ALERT_MS },
  },
  {
    name: 'provider-recovered',
    state: `breaker = 'closed', consecutive_failures = 0, closed_at = '2026-12-05T08:55:00Z',
            hold_until = '2026-12-05T08:58:00Z', last_success_at = '2026-12-05T08:55:00Z',
            rate_limited_since = '2026-12-05T08:50:00Z'`,
    options: { ...NOVEMBER, rateLimitAlertAfterMs: OUTAGE_ALERT_MS },
  },
];

/** Compares one rendering with its golden file, or writes the file when recording. */
async function matchesGolden(file: string, actual: string, record: boolean): Promise<void> {
  const path = join(GOLDEN, file);
  if (record) {
    await mkdir(GOLDEN, { recursive: true });
    await writeFile(path, actual);
    return;
  }
  const expected = await readFile(path, 'utf8').catch(() => {
    throw new Error(`no golden file ${path}: record it with DOCKET_RECORD_REPORTS=1`);
  });
  assert.equal(actual, expected, `${file} differs from its golden file`);
}

async function matchesGoldens(
  pool: Pool,
  name: string,
  options: ReportOptions,
  { record, html = true }: { record: boolean; html?: boolean },
): Promise<void> {
  const report = await buildReport(pool, options);
  await matchesGolden(`${name}.text.golden`, formatReportText(report), record);
  if (html) await matchesGolden(`${name}.html.golden`, formatReportHtml(report), record);
  await matchesGolden(`${name}.json.golden`, `${JSON.stringify(report, null, 2)}\n`, record);
}

// Recorded from PGlite; PostgreSQL must render the very same bytes.
for (const kind of ['pglite', 'postgres'] as const) {
  describe(`the report's text, HTML and JSON on ${kind}`, () => {
    const record = RECORD && kind === 'pglite';
    let db: TestDatabase;
    let pool: Pool;

    before(async () => {
      db = await startTestDatabase(kind);
      pool = createPool(db.url);
      await insertLedger(pool);
    });
    after(async () => {
      await pool?.end();
      await db?.close();
    });

    for (const [name, options] of Object.entries(LEDGER_SCENARIOS)) {
      it(`renders ${name} as recorded`, () => matchesGoldens(pool, name, options, { record }));
    }

    it('renders the provider section of an outage and of its recovery as recorded', async () => {
      // The transient failures of November happened while the breaker was open.
      await pool.query(`UPDATE llm_calls SET outage = true WHERE error_class = 'transient' AND outcome = 'error'`);
      for (const { name, state, options } of PROVIDER_SCENARIOS) {
        await pool.query(`UPDATE provider_health SET ${state} WHERE name = 'llm'`);
        await matchesGoldens(pool, name, options, { record, html: false });
      }
    });
  });
}
