import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI, { BadRequestError } from 'openai';
import type { ChatCompletionContentPart } from 'openai/resources/chat/completions';
import { imageTokens } from '../../src/extraction/index.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { makeImage, makePng } from '../extraction/make-files.js';

const CATEGORIES = ['invoice', 'contract', 'receipt', 'letter'];
const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['category', 'confidence', 'reasoning'],
  properties: {
    category: { type: 'string', enum: CATEGORIES },
    confidence: { type: 'number' },
    reasoning: { type: 'string' },
  },
};

const dataUrl = (mediaType: string, bytes: Uint8Array) =>
  `data:${mediaType};base64,${Buffer.from(bytes).toString('base64')}`;

describe('the simulator reads image parts', () => {
  let sim: Simulator;
  let openai: OpenAI;
  before(async () => {
    sim = await startSimulator();
    openai = new OpenAI({ apiKey: 'sk-test', baseURL: sim.baseUrl, maxRetries: 0 });
  });
  after(async () => {
    await sim?.close();
  });

  async function ask(model: string, images: ChatCompletionContentPart[], text = '(see the images)') {
    return openai.chat.completions.create({
      model,
      messages: [
        { role: 'system', content: 'Classify the document.' },
        { role: 'user', content: [{ type: 'text', text }, ...images] },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'classification', strict: true, schema: SCHEMA } },
    });
  }

  it('counts each image’s tokens as OpenAI does for the model and the detail', async () => {
    const png = await makePng(['Page one'], 1024, 1024);
    const jpeg = await makeImage('jpeg', ['Page two']);
    const plain = await ask('gpt-4o', []);
    const parts: ChatCompletionContentPart[] = [
      { type: 'image_url', image_url: { url: dataUrl('image/png', png), detail: 'high' } },
      { type: 'image_url', image_url: { url: dataUrl('image/jpeg', jpeg), detail: 'low' } },
    ];
    const withImages = await ask('gpt-4o', parts);
    const expected = imageTokens({ width: 1024, height: 1024 }, 'gpt-4o', 'high') + 85;
    assert.equal((withImages.usage?.prompt_tokens ?? 0) - (plain.usage?.prompt_tokens ?? 0), expected);
    const recorded = sim.requests.at(-1);
    assert.equal(recorded?.images, 2);
    assert.equal(recorded?.imageTokens, expected);
  });

  it('answers the same images with the same category, from the taxonomy, confidently', async () => {
    const png = await makePng(['A receipt from the corner shop'], 600, 800);
    const part: ChatCompletionContentPart = { type: 'image_url', image_url: { url: dataUrl('image/png', png) } };
    const answers = await Promise.all([ask('gpt-4.1-mini', [part]), ask('gpt-4.1-mini', [part])]);
    const [first, second] = answers.map((a) => JSON.parse(a.choices[0]?.message.content ?? '{}'));
    assert.ok(CATEGORIES.includes(first.category));
    assert.equal(second.category, first.category);
    assert.ok(first.confidence >= 0.5);
    assert.match(first.reasoning, /1 image/);
  });

  it('refuses image bytes that are no image with OpenAI’s 400 invalid_image_format', async () => {
    const part: ChatCompletionContentPart = {
      type: 'image_url',
      image_url: { url: dataUrl('image/png', new TextEncoder().encode('not an image at all')) },
    };
    const err = await ask('gpt-4o', [part]).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof BadRequestError, String(err));
    assert.equal(err.code, 'invalid_image_format');
  });

  it('refuses image parts for a model the profile serves as text-only, as OpenAI does', async () => {
    sim.setProfile({ textOnlyModels: ['gpt-4o'] });
    try {
      const png = await makePng(['A page'], 300, 200);
      const part: ChatCompletionContentPart = { type: 'image_url', image_url: { url: dataUrl('image/png', png) } };
      const err = await ask('gpt-4o', [part]).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof BadRequestError, String(err));
      assert.equal(err.type, 'invalid_request_error');
      assert.equal(err.param, 'messages.[1].content.[1].type');
      assert.match(err.message, /image_url is only supported by certain models/);
      // Text alone is still answered, and other models still read images.
      await ask('gpt-4o', []);
      await ask('gpt-4.1-mini', [part]);
    } finally {
      sim.setProfile({ textOnlyModels: [] });
    }
  });
});
