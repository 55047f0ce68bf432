-- Up Migration
-- Issue 13: the ledger row of a call is written before the request, as `started`, and completed after. A row left
-- `started` (worker killed, database down at completion) is a call whose outcome is unknown; it has no latency yet.
ALTER TABLE llm_calls DROP CONSTRAINT llm_calls_outcome_check;
ALTER TABLE llm_calls ADD CONSTRAINT llm_calls_outcome_check
  CHECK (outcome IN ('started', 'ok', 'invalid_output', 'error'));
ALTER TABLE llm_calls ALTER COLUMN latency_ms DROP NOT NULL;

-- Down Migration
DELETE FROM samples WHERE call_key IN (SELECT call_key FROM llm_calls WHERE outcome = 'started');
DELETE FROM llm_calls WHERE outcome = 'started';
ALTER TABLE llm_calls ALTER COLUMN latency_ms SET NOT NULL;
ALTER TABLE llm_calls DROP CONSTRAINT llm_calls_outcome_check;
ALTER TABLE llm_calls ADD CONSTRAINT llm_calls_outcome_check CHECK (outcome IN ('ok', 'invalid_output', 'error'));
