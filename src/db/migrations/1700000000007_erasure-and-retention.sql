-- Up Migration
-- One row per erased document: who erased it, when and why. It holds no content (no text, metadata, hash or
-- result), so that a repeated erasure can answer what was done, and an audit can prove that it was.
CREATE TABLE erasures (
  document_id text PRIMARY KEY,
  reason text NOT NULL CHECK (reason IN ('request', 'retention')),
  erased_by text NOT NULL,
  -- The batches the document belonged to: their histories may hold its result, and a repeated erasure retries them.
  batch_ids text[] NOT NULL DEFAULT '{}',
  erased_at timestamptz NOT NULL DEFAULT now()
);

-- The retention purge pages through documents and samples by age.
CREATE INDEX documents_created_at_idx ON documents (created_at);
CREATE INDEX samples_created_at_idx ON samples (created_at);
CREATE INDEX samples_document_id_idx ON samples (document_id);

-- Down Migration
DROP INDEX samples_document_id_idx;
DROP INDEX samples_created_at_idx;
DROP INDEX documents_created_at_idx;
DROP TABLE erasures;
