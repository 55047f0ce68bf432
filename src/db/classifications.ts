import type pg from 'pg';
import { z } from 'zod';
import { documentResultSchema, type DocumentResult } from '../shared/result.js';
import type { Queryable } from './transaction.js';

/** One row of `classifications`: a document's stored result, with the run that decided it and when. */
export interface ClassificationRecord {
  documentId: string;
  /** The taxonomy's name. */
  taxonomy: string;
  workflowId: string;
  runId: string;
  result: DocumentResult;
  decidedAt: Date;
  /** Which version of the document's result this is (classification_versions keeps every one). */
  version: number;
}

export type NewClassification = Omit<ClassificationRecord, 'decidedAt' | 'version'>;

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

/** Every column of a record's row with its value; undefined where the result lacks one. */
function recordCells(record: NewClassification): [column: string, value: unknown][] {
  return [
    ...RECORD_FIELDS.map((field): [string, unknown] => [snakeCase(field), record[field]]),
    ...RESULT_COLUMNS.map(({ name, path }): [string, unknown] => [name, valueAt(record.result, path)]),
  ];
}

/**
 * Writes a document's current result, as version `version`; replaying the same write (a retried activity) changes
 * nothing. A new version also moves `decided_at` to now.
 */
export async function upsertClassification(db: Queryable, record: NewClassification, version = 1): Promise<void> {
  const cells: [column: string, value: unknown][] = [...recordCells(record), ['version', version]];
  const params: unknown[] = [];
  // A value the result lacks writes the column's default (NULL; false for `unreviewed`), so that a rewrite also
  // clears what an earlier write set.
  const values = cells.map(([, value]) => (value === undefined ? 'DEFAULT' : `$${params.push(value)}`));
  const columns = cells.map(([column]) => column);
  const updates = columns
    .filter((column) => column !== 'document_id')
    .map((column) => `${column} = EXCLUDED.${column}`);
  const decidedAt = `decided_at = CASE WHEN classifications.version = EXCLUDED.version THEN classifications.decided_at
    ELSE now() END`;
  await db.query(
    `INSERT INTO classifications (${columns.join(', ')}) VALUES (${values.join(', ')})
     ON CONFLICT (document_id) DO UPDATE SET ${[...updates, decidedAt].join(', ')}`,
    params,
  );
}

/** How a version of a result was stored. */
export interface StoredVersion {
  version: number;
  /** It is the document's current result (a model's answer never replaces a person's decision). */
  current: boolean;
  /** False when the same write was stored before (a retried activity): nothing changed. */
  inserted: boolean;
}

/**
 * Stores a new version of a document's result inside the caller's transaction, once per `versionKey`, and makes it
 * the current one unless it is a model's answer and the current one is a person's: then it is kept beside it, never
 * replacing it. Earlier versions stay in classification_versions.
 */
export async function storeResultVersion(
  client: pg.PoolClient,
  record: NewClassification,
  versionKey: string,
): Promise<StoredVersion> {
  // Serialises the versions of one document.
  await client.query('SELECT 1 FROM documents WHERE id = $1 FOR UPDATE', [record.documentId]);
  const { rows: current } = await client.query<{ version: number; decided_by: string }>(
    'SELECT version, decided_by FROM classifications WHERE document_id = $1',
    [record.documentId],
  );
  const { rows: known } = await client.query<{ version: number }>(
    'SELECT version FROM classification_versions WHERE document_id = $1 AND version_key = $2',
    [record.documentId, versionKey],
  );
  if (known[0])
    return { version: known[0].version, current: current[0]?.version === known[0].version, inserted: false };
  const version = Math.max(await lastVersion(client, record.documentId), current[0]?.version ?? 0) + 1;
  const isCurrent = !(current[0]?.decided_by === 'human' && record.result.decidedBy === 'model');
  const stored = Object.fromEntries([...recordCells(record), ['version', version]].map(([c, v]) => [c, v ?? null]));
  await client.query(
    `INSERT INTO classification_versions (document_id, version, version_key, decided_by, category, workflow_id, run_id,
       stored) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      record.documentId,
      version,
      versionKey,
      record.result.decidedBy,
      record.result.category,
      record.workflowId,
      record.runId,
      JSON.stringify(stored),
    ],
  );
  if (isCurrent) await upsertClassification(client, record, version);
  return { version, current: isCurrent, inserted: true };
}

/** The highest version the document's results reached, 0 when none. */
export async function lastVersion(db: Queryable, documentId: string): Promise<number> {
  const { rows } = await db.query<{ last: number }>(
    'SELECT coalesce(max(version), 0)::int AS last FROM classification_versions WHERE document_id = $1',
    [documentId],
  );
  return rows[0]?.last ?? 0;
}

/** One stored version of a document's result. */
export interface ResultVersion {
  version: number;
  current: boolean;
  /** The workflow that produced it, or the audit that corrected it (`audit-<id>`). */
  versionKey: string;
  decidedAt: Date;
  result: DocumentResult;
}

/** Every version of a document's result, oldest first; empty when it has none. */
export async function readResultVersions(db: Queryable, documentId: string): Promise<ResultVersion[]> {
  const { rows } = await db.query<{
    version: number;
    current: boolean;
    version_key: string;
    decided_at: Date;
    stored: Record<string, unknown>;
  }>(
    `SELECT v.version, v.version = c.version AS current, v.version_key, v.decided_at, v.stored
     FROM classification_versions v LEFT JOIN classifications c ON c.document_id = v.document_id
     WHERE v.document_id = $1 ORDER BY v.version`,
    [documentId],
  );
  return rows.map((r) => ({
    version: r.version,
    current: r.current === true,
    versionKey: r.version_key,
    decidedAt: r.decided_at,
    result: resultOfRow(r.stored),
  }));
}

/** A document's stored result, or undefined while it has none. */
export async function getClassification(
  pool: Queryable,
  documentId: string,
): Promise<ClassificationRecord | undefined> {
  const recordFields = [...RECORD_FIELDS, 'decidedAt', 'version'];
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
