import { z } from 'zod';
import type { CostGroupRow, ReportRows, ReportWindow } from '../rows.js';
import { REPORT_WARNING, reportWarningSchema, type ReportWarning } from '../warnings.js';

/** Days with no calls are filled in (as zero) only when the window spans at most this many days. */
const MAX_FILLED_DAYS = 366;
const DAY_MS = 86_400_000;

export const costRowSchema = z.object({
  key: z.string().describe("The group's value: a model, a prompt version, a taxonomy or a UTC date (`YYYY-MM-DD`)."),
  calls: z.number(),
  pricedCalls: z.number(),
  unpricedCalls: z
    .number()
    .describe('Calls with no price (a model missing from the price table): their cost is unknown, not zero.'),
  costUsd: z
    .number()
    .nullable()
    .describe("Dollars of the priced calls; null when none of the group's calls is priced."),
  inputTokens: z.number(),
  cachedTokens: z.number(),
  outputTokens: z.number(),
});
export type CostRow = z.infer<typeof costRowSchema>;

export const costSectionSchema = z.object({
  totalUsd: z.number().describe('Dollars of the priced calls in the window.'),
  calls: z.number(),
  pricedCalls: z.number(),
  unpricedCalls: z.number(),
  unpricedModels: z.array(z.string()).describe('Models that have unpriced calls.'),
  byModel: z.array(costRowSchema),
  byPromptVersion: z.array(costRowSchema),
  byTaxonomy: z.array(costRowSchema),
  byDay: z
    .array(costRowSchema)
    .describe('One row per UTC day, oldest first; days without calls inside the window are included as zero.'),
  warnings: z.array(reportWarningSchema),
});
export type CostSection = z.infer<typeof costSectionSchema>;

/** The days a cost-per-day chart spans: the window, and the report's clock for an open end. */
export interface DayRange extends ReportWindow {
  now: Date;
}

export type CostRows = Pick<
  ReportRows,
  'totals' | 'costByModel' | 'costByPromptVersion' | 'costByTaxonomy' | 'costByDay' | 'unpricedModels'
>;

/** Cost and tokens in total and by model, prompt version, taxonomy and day; unpriced calls counted apart. */
export function costSection(rows: CostRows, days: DayRange): CostSection {
  const { calls, pricedCalls, costUsd } = rows.totals;
  const unpricedCalls = calls - pricedCalls;
  return {
    totalUsd: costUsd,
    calls,
    pricedCalls,
    unpricedCalls,
    unpricedModels: rows.unpricedModels,
    byModel: rows.costByModel.map(costRow),
    byPromptVersion: rows.costByPromptVersion.map(costRow),
    byTaxonomy: rows.costByTaxonomy.map(costRow),
    byDay: fillDays(rows.costByDay.map(costRow), days),
    warnings: unpricedCalls > 0 ? [unpricedWarning(unpricedCalls, calls, rows.unpricedModels)] : [],
  };
}

/** One group's row, with its unpriced calls counted. */
export function costRow(group: CostGroupRow): CostRow {
  return {
    key: group.key,
    calls: group.calls,
    pricedCalls: group.pricedCalls,
    unpricedCalls: group.calls - group.pricedCalls,
    costUsd: group.costUsd,
    inputTokens: group.inputTokens,
    cachedTokens: group.cachedTokens,
    outputTokens: group.outputTokens,
  };
}

function unpricedWarning(unpricedCalls: number, calls: number, models: string[]): ReportWarning {
  return {
    code: REPORT_WARNING.unpricedCalls,
    message:
      `${unpricedCalls} of ${calls} calls have no price (${models.join(', ')} not in the price table): ` +
      `their cost is unknown and not included in the totals`,
  };
}

const utcDay = (d: Date) => d.toISOString().slice(0, 10);

const emptyDay = (key: string): CostRow => ({
  key,
  calls: 0,
  pricedCalls: 0,
  unpricedCalls: 0,
  costUsd: 0,
  inputTokens: 0,
  cachedTokens: 0,
  outputTokens: 0,
});

/**
 * Adds zero rows for the days of the window that had no calls, so a chart of cost per day shows the gaps. The
 * window runs from `since` (else the first day with calls) to `until` (else today, or the last day with calls
 * when the window is unbounded). A window longer than a year is left as it is.
 */
export function fillDays(rows: CostRow[], { since, until, now }: DayRange): CostRow[] {
  const first = rows[0]?.key;
  const last = rows[rows.length - 1]?.key;
  const start = since ? utcDay(since) : first;
  let end = until ? utcDay(new Date(until.getTime() - 1)) : since ? utcDay(now) : last;
  if (!start || !end) return rows;
  if (last && last > end) end = last;
  const startMs = Date.parse(`${first && first < start ? first : start}T00:00:00Z`);
  const endMs = Date.parse(`${end}T00:00:00Z`);
  if (!(endMs >= startMs) || (endMs - startMs) / DAY_MS + 1 > MAX_FILLED_DAYS) return rows;
  const byKey = new Map(rows.map((row) => [row.key, row]));
  const filled: CostRow[] = [];
  for (let ms = startMs; ms <= endMs; ms += DAY_MS) {
    const key = utcDay(new Date(ms));
    filled.push(byKey.get(key) ?? emptyDay(key));
  }
  return filled;
}
