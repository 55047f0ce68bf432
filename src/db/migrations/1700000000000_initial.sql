-- Up Migration
CREATE TABLE documents (
  id text PRIMARY KEY,
  content_hash text NOT NULL,
  text text NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  taxonomy text NOT NULL,
  batch_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_batch_id_idx ON documents (batch_id) WHERE batch_id IS NOT NULL;

-- One row per document; written by an idempotent upsert and never with invalid output.
CREATE TABLE classifications (
  document_id text PRIMARY KEY REFERENCES documents (id),
  category text NOT NULL CHECK (category <> ''),
  confidence double precision NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
  reasoning text NOT NULL,
  decided_by text NOT NULL CHECK (decided_by IN ('model', 'human')),
  reviewer text,
  review_note text,
  unreviewed boolean NOT NULL DEFAULT false,
  model text NOT NULL,
  prompt_version text NOT NULL,
  taxonomy text NOT NULL,
  workflow_id text NOT NULL,
  run_id text NOT NULL,
  decided_at timestamptz NOT NULL DEFAULT now()
);

-- The call ledger: one row per HTTP call to the provider, failed and timed-out ones included.
CREATE TABLE llm_calls (
  id bigserial PRIMARY KEY,
  call_key text NOT NULL UNIQUE,
  document_id text NOT NULL,
  workflow_id text NOT NULL,
  run_id text NOT NULL,
  activity_attempt integer NOT NULL,
  purpose text NOT NULL,
  model text NOT NULL,
  prompt_version text NOT NULL,
  taxonomy text NOT NULL,
  input_tokens integer NOT NULL DEFAULT 0,
  cached_tokens integer NOT NULL DEFAULT 0,
  output_tokens integer NOT NULL DEFAULT 0,
  cost_usd double precision,
  priced boolean NOT NULL DEFAULT false,
  latency_ms integer NOT NULL,
  http_status integer,
  outcome text NOT NULL CHECK (outcome IN ('ok', 'invalid_output', 'error')),
  error_class text,
  error_type text,
  finish_reason text,
  parse_ok boolean,
  request_id text,
  started_at timestamptz NOT NULL
);
CREATE INDEX llm_calls_document_id_idx ON llm_calls (document_id);
CREATE INDEX llm_calls_started_at_idx ON llm_calls (started_at);

-- Full prompt and response for a sampled share of calls and for every failure.
CREATE TABLE samples (
  id bigserial PRIMARY KEY,
  call_key text NOT NULL UNIQUE REFERENCES llm_calls (call_key),
  document_id text NOT NULL,
  reason text NOT NULL,
  request jsonb NOT NULL,
  response jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE samples;
DROP TABLE llm_calls;
DROP TABLE classifications;
DROP TABLE documents;
