-- Up Migration
-- Issue 20: results are versioned, not overwritten. `classifications` keeps one row per document, its current result,
-- now with the version it is; `classification_versions` keeps every version (the current one included), each as the
-- classifications row it was, so that a new column of the result needs no change here.
ALTER TABLE classifications ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);

CREATE TABLE classification_versions (
  -- Erasing a document erases its versions: they hold its reasoning.
  document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  version integer NOT NULL CHECK (version >= 1),
  -- Makes the write idempotent: `<workflowId>/<runId>` for a workflow's result, `audit-<id>` for an audit's correction.
  version_key text NOT NULL,
  decided_by text NOT NULL CHECK (decided_by IN ('model', 'human')),
  category text NOT NULL,
  workflow_id text NOT NULL,
  run_id text NOT NULL,
  decided_at timestamptz NOT NULL DEFAULT now(),
  -- The classifications row of this version, by column name.
  stored jsonb NOT NULL,
  PRIMARY KEY (document_id, version),
  UNIQUE (document_id, version_key)
);

INSERT INTO classification_versions (document_id, version, version_key, decided_by, category, workflow_id, run_id,
  decided_at, stored)
SELECT document_id, 1, workflow_id || '/' || run_id, decided_by, category, workflow_id, run_id, decided_at, to_jsonb(c)
FROM classifications c;

-- Audits: a confident result drawn by DOCKET_AUDIT_RATE waits for a person beside the workflow reviews, while the
-- document is `completed`. At most one pending audit per document.
CREATE TABLE audits (
  id bigserial PRIMARY KEY,
  document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  taxonomy text NOT NULL,
  -- The version of the result that is audited.
  result_version integer NOT NULL,
  -- DOCKET_AUDIT_RATE when the document was drawn: each audit stands for 1 / audit_rate results.
  audit_rate double precision NOT NULL CHECK (audit_rate > 0 AND audit_rate <= 1),
  -- closed: a person decided; superseded: a newer result replaced the audited one before anybody did.
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'closed', 'superseded')),
  created_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  decision_id bigint REFERENCES review_decisions (id),
  UNIQUE (document_id, result_version),
  CHECK ((status = 'pending') = (closed_at IS NULL))
);
CREATE UNIQUE INDEX audits_one_pending_idx ON audits (document_id) WHERE status = 'pending';
CREATE INDEX audits_pending_created_at_idx ON audits (created_at) WHERE status = 'pending';

-- Reclassifications: a selection of documents run again under the current configuration.
CREATE TABLE reclassifications (
  id text PRIMARY KEY,
  selection jsonb NOT NULL,
  requested_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE reclassification_documents (
  reclassify_id text NOT NULL REFERENCES reclassifications (id) ON DELETE CASCADE,
  document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  -- `reclassify-<documentId>-<version>`: the version its result will be.
  workflow_id text NOT NULL,
  -- The current result when the reclassification started: what the diff compares with.
  previous_version integer NOT NULL,
  previous_category text NOT NULL,
  PRIMARY KEY (reclassify_id, document_id)
);
CREATE INDEX reclassification_documents_document_id_idx ON reclassification_documents (document_id);

-- Down Migration
DROP TABLE reclassification_documents;
DROP TABLE reclassifications;
DROP TABLE audits;
DROP TABLE classification_versions;
ALTER TABLE classifications DROP COLUMN version;
