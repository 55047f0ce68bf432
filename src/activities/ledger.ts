import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { Pool } from '../db/pool.js';
import { completeLlmCall, insertLlmCall, insertSample, type LlmCallRow } from '../db/queries.js';
import { infrastructureFailure } from './infrastructure.js';
import { recordCallMetrics } from './metrics.js';
import { isSampled } from './sampling.js';

/** A call's row before its outcome is known. */
export type StartedCall = Omit<LlmCallRow, 'latencyMs' | 'outcome'>;

/** Delays between the writes that complete a row while the database is away: ~15 s in all, inside the attempt. */
const FINISH_RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 8_000];
const HEARTBEAT_INTERVAL_MS = 2_000;

/**
 * The write-ahead ledger of one call: {@link CallLedger.start} writes the row `started` before the request, and
 * {@link CallLedger.finish} completes it with the outcome. A call whose completion never lands (worker killed,
 * database down) stays `started`: visible, counted as an unknown outcome, never missing.
 */
export interface CallLedger {
  start(): Promise<void>;
  /** Completes the row (retried while the database is away); returns whether it was recorded. Never throws. */
  finish(call: LlmCallRow, response?: unknown): Promise<boolean>;
}

/** The ledger of the call `row`; `request` is kept whole in `samples` for failures and the sampled share. */
export function callLedger(deps: {
  pool: Pool;
  logger: Logger;
  sampleRate: number;
  row: StartedCall;
  request: unknown;
  attempt: number;
}): CallLedger {
  return {
    async start() {
      try {
        await insertLlmCall(deps.pool, { ...deps.row, latencyMs: null, outcome: 'started' });
      } catch (err) {
        // No row, no request: a call the ledger cannot see is never made.
        throw infrastructureFailure(err, deps.attempt);
      }
    },
    async finish(call, response) {
      recordCallMetrics(call);
      const recorded = await withRetries(deps.logger, call.callKey, async () => {
        await completeLlmCall(deps.pool, call);
        const failed = call.outcome !== 'ok';
        if (failed || isSampled(call.workflowId, deps.sampleRate)) {
          await insertSample(deps.pool, {
            callKey: call.callKey,
            documentId: call.documentId,
            reason: failed ? 'failure' : 'sampled',
            request: deps.request,
            response,
          });
        }
      });
      return recorded;
    },
  };
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
