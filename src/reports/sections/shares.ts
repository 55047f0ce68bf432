import { z } from 'zod';
import type { CountRow } from '../rows.js';

/** n / d, or null when there was nothing to divide. */
export const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);

export const shareRowSchema = z.object({
  key: z.string(),
  count: z.number(),
  share: z.number().nullable().describe("count / the section's total, or null when the total is zero"),
});
export type ShareRow = z.infer<typeof shareRowSchema>;

/** Each group's count as a share of `total` (by default the sum of the counts). */
export function shareRows(rows: CountRow[], total = rows.reduce((sum, row) => sum + row.count, 0)): ShareRow[] {
  return rows.map((row) => ({ key: row.key, count: row.count, share: ratio(row.count, total) }));
}
