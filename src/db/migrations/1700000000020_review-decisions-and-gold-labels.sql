-- Up Migration
-- Issue 20: every review decision, one row each, kept beside the document's current result (classifications), so that
-- accuracy, calibration, reviewer throughput and agreement can be measured and a gold set built. A row holds ids,
-- categories, names and numbers, never document text.
CREATE TABLE review_decisions (
  id bigserial PRIMARY KEY,
  -- Makes the write idempotent: an activity retried after its insert committed writes nothing twice.
  decision_key text NOT NULL UNIQUE,
  document_id text NOT NULL,
  taxonomy text NOT NULL,
  reviewer text NOT NULL CHECK (reviewer <> ''),
  category text NOT NULL CHECK (category <> ''),
  -- Why the document went to review: low_confidence, invalid_output, …, or audit.
  reason text NOT NULL,
  -- The model's answer the person saw (null when there was none, e.g. invalid_output), and who gave it.
  suggested_category text,
  suggested_confidence double precision CHECK (suggested_confidence >= 0 AND suggested_confidence <= 1),
  prompt_version text,
  model text,
  -- For an audit, DOCKET_AUDIT_RATE when the document was drawn: each audit stands for 1 / audit_rate results.
  audit_rate double precision CHECK (audit_rate > 0 AND audit_rate <= 1),
  CHECK ((reason = 'audit') = (audit_rate IS NOT NULL)),
  -- Set on the second decision of a double review: the first decision of the same answer, made by someone else.
  second_review_of bigint REFERENCES review_decisions (id),
  -- When the document began waiting for a person (null when unknown), and when this person decided.
  pending_since timestamptz,
  decided_at timestamptz NOT NULL DEFAULT now(),
  -- The version of the stored result this decision replaced, when it corrected one (an audit that disagreed).
  corrected_result_version integer CHECK (corrected_result_version >= 1)
);
CREATE INDEX review_decisions_decided_at_idx ON review_decisions (decided_at);
CREATE INDEX review_decisions_document_id_idx ON review_decisions (document_id);

-- The gold set: one label per document, taken from a review decision (or given by hand), which an evaluation runs
-- configurations against. An excluded label stays, with who excluded it and why, so that the set's history is known.
CREATE TABLE gold_labels (
  document_id text PRIMARY KEY,
  taxonomy text NOT NULL,
  category text NOT NULL CHECK (category <> ''),
  source_decision_id bigint REFERENCES review_decisions (id) ON DELETE SET NULL,
  labelled_by text NOT NULL,
  labelled_at timestamptz NOT NULL DEFAULT now(),
  excluded boolean NOT NULL DEFAULT false,
  excluded_reason text,
  excluded_by text,
  excluded_at timestamptz,
  CHECK (excluded = (excluded_reason IS NOT NULL)),
  CHECK (excluded = (excluded_by IS NOT NULL AND excluded_at IS NOT NULL))
);
CREATE INDEX gold_labels_taxonomy_idx ON gold_labels (taxonomy) WHERE NOT excluded;

-- Down Migration
DROP TABLE gold_labels;
DROP TABLE review_decisions;
