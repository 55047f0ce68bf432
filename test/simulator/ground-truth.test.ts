import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import type OpenAI from 'openai';
import { delimitDocument } from '../../src/llm/prompt.js';
import {
  DEFAULT_GROUND_TRUTH,
  decideTruth,
  startSimulator,
  type Simulator,
  type TruthRecord,
} from '../../src/simulator/index.js';
import {
  BATCH_TEST_PROFILE,
  chatBody,
  clientFor,
  completionOf,
  createJob,
  readLines,
  requestLine,
  waitForJob,
} from './batch-helpers.js';

const CATEGORIES = ['technical', 'business', 'legal', 'marketing', 'other'];
const TOPICS = ['the server api crashed', 'quarterly revenue grew', 'the contract clause', 'our brand campaign'];
/** Document `i`: a topic the keyword classifier recognises, and a number that makes each text its own. */
const documentTextOf = (i: number) => `document ${i}: ${TOPICS[i % TOPICS.length] ?? ''}`;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

interface Answer {
  category: string;
  confidence: number;
}

async function classify(client: OpenAI, text: string, extra: Record<string, unknown> = {}): Promise<Answer> {
  const completion = await client.chat.completions.create(
    chatBody(text, extra) as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
  );
  return answerOf(completion.choices[0]?.message.content);
}

/** The category and confidence of an answer's JSON. */
function answerOf(content: string | null | undefined): Answer {
  const { category, confidence } = JSON.parse(content ?? '') as Answer;
  return { category, confidence };
}

async function control(sim: Simulator, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sim.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('the simulator in ground truth mode', () => {
  let sim: Simulator;
  let client: OpenAI;

  before(async () => {
    sim = await startSimulator({ profile: { ...BATCH_TEST_PROFILE, groundTruth: {} } });
    client = clientFor(sim);
  });
  after(() => sim.close());
  beforeEach(() => sim.reset());

  it('answers each document as its truth record says, and lists the record by the hash of its text', async () => {
    const text = 'the contract clause on liability [truth:legal]';
    const answer = await classify(client, text);
    const [record] = sim.truth({ textHash: sha256(text) });
    assert.ok(record);
    assert.deepEqual(
      { truth: record.truth, truthSource: record.truthSource, model: record.model, answers: record.answers },
      { truth: 'legal', truthSource: 'marker', model: 'gpt-4o-mini', answers: 1 },
    );
    assert.deepEqual(answer, { category: record.answer, confidence: record.confidence });
    assert.equal(record.correct, record.answer === 'legal');

    const listed = (await (await control(sim, 'GET', `/_sim/truth?text-hash=${sha256(text)}`)).json()) as TruthRecord[];
    assert.deepEqual(listed, [record]);
  });

  it("takes the keyword classifier's category as the truth of a text without a marker", async () => {
    await classify(client, 'Quarterly revenue and profit grew.');
    const [record] = sim.truth();
    assert.deepEqual([record?.truth, record?.truthSource], ['business', 'keywords']);
  });

  it('gives a document the same answer in a repair conversation, in a delimited prompt and on another call', async () => {
    const text = documentTextOf(7);
    const first = await classify(client, text);
    const again = await classify(client, text);
    const delimited = await classify(client, delimitDocument(text));
    const repair = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: `Classify. Categories: ${CATEGORIES.join(', ')}` },
        { role: 'user', content: text },
        { role: 'assistant', content: 'not json' },
        { role: 'user', content: 'Your answer was rejected by validation: answer with JSON.' },
      ],
    });
    const repaired = answerOf(repair.choices[0]?.message.content);
    assert.deepEqual([again, delimited, repaired], [first, first, first]);
    assert.equal(sim.truth({ textHash: sha256(text) })[0]?.answers, 4);
  });

  it('answers Batch API lines exactly as realtime calls, and records them the same way', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => documentTextOf(i));
    const realtime: Answer[] = [];
    for (const text of texts) realtime.push(await classify(client, text));
    const job = await createJob(
      client,
      texts.map((text, i) => requestLine(`doc-${i}`, chatBody(text))),
    );
    const { batch } = await waitForJob(client, job.id);
    const lines = await readLines(client, batch.output_file_id);
    const byId = new Map(
      lines.map((line) => [line.custom_id, answerOf(completionOf(line).choices[0]?.message.content)]),
    );
    texts.forEach((_, i) => assert.deepEqual(byId.get(`doc-${i}`), realtime[i]));
    assert.ok(sim.truth().every((record) => record.answers === 2));
  });

  it('answers what decideTruth says for every document, and wrong ones among them', async () => {
    const texts = Array.from({ length: 200 }, (_, i) => documentTextOf(i));
    for (const text of texts) await classify(client, text);
    const records = sim.truth();
    assert.equal(records.length, texts.length);
    texts.forEach((text, i) => {
      const { answers, ...record } = records[i] as TruthRecord;
      assert.equal(answers, 1);
      assert.deepEqual(record, decideTruth(text, CATEGORIES, 'gpt-4o-mini', DEFAULT_GROUND_TRUTH, 1));
    });
    const wrong = records.filter((r) => !r.correct);
    assert.ok(wrong.length > 0 && wrong.every((r) => r.answer !== r.truth && CATEGORIES.includes(r.answer)));
    assert.ok(records.some((r) => r.confidentlyWrong && r.confidence >= 0.9));
  });

  it('applies an output fault over the ground truth answer', async () => {
    sim.addRule({ match: 'document 3:', faults: [{ kind: 'low_confidence', confidence: 0.15 }] });
    const answer = await classify(client, documentTextOf(3));
    assert.equal(answer.confidence, 0.15);
  });

  it('answers a text over /_sim/truth without a call, and refuses when the mode is off', async () => {
    const text = 'our brand campaign [truth:marketing]';
    const response = await control(sim, 'POST', '/_sim/truth', { text, model: 'gpt-4o' });
    assert.equal(response.status, 200);
    const decided = (await response.json()) as Omit<TruthRecord, 'answers'>;
    assert.deepEqual(decided, decideTruth(text, CATEGORIES, 'gpt-4o', DEFAULT_GROUND_TRUTH, 1));
    assert.equal(sim.truth().length, 0);
    assert.equal((await control(sim, 'POST', '/_sim/truth', { categories: ['a'] })).status, 400);

    sim.setProfile({ groundTruth: null });
    try {
      assert.equal((await control(sim, 'POST', '/_sim/truth', { text })).status, 409);
      // Off: the keyword classifier answers, and nothing is recorded.
      await classify(client, 'Quarterly revenue and profit grew.');
      assert.equal(sim.truth().length, 0);
    } finally {
      sim.setProfile({ groundTruth: {} });
    }
  });

  it('is configured per model over PUT /_sim/profile, and rejects a bad setting', async () => {
    const bad = await control(sim, 'PUT', '/_sim/profile', { groundTruth: { wrongShare: 2 } });
    assert.equal(bad.status, 400);
    const set = await control(sim, 'PUT', '/_sim/profile', {
      groundTruth: { byModel: { 'gpt-4o': { wrongShare: 0, overconfidence: -0.5 } } },
    });
    assert.equal(set.status, 200);
    try {
      const texts = Array.from({ length: 60 }, (_, i) => documentTextOf(i));
      for (const text of texts) {
        await classify(client, text);
        await classify(client, text, { model: 'gpt-4o' });
      }
      // gpt-4o is never confidently wrong and right whenever c + 0.5 ≥ 1, i.e. at every confidence of 0.5 or more.
      const strong = sim.truth({ model: 'gpt-4o' });
      assert.equal(strong.length, 60);
      assert.ok(strong.every((r) => !r.confidentlyWrong && (r.correct || r.confidence < 0.5)));
      const weak = sim.truth({ model: 'gpt-4o-mini' }).filter((r) => r.correct).length;
      assert.ok(strong.filter((r) => r.correct).length > weak);
    } finally {
      sim.setProfile({ groundTruth: { byModel: {} } });
    }
  });

  it('forgets its records on reset', async () => {
    await classify(client, documentTextOf(1));
    assert.equal(sim.truth().length, 1);
    await control(sim, 'POST', '/_sim/reset');
    assert.equal(sim.truth().length, 0);
  });
});

