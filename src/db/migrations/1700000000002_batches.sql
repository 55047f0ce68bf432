-- Up Migration
CREATE TABLE batches (
  id text PRIMARY KEY,
  taxonomy text NOT NULL,
  total integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A document may belong to several batches (a resubmitted file is the same document).
CREATE TABLE batch_documents (
  batch_id text NOT NULL REFERENCES batches (id),
  position integer NOT NULL,
  document_id text NOT NULL REFERENCES documents (id),
  PRIMARY KEY (batch_id, position)
);
CREATE INDEX batch_documents_document_id_idx ON batch_documents (document_id);

-- Down Migration
DROP TABLE batch_documents;
DROP TABLE batches;
