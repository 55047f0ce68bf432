import { z } from 'zod';
import { documentResultSchema, type DocumentResult } from '../shared/result.js';
import type { Pool } from './pool.js';

/** One row of `classifications`: a document's stored result, with the run that decided it and when. */
export interface ClassificationRecord {
  documentId: string;
  /** The taxonomy's name. */
  taxonomy: string;
  workflowId: string;
  runId: string;
  result: DocumentResult;
  decidedAt: Date;
}

export type NewClassification = Omit<ClassificationRecord, 'decidedAt'>;

/** Where one value of the result is stored. */
interface ResultColumn {
  name: string;
  /** The field, and the field inside it when it holds an object (`suggestion.category`). */
  path: [field: string, inner?: string];
  /** The field may be absent: a column holding nothing reads as absent. */
  optional: boolean;
}

/**
 * The columns named otherwise than their field in snake_case, by path. They are older than the rule, and renaming a
 * column is a migration for nothing.
 */
const COLUMN_NAME_BY_PATH: Readonly<Record<string, string>> = {
  note: 'review_note',
  'suggestion.category': 'suggested_category',
  'suggestion.confidence': 'suggested_confidence',
};

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/**
 * One column per value of the stored result, derived from its schema: every field in the column of its snake_case
 * name, a field holding an object in one column per field inside it. Insert, upsert and select all use it, so a new
 * field of the result needs only its migration here.
 */
const RESULT_COLUMNS: readonly ResultColumn[] = Object.entries(documentResultSchema.shape).flatMap(
  ([field, schema]: [string, z.ZodType]) => {
    const optional = schema instanceof z.ZodOptional;
    const value = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
    const inners = value instanceof z.ZodObject ? Object.keys(value.shape) : [undefined];
    return inners.map((inner): ResultColumn => {
      const path = inner === undefined ? field : `${field}.${inner}`;
      const name = COLUMN_NAME_BY_PATH[path] ?? snakeCase(path.replace('.', '_'));
      return { name, path: [field, inner], optional };
    });
  },
);

/** The row's fields beside the result, each in the column of its snake_case name. */
const RECORD_FIELDS = ['documentId', 'taxonomy', 'workflowId', 'runId'] as const satisfies (keyof NewClassification)[];

/** Writes a document's result; replaying the same write (a retried activity) changes nothing. */
export async function upsertClassification(pool: Pool, record: NewClassification): Promise<void> {
  const cells: [column: string, value: unknown][] = [
    ...RECORD_FIELDS.map((field): [string, unknown] => [snakeCase(field), record[field]]),
    ...RESULT_COLUMNS.map(({ name, path }): [string, unknown] => [name, valueAt(record.result, path)]),
  ];
  const params: unknown[] = [];
  // A value the result lacks writes the column's default (NULL; false for `unreviewed`), so that a rewrite also
  // clears what an earlier write set.
  const values = cells.map(([, value]) => (value === undefined ? 'DEFAULT' : `$${params.push(value)}`));
  const columns = cells.map(([column]) => column);
  const updates = columns
    .filter((column) => column !== 'document_id')
    .map((column) => `${column} = EXCLUDED.${column}`);
  await pool.query(
    `INSERT INTO classifications (${columns.join(', ')}) VALUES (${values.join(', ')})
     ON CONFLICT (document_id) DO UPDATE SET ${updates.join(', ')}`,
    params,
  );
}

/** A document's stored result, or undefined while it has none. */
export async function getClassification(pool: Pool, documentId: string): Promise<ClassificationRecord | undefined> {
  const recordFields = [...RECORD_FIELDS, 'decidedAt'];
  const columns = [...recordFields.map(snakeCase), ...RESULT_COLUMNS.map((column) => column.name)];
  const { rows } = await pool.query(`SELECT ${columns.join(', ')} FROM classifications WHERE document_id = $1`, [
    documentId,
  ]);
  const row = rows[0] as Record<string, unknown> | undefined;
  if (!row) return undefined;
  const record = Object.fromEntries(recordFields.map((field) => [field, row[snakeCase(field)]]));
  return { ...record, result: resultOfRow(row) } as ClassificationRecord;
}

function valueAt(result: DocumentResult, [field, inner]: ResultColumn['path']): unknown {
  const value = (result as Record<string, unknown>)[field];
  return inner === undefined ? value : (value as Record<string, unknown> | undefined)?.[inner];
}

/**
 * The result a row holds. An optional field whose column holds nothing is left out: NULL, the `false` that
 * `unreviewed` defaults to, or an empty string or list (an empty note is no note).
 */
function resultOfRow(row: Record<string, unknown>): DocumentResult {
  const result: Record<string, unknown> = {};
  for (const { name, path, optional } of RESULT_COLUMNS) {
    const value = row[name];
    if (optional && isEmpty(value)) continue;
    const [field, inner] = path;
    result[field] = inner === undefined ? value : { ...(result[field] as object | undefined), [inner]: value };
  }
  return result as DocumentResult;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === false || value === '' || (Array.isArray(value) && value.length === 0);
}