describe('decideTruth over 20,000 documents', () => {
  const DOCUMENTS = 20_000;
  const decisions = Array.from({ length: DOCUMENTS }, (_, i) =>
    decideTruth(documentTextOf(i), CATEGORIES, 'gpt-4o-mini', DEFAULT_GROUND_TRUTH, 1),
  );

  it('answers 8% of documents wrong with a confidence between 0.9 and 0.99', () => {
    const confident = decisions.filter((d) => d.confidentlyWrong);
    // sd of the share ≈ sqrt(0.08 × 0.92 / 20,000) ≈ 0.0019
    assert.ok(Math.abs(confident.length / DOCUMENTS - 0.08) < 0.008, `${confident.length} confidently wrong`);
    assert.ok(confident.every((d) => !d.correct && d.confidence >= 0.9 && d.confidence <= 0.99));
  });

  it('is right about the other documents with probability confidence − 0.05, bucket by bucket', () => {
    const others = decisions.filter((d) => !d.confidentlyWrong);
    for (const low of [0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) {
      const bucket = others.filter((d) => d.confidence >= low && d.confidence < low + 0.1);
      const accuracy = bucket.filter((d) => d.correct).length / bucket.length;
      const stated = bucket.reduce((sum, d) => sum + d.confidence, 0) / bucket.length;
      // About 3,000 documents a bucket: sd of the accuracy ≈ 0.009.
      assert.ok(Math.abs(accuracy - (stated - 0.05)) < 0.035, `[${low}, ${low + 0.1}): ${accuracy} vs ${stated}`);
    }
  });

  it('draws other seeds differently and the same seed identically', () => {
    const again = decideTruth(documentTextOf(5), CATEGORIES, 'gpt-4o-mini', DEFAULT_GROUND_TRUTH, 1);
    assert.deepEqual(again, decisions[5]);
    const seeded = Array.from({ length: 200 }, (_, i) =>
      decideTruth(documentTextOf(i), CATEGORIES, 'gpt-4o-mini', DEFAULT_GROUND_TRUTH, 2),
    );
    assert.ok(seeded.some((d, i) => d.confidence !== decisions[i]?.confidence));
  });
});
