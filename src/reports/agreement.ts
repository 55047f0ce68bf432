import type { Pool } from '../db/pool.js';

export interface AgreementRow {
  /** The group's value: a category the model suggested, a prompt version or a model. */
  key: string;
  /** Human decisions that had a model suggestion to compare with. */
  decided: number;
  /** Of those, how many chose the category the model suggested. */
  agreed: number;
  /** agreed / decided, or null when nothing was decided. */
  rate: number | null;
}

export interface AgreementReport {
  overall: AgreementRow;
  byCategory: AgreementRow[];
  byPromptVersion: AgreementRow[];
  byModel: AgreementRow[];
}

const GROUPS = { byCategory: 'suggested_category', byPromptVersion: 'prompt_version', byModel: 'model' } as const;

/**
 * How often people agree with the model's suggestion when they decide a review: overall, and by the category the
 * model suggested, by prompt version and by model. Only decisions that had a suggestion count.
 */
export async function agreementReport(pool: Pool, since?: Date): Promise<AgreementReport> {
  const where = `decided_by = 'human' AND suggested_category IS NOT NULL AND ($1::timestamptz IS NULL OR decided_at >= $1)`;
  const row = (r: { key: string; decided: number; agreed: number }): AgreementRow => ({
    key: r.key,
    decided: r.decided,
    agreed: r.agreed,
    rate: r.decided > 0 ? r.agreed / r.decided : null,
  });
  const query = (group: string) =>
    pool.query<{ key: string; decided: number; agreed: number }>(
      `SELECT ${group} AS key, count(*)::int AS decided, count(*) FILTER (WHERE category = suggested_category)::int AS agreed
       FROM classifications WHERE ${where} GROUP BY ${group} ORDER BY ${group}`,
      [since ?? null],
    );
  const [overall, ...groups] = await Promise.all([
    pool.query<{ key: string; decided: number; agreed: number }>(
      `SELECT 'all' AS key, count(*)::int AS decided, count(*) FILTER (WHERE category = suggested_category)::int AS agreed
       FROM classifications WHERE ${where}`,
      [since ?? null],
    ),
    ...Object.values(GROUPS).map(query),
  ]);
  const [byCategory, byPromptVersion, byModel] = groups.map((g) => g.rows.map(row));
  return {
    overall: row(overall.rows[0] ?? { key: 'all', decided: 0, agreed: 0 }),
    byCategory: byCategory ?? [],
    byPromptVersion: byPromptVersion ?? [],
    byModel: byModel ?? [],
  };
}
