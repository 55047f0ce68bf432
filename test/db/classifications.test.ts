import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getClassification, upsertClassification, type NewClassification } from '../../src/db/classifications.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { insertDocument } from '../../src/db/queries.js';
import { documentResultSchema, type DocumentResult } from '../../src/shared/result.js';
import { startTestDatabase, type TestDatabase } from '../helpers/database.js';

/** A result with every field of the schema set. */
const EVERY_FIELD: Required<DocumentResult> = {
  category: 'legal',
  confidence: 1,
  reasoning: 'human review: a contract',
  decidedBy: 'human',
  reviewer: 'rita',
  note: 'a contract',
  unreviewed: true,
  model: 'gpt-4o-mini',
  promptVersion: 'classify-v2',
  suspiciousInstructions: ['ignore_instructions', 'role_play'],
  reviewReason: 'low_confidence',
  suggestion: { category: 'business', confidence: 0.31 },
  promptHash: 'sha256:abc',
  variant: 'candidate',
  longDocument: { strategy: 'chunk-vote', chunks: 3, documentChunks: 4, votes: ['legal', 'business', 'legal'] },
};

/** A result with only the fields every result has. */
const REQUIRED_ONLY: DocumentResult = {
  category: 'technical',
  confidence: 0.92,
  reasoning: 'mentions an API',
  decidedBy: 'model',
  model: 'gpt-4o',
  promptVersion: 'classify-v1',
};

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`stored results on ${kind}`, () => {
    let db: TestDatabase;
    let pool: Pool;
    let documents = 0;

    before(async () => {
      db = await startTestDatabase(kind);
      pool = createPool(db.url);
    });
    after(async () => {
      await pool?.end();
      await db?.close();
    });

    async function store(result: DocumentResult, documentId?: string): Promise<NewClassification> {
      const id = documentId ?? `doc-${++documents}`;
      if (!documentId) {
        const doc = { id, contentHash: `hash-${id}`, text: 'text', metadata: {}, taxonomy: 'default' };
        await insertDocument(pool, doc);
      }
      const record = { documentId: id, taxonomy: 'default', workflowId: `classify-${id}`, runId: 'run-1', result };
      await upsertClassification(pool, record);
      return record;
    }

    async function row(documentId: string): Promise<Record<string, unknown>> {
      const { rows } = await pool.query('SELECT * FROM classifications WHERE document_id = $1', [documentId]);
      assert.ok(rows[0], `a row for ${documentId}`);
      return rows[0] as Record<string, unknown>;
    }

    it('reads back every field of the result as it was written', async () => {
      assert.deepEqual(Object.keys(EVERY_FIELD).sort(), Object.keys(documentResultSchema.shape).sort());
      const record = await store(EVERY_FIELD);
      const stored = await getClassification(pool, record.documentId);
      assert.ok(stored);
      assert.deepEqual(stored.result, EVERY_FIELD);
      assert.deepEqual(
        {
          documentId: stored.documentId,
          taxonomy: stored.taxonomy,
          workflowId: stored.workflowId,
          runId: stored.runId,
        },
        { documentId: record.documentId, taxonomy: 'default', workflowId: record.workflowId, runId: 'run-1' },
      );
      assert.ok(stored.decidedAt instanceof Date);
    });

    it('keeps the columns that reports and older readers know by name', async () => {
      const record = await store(EVERY_FIELD);
      const stored = await row(record.documentId);
      assert.equal(stored.review_note, 'a contract');
      assert.equal(stored.suggested_category, 'business');
      assert.equal(stored.suggested_confidence, 0.31);
      assert.equal(stored.decided_by, 'human');
      assert.equal(stored.review_reason, 'low_confidence');
      assert.equal(stored.prompt_version, 'classify-v2');
      assert.deepEqual(stored.suspicious_instructions, ['ignore_instructions', 'role_play']);
    });

    it('leaves out the optional fields a result does not have, and stores their columns empty', async () => {
      const record = await store(REQUIRED_ONLY);
      assert.deepEqual((await getClassification(pool, record.documentId))?.result, REQUIRED_ONLY);
      const stored = await row(record.documentId);
      assert.equal(stored.unreviewed, false);
      assert.equal(stored.reviewer, null);
      assert.equal(stored.suggested_category, null);
      assert.equal(stored.suspicious_instructions, null);
    });

    it('reads an empty note as no note', async () => {
      const record = await store({ ...EVERY_FIELD, note: '' });
      assert.equal('note' in (await getClassification(pool, record.documentId))!.result, false);
    });

    it('replaces the whole result on a rewrite, clearing what the new one lacks, and keeps when it was decided', async () => {
      const first = await store(EVERY_FIELD);
      const decidedAt = (await getClassification(pool, first.documentId))!.decidedAt;
      await store(REQUIRED_ONLY, first.documentId);
      const stored = await getClassification(pool, first.documentId);
      assert.deepEqual(stored?.result, REQUIRED_ONLY);
      assert.deepEqual(stored?.decidedAt, decidedAt);
    });

    it('changes nothing when the same write is replayed', async () => {
      const record = await store(EVERY_FIELD);
      const before = await row(record.documentId);
      await upsertClassification(pool, record);
      assert.deepEqual(await row(record.documentId), before);
    });

    it('answers undefined for a document without a result', async () => {
      assert.equal(await getClassification(pool, 'doc-none'), undefined);
    });
  });
}
