import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type OpenAI from 'openai';
import { BadRequestError, NotFoundError, toFile } from 'openai';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { BATCH_TEST_PROFILE, clientFor, documentLines, failure, uploadLines } from './batch-helpers.js';

describe('simulator Files API', () => {
  let sim: Simulator;
  let client: OpenAI;

  before(async () => {
    sim = await startSimulator({ profile: BATCH_TEST_PROFILE });
    client = clientFor(sim);
  });
  after(() => sim.close());
  beforeEach(() => {
    sim.reset();
    sim.setProfile(BATCH_TEST_PROFILE);
  });

  it('uploads a JSONL file for the Batch API and returns OpenAI file object', async () => {
    const before = Math.floor(Date.now() / 1000);
    const file = await uploadLines(client, documentLines(3));
    assert.match(file.id, /^file-[A-Za-z0-9]{22}$/);
    assert.deepEqual(
      [file.object, file.purpose, file.filename, file.status, file.status_details],
      ['file', 'batch', 'input.jsonl', 'processed', null],
    );
    assert.ok(file.created_at >= before && file.created_at <= before + 2);
    assert.equal(file.expires_at, file.created_at + 30 * 24 * 3600, 'batch files expire after 30 days');
    const expected = `${documentLines(3)
      .map((line) => JSON.stringify(line))
      .join('\n')}\n`;
    assert.equal(file.bytes, Buffer.byteLength(expected));
    assert.deepEqual(await client.files.retrieve(file.id), file);
    assert.equal(await (await client.files.content(file.id)).text(), expected);
  });

  it('lists files newest first, by purpose, in pages', async () => {
    const first = await uploadLines(client, documentLines(1));
    const notes = await client.files.create({
      file: await toFile(Buffer.from('notes'), 'notes.txt'),
      purpose: 'user_data',
    });
    const third = await uploadLines(client, documentLines(2));

    const all = [];
    for await (const file of client.files.list()) all.push(file.id);
    assert.deepEqual(all, [third.id, notes.id, first.id]);

    const batchFiles = [];
    for await (const file of client.files.list({ purpose: 'batch', order: 'asc' })) batchFiles.push(file.id);
    assert.deepEqual(batchFiles, [first.id, third.id]);

    const page = await client.files.list({ limit: 2 });
    assert.deepEqual(
      page.data.map((f) => f.id),
      [third.id, notes.id],
    );
    assert.equal(page.has_more, true);
    const next = await client.files.list({ limit: 2, after: notes.id });
    assert.deepEqual(
      next.data.map((f) => f.id),
      [first.id],
    );
    assert.equal(next.has_more, false);
  });

  it('deletes a file, after which it is not found', async () => {
    const file = await uploadLines(client, documentLines(1));
    assert.deepEqual(await client.files.delete(file.id), { id: file.id, object: 'file', deleted: true });
    const retrieved = await failure(client.files.retrieve(file.id));
    assert.ok(retrieved instanceof NotFoundError);
    assert.equal(retrieved.message, `404 No such File object: ${file.id}`);
    assert.ok((await failure(client.files.content(file.id))) instanceof NotFoundError);
    assert.ok((await failure(client.files.delete(file.id))) instanceof NotFoundError);
  });

  it('refuses a Batch API upload that is not named .jsonl, as OpenAI does', async () => {
    const error = await failure(
      client.files.create({ file: await toFile(Buffer.from('{}\n'), 'requests.txt'), purpose: 'batch' }),
    );
    assert.ok(error instanceof BadRequestError);
    assert.equal(error.message, '400 Invalid file format for Batch API. Must be .jsonl');
  });

  it('refuses a Batch API upload over the per-file byte limit', async () => {
    sim.setProfile({ batchLimits: { maxBytesPerFile: 100 } });
    await uploadLines(client, ['x'.repeat(99)]);
    const error = await failure(uploadLines(client, ['x'.repeat(100)]));
    assert.ok(error instanceof BadRequestError);
    assert.deepEqual([error.param, error.code], ['file', 'file_too_large']);
    assert.match(error.message, /101 bytes, more than the limit of 100 bytes per file/);
  });

  it('says which parameter is missing or wrong', async () => {
    const noPurpose = await failure(
      client.files.create({ file: await toFile(Buffer.from('{}'), 'a.jsonl') } as Parameters<
        typeof client.files.create
      >[0]),
    );
    assert.ok(noPurpose instanceof BadRequestError);
    assert.deepEqual([noPurpose.param, noPurpose.code], ['purpose', 'missing_required_parameter']);

    const badPurpose = await failure(
      client.files.create({ file: await toFile(Buffer.from('{}'), 'a.jsonl'), purpose: 'batch_output' as 'batch' }),
    );
    assert.ok(badPurpose instanceof BadRequestError);
    assert.deepEqual([badPurpose.param, badPurpose.code], ['purpose', 'invalid_value']);

    const badLimit = await failure(client.files.list({ limit: 0 }));
    assert.ok(badLimit instanceof BadRequestError);
    assert.deepEqual([badLimit.param, badLimit.code], ['limit', 'integer_below_min_value']);
  });

  it('records every Files request, refused ones too', async () => {
    const file = await uploadLines(client, documentLines(1));
    await client.files.retrieve(file.id);
    await (await client.files.content(file.id)).text();
    await client.files.list();
    await client.files.delete(file.id);
    assert.equal((await fetch(`${sim.baseUrl}/files`)).status, 401);
    assert.deepEqual(
      sim.batchApiRequests.map((r) => [r.operation, r.status, r.fileId]),
      [
        ['files.create', 200, file.id],
        ['files.retrieve', 200, file.id],
        ['files.content', 200, file.id],
        ['files.list', 200, undefined],
        ['files.delete', 200, file.id],
        ['files.list', 401, undefined],
      ],
    );
    assert.equal(sim.requests.length, 0, 'Files requests are not chat completions');
  });
});
