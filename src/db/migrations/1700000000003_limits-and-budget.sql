-- Up Migration
-- Token buckets shared by every worker (e.g. the provider's tokens-per-minute limit).
CREATE TABLE rate_buckets (
  name text PRIMARY KEY,
  tokens double precision NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Spend per UTC day: settled cost of finished calls, and the worst-case cost reserved by calls in flight.
CREATE TABLE budget_days (
  day date PRIMARY KEY,
  spent_usd double precision NOT NULL DEFAULT 0,
  reserved_usd double precision NOT NULL DEFAULT 0
);

-- Down Migration
DROP TABLE budget_days;
DROP TABLE rate_buckets;
