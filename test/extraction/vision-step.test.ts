import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { createDataConverter } from '../../src/codec/data-converter.js';
import type { ClassifyWithLlmInput } from '../../src/activities/classify-with-llm.js';
import { prepareDocumentFile, storeDocumentFile } from '../../src/documents/store-document-file.js';
import { documentWorkflowId, TASK_QUEUE } from '../../src/shared/names.js';
import type { ClassifyDocumentInput, DocumentProgress } from '../../src/shared/workflow-types.js';
import { startDocket, testDocumentSettings, type DocketTestEnv } from '../helpers/docket.js';
import { waitFor } from '../helpers/wait.js';
import { makeScannedPdf } from './make-files.js';

describe('a scanned file document with a vision model configured', () => {
  let env: DocketTestEnv;
  before(async () => {
    env = await startDocket({ env: { DOCKET_VISION_MODEL: 'gpt-4o' } });
  });
  after(async () => {
    await env?.stop();
  });

  /** The inputs of the LLM activity as the workflow scheduled them, decoded as the worker decodes them. */
  async function llmInputs(id: string): Promise<ClassifyWithLlmInput[]> {
    const history = await env.client.workflow.getHandle(documentWorkflowId(id)).fetchHistory();
    const codecs = createDataConverter(env.config.payload).payloadCodecs ?? [];
    const inputs: ClassifyWithLlmInput[] = [];
    for (const event of history.events ?? []) {
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled?.activityType?.name !== 'classifyWithLlm') continue;
      let payloads = scheduled.input?.payloads ?? [];
      for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
      const [first] = payloads;
      if (first) inputs.push(defaultPayloadConverter.fromPayload<ClassifyWithLlmInput>(first));
    }
    return inputs;
  }

  it("extracts its page images and tells the LLM call their token count, never the images' bytes", async () => {
    const id = `vision-scan-${process.pid}`;
    const file = await prepareDocumentFile(
      { bytes: await makeScannedPdf(2), fileName: 'scan.pdf', id, taxonomy: 'default' },
      env.config.api.maxFileBytes,
    );
    assert.equal((await storeDocumentFile(env.pool, file)).outcome, 'created');
    const input: ClassifyDocumentInput = { ...testDocumentSettings(), documentId: id, fromFile: true };
    await env.client.workflow.start('classifyDocumentWorkflow', {
      workflowId: documentWorkflowId(id),
      taskQueue: TASK_QUEUE,
      args: [input],
    });
    const [call] = await waitFor(
      () => llmInputs(id),
      (inputs) => inputs.length > 0,
    );
    assert.ok(call);
    assert.ok((call.vision?.tokens ?? 0) > 0, JSON.stringify(call.vision));
    assert.deepEqual(Object.keys(call.vision ?? {}), ['tokens'], 'ids and counts only: no image in the history');
    const progress = await env.client.workflow.getHandle(documentWorkflowId(id)).query<DocumentProgress>('status');
    assert.equal(progress.extraction?.outcome, 'extracted');
    assert.ok(progress.extraction?.outcome === 'extracted' && progress.extraction.needsVision);
    assert.equal(progress.extraction.images, 2);
  });
});
