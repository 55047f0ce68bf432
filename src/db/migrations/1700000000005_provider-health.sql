-- Up Migration
-- What every worker and the API know about the provider, in one row: the outage breaker (opened by transient
-- failures across documents with no success in between, closed by the first success), the single probe lease, the
-- time before which no call may go (the provider's Retry-After and exhausted x-ratelimit-* headers), and how long
-- nothing has succeeded while rate limits kept coming (the rate-limit storm alert).
CREATE TABLE provider_health (
  name text PRIMARY KEY,
  breaker text NOT NULL DEFAULT 'closed' CHECK (breaker IN ('closed', 'open')),
  consecutive_failures integer NOT NULL DEFAULT 0,
  failing_documents text[] NOT NULL DEFAULT '{}',
  opened_at timestamptz,
  closed_at timestamptz,
  probes integer NOT NULL DEFAULT 0,
  probe_holder text,
  probe_lease_until timestamptz,
  next_probe_at timestamptz,
  probe_backoff_ms integer NOT NULL DEFAULT 0,
  hold_until timestamptz,
  last_success_at timestamptz,
  rate_limited_since timestamptz,
  rate_limit_alerted_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
INSERT INTO provider_health (name) VALUES ('llm');

-- A call that failed while the breaker was open: part of an outage, not of the document's own ceiling.
ALTER TABLE llm_calls ADD COLUMN outage boolean NOT NULL DEFAULT false;

-- Down Migration
ALTER TABLE llm_calls DROP COLUMN outage;
DROP TABLE provider_health;
