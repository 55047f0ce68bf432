import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createClassifyWithLlm, type ClassifyWithLlmInput } from '../../src/activities/classify-with-llm.js';
import { createExtractDocumentText, type ExtractDocumentTextResult } from '../../src/activities/extract-document.js';
import { prepareDocumentFile, storeDocumentFile } from '../../src/documents/store-document-file.js';
import { createDataConverter } from '../../src/codec/data-converter.js';
import { createOpenAIClient } from '../../src/llm/client.js';
import { defaultPrompt } from '../../src/llm/prompt.js';
import { modelPrice } from '../../src/llm/pricing.js';
import { DEFAULT_TAXONOMY, ERROR_TYPES } from '../../src/shared/index.js';
import { startDocket, type DocketTestEnv } from '../helpers/docket.js';
import { makePng, makeScannedPdf } from './make-files.js';
import type { visionCallWorkflow } from './workflows/vision-call.js';

const VISION_MODEL = 'gpt-4.1-mini';
const TASK_QUEUE = `vision-call-${process.pid}`;

describe('a vision call: the document read from its page images', () => {
  let env: DocketTestEnv;
  let bundle: WorkflowBundleWithSourceMap;
  let counter = 0;

  before(async () => {
    [env, bundle] = await Promise.all([
      startDocket({ env: { DOCKET_VISION_MODEL: VISION_MODEL, DOCKET_VISION_DETAIL: 'high' } }),
      bundleWorkflowCode({
        workflowsPath: fileURLToPath(new URL('./workflows/vision-call.ts', import.meta.url)),
        logger: silentBundlerLogger(),
        webpackConfigHook: (config) => {
          config.resolve = { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } };
          return config;
        },
      }),
    ]);
  });
  after(async () => {
    await env?.stop();
  });

  /** Stores `bytes` as a file document and runs the real extraction activity on it. */
  async function extracted(bytes: Uint8Array, fileName: string) {
    const id = `vision-${process.pid}-${++counter}`;
    const file = await prepareDocumentFile({ bytes, fileName, id, taxonomy: 'default' }, 20 * 1024 * 1024);
    await storeDocumentFile(env.pool, file);
    const activity = createExtractDocumentText({
      pool: env.pool,
      logger: env.logger,
      extraction: env.config.extraction,
    });
    const result: ExtractDocumentTextResult = await new MockActivityEnvironment().run(activity, { documentId: id });
    return { id, result };
  }

  /** One `classifyWithLlm` call with `vision`, through the LLM worker of `startDocket`. */
  async function visionCall(id: string, tokens: number) {
    const input: ClassifyWithLlmInput = {
      documentId: id,
      taxonomy: DEFAULT_TAXONOMY,
      model: 'gpt-4o-mini',
      promptVersion: defaultPrompt().version,
      vision: { tokens },
    };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowBundle: bundle,
      // The test's payloads are encrypted, as in production.
      dataConverter: createDataConverter(env.config.payload),
    });
    return worker.runUntil(
      env.client.workflow.execute<typeof visionCallWorkflow>('visionCallWorkflow', {
        taskQueue: TASK_QUEUE,
        workflowId: `vision-call-${id}`,
        args: [input],
      }),
    );
  }

  async function ledger(id: string) {
    const { rows } = await env.pool.query(
      'SELECT model, input_tokens, output_tokens, cost_usd, priced, outcome FROM llm_calls WHERE document_id = $1',
      [id],
    );
    return rows;
  }

  it('sends a photo to DOCKET_VISION_MODEL as an image part and records the image tokens in the ledger', async () => {
    const { id, result } = await extracted(await makePng(['A photo of a receipt'], 800, 400), 'receipt.png');
    assert.equal(result.needsVision, true);
    assert.ok(result.visionTokens && result.visionTokens > 0);
    const before = env.sim.requests.length;
    const answer = await visionCall(id, result.visionTokens);
    assert.equal(answer.outcome, 'valid');
    assert.equal(answer.model, VISION_MODEL, 'the workflow learns which model answered');
    assert.ok(answer.outcome === 'valid' && DEFAULT_TAXONOMY.categories.includes(answer.output.category));
    const sent = env.sim.requests.slice(before);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.model, VISION_MODEL, 'the vision model, not the workflow’s');
    assert.equal(sent[0]?.images, 1);
    // The simulator counts the image as OpenAI does; the extraction counted it the same way.
    assert.equal(sent[0]?.imageTokens, result.visionTokens);
    const [row] = await ledger(id);
    assert.equal(row?.model, VISION_MODEL);
    assert.equal(row?.outcome, 'ok');
    assert.ok(row.input_tokens > result.visionTokens, `${row.input_tokens} input tokens hold the image's`);
    const price = modelPrice(VISION_MODEL);
    assert.ok(price && row.priced);
    const expected = (row.input_tokens * price.input + row.output_tokens * price.output) / 1e6;
    assert.ok(Math.abs(row.cost_usd - expected) < 1e-9, `${row.cost_usd} ≈ ${expected}`);
  });

  it('sends every scanned page of a PDF, in page order, and answers the same pages the same way', async () => {
    const { id, result } = await extracted(await makeScannedPdf(2), 'scan.pdf');
    assert.equal(result.images, 2);
    const first = await visionCall(id, result.visionTokens ?? 0);
    const again = await visionCall(id, result.visionTokens ?? 0);
    const sent = env.sim.requests.filter((r) => r.images !== undefined).slice(-2);
    assert.deepEqual(
      sent.map((r) => [r.model, r.images]),
      [
        [VISION_MODEL, 2],
        [VISION_MODEL, 2],
      ],
    );
    assert.ok(first.outcome === 'valid' && again.outcome === 'valid');
    assert.equal(first.output.category, again.output.category);
    assert.equal((await ledger(id)).length, 2);
  });

  it('fails a call to a vision model that reads no images as DocketInvalidRequest, recorded in the ledger', async () => {
    const { id, result } = await extracted(await makePng(['A receipt for a text-only model'], 500, 300), 'text.png');
    env.sim.setProfile({ textOnlyModels: [VISION_MODEL] });
    try {
      await assert.rejects(visionCall(id, result.visionTokens ?? 0), (err: unknown) => {
        assert.ok(err instanceof WorkflowFailedError && err.cause instanceof ActivityFailure, String(err));
        const failure = err.cause.cause;
        assert.ok(failure instanceof ApplicationFailure);
        assert.equal(failure.type, ERROR_TYPES.invalidRequest);
        return true;
      });
    } finally {
      env.sim.setProfile({ textOnlyModels: [] });
    }
    const { rows } = await env.pool.query(
      'SELECT model, error_type, http_status FROM llm_calls WHERE document_id = $1',
      [id],
    );
    assert.deepEqual(rows, [{ model: VISION_MODEL, error_type: ERROR_TYPES.invalidRequest, http_status: 400 }]);
  });

  it('fails a vision call on a worker without DOCKET_VISION_MODEL as a configuration problem, calling nothing', async () => {
    const { id, result } = await extracted(await makePng(['Another receipt'], 640, 480), 'other.png');
    const activity = createClassifyWithLlm({
      pool: env.pool,
      openai: createOpenAIClient({ baseUrl: env.sim.baseUrl, apiKey: 'sk-docket-test', timeoutMs: 5000 }),
      logger: env.logger,
      maxOutputTokens: 200,
      timeoutMs: 5000,
    });
    const before = env.sim.requests.length;
    const input = {
      documentId: id,
      taxonomy: DEFAULT_TAXONOMY,
      model: 'gpt-4o-mini',
      promptVersion: defaultPrompt().version,
      vision: { tokens: result.visionTokens ?? 0 },
    };
    await assert.rejects(new MockActivityEnvironment().run(activity, input), (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, ERROR_TYPES.invalidRequest);
      assert.equal(err.nonRetryable, true);
      assert.match(err.message, /DOCKET_VISION_MODEL/);
      return true;
    });
    assert.equal(env.sim.requests.length, before);
    assert.equal((await ledger(id)).length, 0);
  });
});

function silentBundlerLogger() {
  const quiet = () => undefined;
  return { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: (m: string) => console.error(m) };
}
