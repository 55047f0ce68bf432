-- Up Migration
-- Issue 19: how a document too long for the model's context window was classified (DOCKET_LONG_DOCUMENTS), one
-- column per field of the result's `longDocument`: the strategy, the chunks classified, the chunks the text was cut
-- into, and each chunk's category under chunk-vote. All null for a document that fitted.
ALTER TABLE classifications
  ADD COLUMN long_document_strategy text CHECK (long_document_strategy IN ('first-pages', 'chunk-vote')),
  ADD COLUMN long_document_chunks integer CHECK (long_document_chunks >= 1),
  ADD COLUMN long_document_document_chunks integer CHECK (long_document_document_chunks >= 1),
  ADD COLUMN long_document_votes text[];

-- Down Migration
ALTER TABLE classifications
  DROP COLUMN long_document_votes,
  DROP COLUMN long_document_document_chunks,
  DROP COLUMN long_document_chunks,
  DROP COLUMN long_document_strategy;
