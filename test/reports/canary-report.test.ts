import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatCanaryReport } from '../../src/canary/format-report.js';
import { getCanaryReport, wilson } from '../../src/canary/report.js';
import { loadConfig } from '../../src/config.js';
import { startCanary } from '../../src/db/canary.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { defaultDatabaseKind, startTestDatabase, type TestDatabase } from '../helpers/database.js';

describe('the canary report on a known ledger', () => {
  let db: TestDatabase;
  let pool: Pool;
  before(async () => {
    db = await startTestDatabase(await defaultDatabaseKind());
    pool = createPool(db.url);
  });
  after(async () => {
    await pool.end();
    await db.close();
  });

  it('computes Wilson intervals that match the textbook values', () => {
    const r = wilson(8, 10);
    assert.equal(r.rate, 0.8);
    assert.ok(Math.abs((r.low ?? 0) - 0.4902) < 1e-3 && Math.abs((r.high ?? 0) - 0.9433) < 1e-3);
    assert.deepEqual(wilson(0, 0), { count: 0, total: 0, rate: null, low: null, high: null });
  });

  it('compares parse failures, low confidence, agreement, cost and latency per variant', async () => {
    await startCanary(pool, {
      baseline: { promptVersion: 'classify-v1', model: 'gpt-4o-mini' },
      candidate: { promptVersion: 'classify-v2', model: 'gpt-4.1-mini' },
      share: 0.2,
      maxParseFailureRate: 0.5,
      minCalls: 5,
    });
    // Baseline: 10 answered calls, 1 parse failure, 2 of 9 valid answers under 0.5, cost 0.001 each, 100..190 ms.
    // Candidate: 4 answered calls, 2 parse failures, 0 low confidence, cost 0.002 each, 300 ms; one cascade call
    // (another model) that must not count.
    const rows: [string, string, boolean, number | null, number, string][] = [];
    for (let i = 0; i < 10; i++)
      rows.push([
        'baseline',
        i === 0 ? 'invalid_output' : 'ok',
        i !== 0,
        i === 0 ? null : i <= 2 ? 0.3 : 0.9,
        100 + i * 10,
        'classify',
      ]);
    for (let i = 0; i < 4; i++)
      rows.push(['candidate', i < 2 ? 'invalid_output' : 'ok', i >= 2, i >= 2 ? 0.8 : null, 300, 'classify']);
    rows.push(['candidate', 'ok', true, 0.95, 900, 'cascade']);
    await pool.query(`INSERT INTO documents (id, content_hash, text, taxonomy) VALUES ('d', 'h', 't', 'default')`);
    for (const [i, [variant, outcome, parseOk, confidence, latency, purpose]] of rows.entries()) {
      await pool.query(
        `INSERT INTO llm_calls (call_key, document_id, workflow_id, run_id, activity_attempt, purpose, model, prompt_version,
           taxonomy, cost_usd, priced, latency_ms, http_status, outcome, parse_ok, started_at, variant, confidence)
         VALUES ($1, 'd', 'w', 'r', 1, $2, 'm', 'p', 'default', $3, true, $4, 200, $5, $6, now(), $7, $8)`,
        [`k${i}`, purpose, variant === 'baseline' ? 0.001 : 0.002, latency, outcome, parseOk, variant, confidence],
      );
    }
    const report = await getCanaryReport({ pool, config: loadConfig({ DOCKET_CONFIDENCE_THRESHOLD: '0.5' }) });
    assert.deepEqual([report.baseline.calls, report.candidate.calls], [10, 4]);
    assert.deepEqual([report.baseline.parseFailure.count, report.baseline.parseFailure.total], [1, 10]);
    assert.deepEqual([report.candidate.parseFailure.count, report.candidate.parseFailure.total], [2, 4]);
    assert.deepEqual([report.baseline.lowConfidence.count, report.baseline.lowConfidence.total], [2, 9]);
    assert.equal(report.candidate.lowConfidence.rate, 0);
    assert.ok(Math.abs((report.baseline.costPerCallUsd.mean ?? 0) - 0.001) < 1e-12);
    assert.equal(report.baseline.latencyMs.mean, 145);
    assert.equal(report.candidate.latencyMs.mean, 300);
    assert.equal(report.candidate.latencyMs.low, 300, 'no spread, no interval');
    const text = formatCanaryReport(report);
    assert.match(text, /parse failures\s+10\.0% \[/);
    assert.match(text, /candidate classify-v2 \/ gpt-4\.1-mini/);
  });
});
