import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { Pool } from '../../db/pool.js';
import { completeLlmCall, insertLlmCall, insertSample, type LlmCallRow } from '../../db/queries.js';
import { infrastructureFailure } from '../infrastructure.js';
import { recordCallMetrics } from '../metrics.js';
import { isSampled } from '../sampling.js';
import { ledgerRow, sampledResponse, type CallOutcome, type StartedCall } from './ledger-row.js';

/** Delays between the writes that complete a row while the database is away: ~15 s in all, inside the attempt. */
const FINISH_RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 8_000];
const HEARTBEAT_INTERVAL_MS = 2_000;

/**
 * The write-ahead ledger of one call: {@link CallLedger.start} writes the row `started` before the request, and
 * {@link CallLedger.recordCall} completes it with the outcome. A call whose completion never lands (worker killed,
 * database down) stays `started`: visible, counted as an unknown outcome, never missing.
 */
export interface CallLedger {
  start(): Promise<void>;
  /**
   * Completes the row with `outcome` (built by {@link ledgerRow}), and keeps the call whole in `samples` when it
   * failed or is sampled. Retried while the database is away; returns whether it was recorded. Never throws.
   */
  recordCall(outcome: CallOutcome): Promise<boolean>;
}

/** What the ledger of one call writes, and where. */
export interface CallLedgerOptions {
  pool: Pool;
  logger: Logger;
  /** Share of workflows whose calls are kept whole in `samples`; failures always are. */
  sampleRate: number;
  /** The call's row as written before the request. */
  row: StartedCall;
  /** The request, kept whole in `samples` for failures and the sampled share. */
  request: unknown;
  /** The activity attempt: sets the backoff when the row cannot be written. */
  attempt: number;
}

/** The ledger of the call `options.row`. */
export function callLedger(options: CallLedgerOptions): CallLedger {
  return {
    async start() {
      try {
        await insertLlmCall(options.pool, { ...options.row, latencyMs: null, outcome: 'started' });
      } catch (err) {
        // No row, no request: a call the ledger cannot see is never made.
        throw infrastructureFailure(err, options.attempt);
      }
    },
    async recordCall(outcome) {
      return completeRow(options, ledgerRow(options.row, outcome), sampledResponse(outcome));
    },
  };
}

async function completeRow(options: CallLedgerOptions, call: LlmCallRow, response: unknown): Promise<boolean> {
  recordCallMetrics(call);
  return withRetries(options.logger, call.callKey, async () => {
    await completeLlmCall(options.pool, call);
    const failed = call.outcome !== 'ok';
    if (failed || isSampled(call.workflowId, options.sampleRate)) {
      await insertSample(options.pool, {
        callKey: call.callKey,
        documentId: call.documentId,
        reason: failed ? 'failure' : 'sampled',
        request: options.request,
        response,
      });
    }
  });
}

/** Runs `write` until it succeeds or the delays run out, heartbeating meanwhile (a write can hang on a dead link). */
async function withRetries(log: Logger, callKey: string, write: () => Promise<void>): Promise<boolean> {
  const ctx = Context.current();
  const heartbeat = setInterval(() => ctx.heartbeat(), HEARTBEAT_INTERVAL_MS);
  try {
    for (let i = 0; ; i++) {
      try {
        await write();
        return true;
      } catch (err) {
        const delay = FINISH_RETRY_DELAYS_MS[i];
        if (delay === undefined) {
          log.error({ callKey, err: errorSummary(err) }, 'could not complete the ledger row; it stays `started`');
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  } finally {
    clearInterval(heartbeat);
  }
}

/** The name and code of a database error, never its fields (`detail`, `where` can hold document data). */
function errorSummary(err: unknown): { name?: string; code?: unknown; message?: string } {
  if (!(err instanceof Error)) return {};
  return { name: err.name, code: (err as { code?: unknown }).code, message: err.message };
}
