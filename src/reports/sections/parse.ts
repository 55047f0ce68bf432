import { z } from 'zod';
import type { CallTotalsRow } from '../rows.js';
import { ratio } from './shares.js';

export const parseSectionSchema = z.object({
  answered: z.number().describe('Calls answered with HTTP 200.'),
  failed: z.number().describe('Of those, calls whose output failed validation (parse_ok = false).'),
  rate: z.number().nullable(),
});
export type ParseSection = z.infer<typeof parseSectionSchema>;

/** The share of answered calls whose output failed validation. */
export function parseSection(totals: CallTotalsRow): ParseSection {
  return { answered: totals.answered, failed: totals.parseFailed, rate: ratio(totals.parseFailed, totals.answered) };
}
