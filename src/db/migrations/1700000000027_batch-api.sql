-- Up Migration
-- Issue 17: the OpenAI Batch API as a durable path. A document in `batch_api` mode writes its request here (the
-- chat body, which holds the document's text: it never passes through workflow history), the coordinator groups
-- queued requests into jobs, and every line the provider returns is kept once, whatever the retries.

-- One request per attempt of a document: custom_id = `<documentId>:<n>`, the line's custom_id in the job's JSONL.
CREATE TABLE batch_api_requests (
  custom_id text PRIMARY KEY,
  document_id text NOT NULL,
  workflow_id text NOT NULL,
  model text NOT NULL,
  purpose text NOT NULL,
  prompt_version text NOT NULL,
  prompt_hash text,
  taxonomy text NOT NULL,
  variant text,
  body jsonb NOT NULL,
  estimated_tokens integer NOT NULL,
  bytes integer NOT NULL,
  -- queued: waiting for a job; submitted: in a job not yet collected; answered / error_line: its line came back;
  -- withdrawn: the document stopped waiting (cancelled, deadline passed) and takes no answer.
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'submitted', 'answered', 'error_line', 'withdrawn')),
  job_key text,
  -- Times the request went back to the queue (job expired or failed, line missing).
  requeues integer NOT NULL DEFAULT 0,
  -- The worst-case cost reserved against DOCKET_DAILY_BUDGET_USD when the request was queued, and its UTC day.
  budget_day text,
  reserved_usd double precision,
  queued_at timestamptz NOT NULL DEFAULT now(),
  answered_at timestamptz
);
CREATE INDEX batch_api_requests_queued_idx ON batch_api_requests (model, queued_at) WHERE state = 'queued';
CREATE INDEX batch_api_requests_job_idx ON batch_api_requests (job_key);
CREATE INDEX batch_api_requests_document_idx ON batch_api_requests (document_id);

-- One provider job. job_key is Docket's, written into the job's metadata (`docket_key`) before the job exists, so a
-- create retried after a crash finds the job it made instead of paying for a second one.
CREATE TABLE batch_api_jobs (
  job_key text PRIMARY KEY,
  model text NOT NULL,
  requests integer NOT NULL,
  estimated_tokens bigint NOT NULL,
  bytes bigint NOT NULL,
  provider_job_id text UNIQUE,
  input_file_id text,
  output_file_id text,
  error_file_id text,
  -- forming: requests assigned, not yet created at the provider; then the provider's statuses; collected: done.
  status text NOT NULL DEFAULT 'forming',
  created_at timestamptz NOT NULL DEFAULT now(),
  submitted_at timestamptz,
  finished_at timestamptz,
  collected_at timestamptz
);

-- Every line the provider returned, once: a duplicate line or a download retried after a crash inserts nothing.
CREATE TABLE batch_api_lines (
  custom_id text NOT NULL,
  provider_job_id text NOT NULL,
  status_code integer,
  response jsonb,
  error jsonb,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (custom_id, provider_job_id)
);

ALTER TABLE llm_calls ADD COLUMN mode text NOT NULL DEFAULT 'realtime' CHECK (mode IN ('realtime', 'batch_api')),
  ADD COLUMN provider_job_id text;

-- Down Migration
ALTER TABLE llm_calls DROP COLUMN provider_job_id, DROP COLUMN mode;
DROP TABLE batch_api_lines;
DROP TABLE batch_api_jobs;
DROP TABLE batch_api_requests;
