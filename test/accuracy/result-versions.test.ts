import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getClassification, readResultVersions, storeResultVersion } from '../../src/db/classifications.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { insertDocument } from '../../src/db/queries.js';
import { transaction } from '../../src/db/transaction.js';
import type { DocumentResult } from '../../src/shared/result.js';
import { startTestDatabase, type TestDatabase } from '../helpers/database.js';

const MODEL: DocumentResult = {
  category: 'legal',
  confidence: 0.91,
  reasoning: 'a contract',
  decidedBy: 'model',
  model: 'gpt-4o-mini',
  promptVersion: 'classify-v2',
};
const HUMAN: DocumentResult = { ...MODEL, category: 'business', confidence: 1, decidedBy: 'human', reviewer: 'rita' };

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`result versions on ${kind}`, () => {
    let db: TestDatabase;
    let pool: Pool;
    let n = 0;
    before(async () => {
      db = await startTestDatabase(kind);
      pool = createPool(db.url);
    });
    after(async () => {
      await pool?.end();
      await db?.close();
    });

    async function documentId(): Promise<string> {
      const id = `versions-${++n}`;
      await insertDocument(pool, { id, contentHash: `hash-${id}`, text: 'text', metadata: {}, taxonomy: 'default' });
      return id;
    }
    const store = (id: string, result: DocumentResult, key: string) =>
      transaction(pool, (client) =>
        storeResultVersion(
          client,
          { documentId: id, taxonomy: 'default', workflowId: `classify-${id}`, runId: key, result },
          key,
        ),
      );

    it('stores a retried write once', async () => {
      const id = await documentId();
      assert.deepEqual(await store(id, MODEL, 'run-1'), { version: 1, current: true, inserted: true });
      assert.deepEqual(await store(id, MODEL, 'run-1'), { version: 1, current: true, inserted: false });
      assert.equal((await readResultVersions(pool, id)).length, 1);
    });

    it('numbers versions and keeps every one, the newest current', async () => {
      const id = await documentId();
      await store(id, MODEL, 'run-1');
      assert.deepEqual(await store(id, { ...MODEL, category: 'technical' }, 'run-2'), {
        version: 2,
        current: true,
        inserted: true,
      });
      const versions = await readResultVersions(pool, id);
      assert.deepEqual(
        versions.map((v) => [v.version, v.current, v.result.category]),
        [
          [1, false, 'legal'],
          [2, true, 'technical'],
        ],
      );
      assert.deepEqual(versions[0]?.result, MODEL);
      assert.equal((await getClassification(pool, id))?.version, 2);
    });

    it('never lets a model’s answer replace a person’s decision, and lets a person’s replace a model’s', async () => {
      const id = await documentId();
      await store(id, MODEL, 'run-1');
      assert.equal((await store(id, HUMAN, 'audit-1')).current, true);
      assert.deepEqual(await store(id, { ...MODEL, category: 'other' }, 'run-3'), {
        version: 3,
        current: false,
        inserted: true,
      });
      const current = await getClassification(pool, id);
      assert.deepEqual([current?.version, current?.result], [2, HUMAN]);
      assert.equal((await readResultVersions(pool, id)).find((v) => v.version === 3)?.result.category, 'other');
    });
  });
}
