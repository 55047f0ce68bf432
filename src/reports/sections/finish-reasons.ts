import { z } from 'zod';
import type { CountRow } from '../rows.js';
import { REPORT_WARNING, reportWarningSchema, type ReportWarning } from '../warnings.js';
import { ratio, shareRowSchema, shareRows } from './shares.js';

/** A share of `finish_reason: "length"` above this means output is being cut off. */
export const LENGTH_SHARE_LIMIT = 0.05;

export const finishReasonsSectionSchema = z.object({
  total: z.number().describe('Calls that returned a finish_reason.'),
  rows: z.array(shareRowSchema),
  lengthShare: z.number().nullable().describe('The share of `length`, or null when no call returned a finish_reason.'),
  warnings: z.array(reportWarningSchema),
});
export type FinishReasonsSection = z.infer<typeof finishReasonsSectionSchema>;

/** The finish reasons of the answers, with a warning when too many stopped at the token limit. */
export function finishReasonsSection(rows: CountRow[]): FinishReasonsSection {
  const total = rows.reduce((sum, row) => sum + row.count, 0);
  const lengthCount = rows.find((row) => row.key === 'length')?.count ?? 0;
  const lengthShare = ratio(lengthCount, total);
  return {
    total,
    rows: shareRows(rows, total),
    lengthShare,
    warnings:
      lengthShare !== null && lengthShare > LENGTH_SHARE_LIMIT ? [lengthWarning(lengthShare, lengthCount, total)] : [],
  };
}

function lengthWarning(share: number, count: number, total: number): ReportWarning {
  return {
    code: REPORT_WARNING.finishReasonLength,
    message:
      `${(share * 100).toFixed(1)}% of answers stopped at the token limit (finish_reason "length", ` +
      `${count} of ${total}): raise max_tokens or shorten the requested reasoning`,
  };
}
