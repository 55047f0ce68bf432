-- Up Migration
-- The outbox of workflow starts. A document (or batch) and the start of its workflow are committed in one
-- transaction; the API then starts the workflow at once, and when Temporal does not answer, a worker's reconciler
-- starts it later. A row with started_at NULL is owned by the reconciler: nothing accepted is ever stranded.
CREATE TABLE workflow_starts (
  workflow_id text PRIMARY KEY,
  workflow_type text NOT NULL,
  -- The workflow's input as decided at submission (ids and settings, never document text).
  input jsonb NOT NULL,
  document_id text REFERENCES documents (id) ON DELETE CASCADE,
  batch_id text REFERENCES batches (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  -- Not before: the API's own attempt, then a reconciler's lease, keep two starters off the same row.
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text
);
CREATE INDEX workflow_starts_pending_idx ON workflow_starts (next_attempt_at) WHERE started_at IS NULL;
CREATE INDEX workflow_starts_document_id_idx ON workflow_starts (document_id);
CREATE INDEX workflow_starts_batch_id_idx ON workflow_starts (batch_id);

-- Instructions aimed at a model found in the document (signal names of src/llm/injection.ts), stored with its
-- result; NULL when none were found or the result predates the check.
ALTER TABLE classifications ADD COLUMN suspicious_instructions text[];

-- Down Migration
ALTER TABLE classifications DROP COLUMN suspicious_instructions;
DROP TABLE workflow_starts;
