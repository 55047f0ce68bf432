-- Up Migration
-- What the model suggested when a person decided, so human agreement can be measured.
ALTER TABLE classifications
  ADD COLUMN review_reason text,
  ADD COLUMN suggested_category text,
  ADD COLUMN suggested_confidence double precision;

-- Down Migration
ALTER TABLE classifications
  DROP COLUMN review_reason,
  DROP COLUMN suggested_category,
  DROP COLUMN suggested_confidence;
