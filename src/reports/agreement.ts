import { z } from 'zod';
import type { Pool } from '../db/pool.js';

export const agreementRowSchema = z.object({
  key: z.string().describe("The group's value: a category the model suggested, a prompt version or a model."),
  decided: z.number().describe('Human decisions that had a model suggestion to compare with.'),
  agreed: z.number().describe('Of those, how many chose the category the model suggested.'),
  rate: z.number().nullable().describe('agreed / decided, or null when nothing was decided.'),
});
export type AgreementRow = z.infer<typeof agreementRowSchema>;

/** The JSON of GET /v1/reports/agreement, and the agreement part of the report. */
export const agreementReportSchema = z.object({
  overall: agreementRowSchema,
  byCategory: z.array(agreementRowSchema),
  byPromptVersion: z.array(agreementRowSchema),
  byModel: z.array(agreementRowSchema),
});
export type AgreementReport = z.infer<typeof agreementReportSchema>;

type AgreementCounts = Omit<AgreementRow, 'rate'>;

/** One group's counts with their agreement rate. */
export function agreementRow(counts: AgreementCounts): AgreementRow {
  return { key: counts.key, decided: counts.decided, agreed: counts.agreed, rate: ratioOf(counts) };
}
const ratioOf = ({ decided, agreed }: AgreementCounts) => (decided > 0 ? agreed / decided : null);

const GROUPS = { byCategory: 'suggested_category', byPromptVersion: 'prompt_version', byModel: 'model' } as const;
const DECIDED = `decided_by = 'human' AND suggested_category IS NOT NULL AND ($1::timestamptz IS NULL OR decided_at >= $1)`;
const COUNTS = `count(*)::int AS decided, count(*) FILTER (WHERE category = suggested_category)::int AS agreed`;

/**
 * How often people agree with the model's suggestion when they decide a review: overall, and by the category the
 * model suggested, by prompt version and by model. Only decisions that had a suggestion count.
 */
export async function agreementReport(pool: Pool, since?: Date): Promise<AgreementReport> {
  const query = async (sql: string) => (await pool.query<AgreementCounts>(sql, [since ?? null])).rows.map(agreementRow);
  const byGroup = (group: string) =>
    query(
      `SELECT ${group} AS key, ${COUNTS} FROM classifications WHERE ${DECIDED} GROUP BY ${group} ORDER BY ${group}`,
    );
  const [overall, byCategory, byPromptVersion, byModel] = await Promise.all([
    query(`SELECT 'all' AS key, ${COUNTS} FROM classifications WHERE ${DECIDED}`),
    byGroup(GROUPS.byCategory),
    byGroup(GROUPS.byPromptVersion),
    byGroup(GROUPS.byModel),
  ]);
  return {
    overall: overall[0] ?? agreementRow({ key: 'all', decided: 0, agreed: 0 }),
    byCategory,
    byPromptVersion,
    byModel,
  };
}
