import { z } from 'zod';
import type { CallTotalsRow } from '../rows.js';

export const callsSectionSchema = z.object({
  total: z.number(),
  ok: z.number(),
  invalidOutput: z.number(),
  error: z.number(),
  unknownOutcome: z
    .number()
    .describe(
      'Calls whose ledger row is still `started`: written before the request, never completed (the worker was ' +
        'killed, or the database was down when the answer came). Their outcome, and whether they were paid, is unknown.',
    ),
});
export type CallsSection = z.infer<typeof callsSectionSchema>;

/** The calls of the window by outcome. */
export function callsSection(totals: CallTotalsRow): CallsSection {
  return {
    total: totals.calls,
    ok: totals.ok,
    invalidOutput: totals.invalidOutput,
    error: totals.error,
    unknownOutcome: totals.started,
  };
}
