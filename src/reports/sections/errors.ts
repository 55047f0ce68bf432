import { z } from 'zod';
import type { CallTotalsRow, CountRow, ErrorTypeRow } from '../rows.js';
import { ratio, shareRowSchema, shareRows } from './shares.js';

export const errorTypeRowSchema = shareRowSchema.extend({ errorClass: z.string() });

export const errorsSectionSchema = z.object({
  errorCalls: z.number().describe('Calls with outcome `error` (an HTTP error, a timeout, a refused input).'),
  errorRate: z.number().nullable().describe('errorCalls / all calls.'),
  byClass: z
    .array(shareRowSchema)
    .describe('Calls with an error class (output failures included), by class; share of all calls.'),
  byType: z.array(errorTypeRowSchema),
});
export type ErrorsSection = z.infer<typeof errorsSectionSchema>;

/** Failed calls, and the calls of each error class and type as a share of all calls. */
export function errorsSection(totals: CallTotalsRow, byClass: CountRow[], byType: ErrorTypeRow[]): ErrorsSection {
  return {
    errorCalls: totals.error,
    errorRate: ratio(totals.error, totals.calls),
    byClass: shareRows(byClass, totals.calls),
    byType: byType.map((row) => ({
      key: row.key,
      count: row.count,
      share: ratio(row.count, totals.calls),
      errorClass: row.errorClass ?? '',
    })),
  };
}
