import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { endCanary } from '../../src/canary/end.js';
import { rollBackIfFailing } from '../../src/canary/rollback.js';
import { currentCanaryRouting } from '../../src/canary/routing.js';
import { canarySettingsSchema } from '../../src/canary/schema.js';
import { ensureConfiguredCanary, startCanary } from '../../src/canary/start.js';
import { loadConfig } from '../../src/config.js';
import { latestCanary } from '../../src/db/canary.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { ConflictError, InvalidInputError } from '../../src/documents/errors.js';
import { defaultDatabaseKind, startTestDatabase, type TestDatabase } from '../helpers/database.js';

const config = loadConfig({ DOCKET_PROMPT_VERSION: 'classify-v1', DOCKET_MODEL: 'gpt-4o-mini' });
const BASELINE = { promptVersion: 'classify-v1', model: 'gpt-4o-mini' };

describe('a canary from start to end, on the database', () => {
  let db: TestDatabase;
  let pool: Pool;
  before(async () => {
    db = await startTestDatabase(await defaultDatabaseKind());
    pool = createPool(db.url);
    await pool.query(`INSERT INTO documents (id, content_hash, text, taxonomy) VALUES ('d', 'h', 't', 'default')`);
  });
  after(async () => {
    await pool.end();
    await db.close();
  });
  beforeEach(async () => {
    await pool.query('DELETE FROM llm_calls');
    await pool.query('DELETE FROM canaries');
  });

  const deps = () => ({ pool, config });
  const settings = (raw: unknown) => canarySettingsSchema.parse(raw);
  /** Ledger rows of the candidate's answered calls, `failed` of them invalid. */
  const candidateCalls = async (answered: number, failed: number) => {
    for (let i = 0; i < answered; i++) {
      await pool.query(
        `INSERT INTO llm_calls (call_key, document_id, workflow_id, run_id, activity_attempt, purpose, model,
           prompt_version, taxonomy, cost_usd, priced, latency_ms, http_status, outcome, parse_ok, started_at, variant)
         VALUES ($1, 'd', 'w', 'r', 1, 'classify', 'gpt-4.1-mini', 'classify-v1', 'default', 0.001, true, 100, 200, $2,
           $3, now(), 'candidate')`,
        [`k${i}-${Date.now()}`, i < failed ? 'invalid_output' : 'ok', i >= failed],
      );
    }
  };

  it('starts against the configured default, refuses a second one and an unknown prompt version', async () => {
    const started = await startCanary(deps(), settings({ share: 0.25, model: 'gpt-4.1-mini' }), 'ops');
    assert.deepEqual(
      [started.status, started.baseline, started.candidate],
      ['active', BASELINE, { promptVersion: 'classify-v1', model: 'gpt-4.1-mini' }],
    );
    await assert.rejects(startCanary(deps(), settings({ share: 0.1, model: 'x' }), 'ops'), ConflictError);
    await endCanary(deps(), 'rollback', 'ops');
    await assert.rejects(
      startCanary(deps(), settings({ share: 0.1, promptVersion: 'classify-v9' }), 'ops'),
      (err: Error) => err instanceof InvalidInputError && /^unknown prompt version "classify-v9"/.test(err.message),
    );
  });

  it('routes the next document by what the database says now: split, then promoted, then nothing new', async () => {
    assert.deepEqual(await currentCanaryRouting(pool, BASELINE), { variant: BASELINE });
    await startCanary(deps(), settings({ share: 0.5, promptVersion: 'classify-v2' }), 'ops');
    const candidate = { promptVersion: 'classify-v2', model: 'gpt-4o-mini' };
    assert.deepEqual((await currentCanaryRouting(pool, BASELINE)).split?.candidate, candidate);
    const promoted = await endCanary(deps(), 'promote', 'ops');
    assert.deepEqual([promoted.status, promoted.reason], ['promoted', 'promote by ops']);
    assert.deepEqual(await currentCanaryRouting(pool, BASELINE), { variant: candidate });
    await assert.rejects(endCanary(deps(), 'rollback', 'ops'), ConflictError);
  });

  it('rolls back on its own once the candidate fails too often after minCalls, and only once', async () => {
    await startCanary(deps(), settings({ share: 0.5, model: 'gpt-4.1-mini', minCalls: 10 }), 'ops');
    await candidateCalls(9, 9);
    assert.equal(await rollBackIfFailing(pool), false, 'fewer than minCalls answered');
    await candidateCalls(1, 1);
    const checks = await Promise.all([rollBackIfFailing(pool), rollBackIfFailing(pool), rollBackIfFailing(pool)]);
    assert.equal(checks.filter(Boolean).length, 1);
    const ended = await latestCanary(pool);
    assert.equal(ended?.status, 'rolled_back');
    assert.equal(ended?.reason, 'automatic: candidate parse-failure rate 1.000 over 10 calls exceeds 0.2');
    assert.deepEqual(await currentCanaryRouting(pool, BASELINE), { variant: BASELINE });
  });

  it('keeps a candidate that fails no more than maxParseFailureRate', async () => {
    await startCanary(deps(), settings({ share: 0.5, model: 'gpt-4.1-mini', minCalls: 10 }), 'ops');
    await candidateCalls(10, 2);
    assert.equal(await rollBackIfFailing(pool), false);
    assert.equal((await latestCanary(pool))?.status, 'active');
  });

  it('starts DOCKET_CANARY once: not again after it ended, nor while another canary runs', async () => {
    const configured = loadConfig({
      DOCKET_PROMPT_VERSION: 'classify-v1',
      DOCKET_CANARY: '{"share":0.2,"promptVersion":"classify-v3"}',
    });
    await ensureConfiguredCanary(pool, configured);
    const first = await latestCanary(pool);
    assert.deepEqual([first?.status, first?.share, first?.candidate.promptVersion], ['active', 0.2, 'classify-v3']);
    await ensureConfiguredCanary(pool, configured);
    await endCanary(deps(), 'rollback', 'ops');
    await ensureConfiguredCanary(pool, configured);
    assert.equal((await latestCanary(pool))?.id, first?.id, 'a restart does not start a rolled-back candidate again');

    await startCanary(deps(), settings({ share: 0.1, model: 'gpt-4.1-mini' }), 'ops');
    const other = loadConfig({ DOCKET_PROMPT_VERSION: 'classify-v1', DOCKET_CANARY: '{"share":0.2,"model":"o3"}' });
    await ensureConfiguredCanary(pool, other);
    assert.equal((await latestCanary(pool))?.candidate.model, 'gpt-4.1-mini', 'the active canary stays');
    await endCanary(deps(), 'rollback', 'ops');
    await ensureConfiguredCanary(pool, other);
    assert.equal((await latestCanary(pool))?.candidate.model, 'o3', 'a new candidate starts once none is active');
  });
});
