-- Up Migration
-- Which prompt text produced each call and result, and which canary variant the document was routed to.
ALTER TABLE llm_calls ADD COLUMN prompt_hash text, ADD COLUMN variant text, ADD COLUMN confidence double precision;
ALTER TABLE classifications ADD COLUMN prompt_hash text, ADD COLUMN variant text;
CREATE INDEX llm_calls_variant_idx ON llm_calls (variant) WHERE variant IS NOT NULL;

-- The canary of the classification task: a candidate prompt and/or model receiving a share of documents.
CREATE TABLE canaries (
  id bigserial PRIMARY KEY,
  baseline_prompt_version text NOT NULL,
  baseline_model text NOT NULL,
  candidate_prompt_version text NOT NULL,
  candidate_model text NOT NULL,
  share double precision NOT NULL CHECK (share >= 0 AND share <= 1),
  max_parse_failure_rate double precision NOT NULL,
  min_calls integer NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'promoted', 'rolled_back')),
  reason text,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz
);
CREATE UNIQUE INDEX canaries_one_active_idx ON canaries ((true)) WHERE status = 'active';

-- Down Migration
DROP TABLE canaries;
DROP INDEX llm_calls_variant_idx;
ALTER TABLE classifications DROP COLUMN prompt_hash, DROP COLUMN variant;
ALTER TABLE llm_calls DROP COLUMN prompt_hash, DROP COLUMN variant, DROP COLUMN confidence;
