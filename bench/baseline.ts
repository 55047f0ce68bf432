/**
 * The naive baseline, run as its own process by the benchmark: a plain async loop over the documents with p-limit,
 * the `openai` SDK with `maxRetries: 0`, Docket's prompt and response_format, the same zod schema, and
 * retry-on-every-error as such pipelines usually start: a fixed short sleep, Retry-After ignored, a retry cap so that
 * it terminates. Nothing is stored; results stay in memory.
 */
import OpenAI from 'openai';
import pLimit from 'p-limit';
import { buildMessages, responseFormat } from '../src/llm/prompt.js';
import { classificationOutputSchema } from '../src/shared/classification.js';
import { DEFAULT_TAXONOMY } from '../src/shared/taxonomy.js';
import type { BenchDocument } from './documents.js';

/** What the parent sends over IPC. */
export interface BaselineRequest {
  baseUrl: string;
  documents: BenchDocument[];
  model: string;
  concurrency: number;
  /** Retries after the first attempt before a document is given up. */
  retries: number;
  /** Fixed sleep between attempts, ms (0: retry at once). */
  sleepMs: number;
  maxOutputTokens: number;
  timeoutMs: number;
}

/** What the baseline sends back. */
export interface BaselineReport {
  /** When the loop started (every document counts as submitted then), epoch ms. */
  startedAt: number;
  /** Per document: id, completion time (epoch ms) or null when given up, attempts, completion tokens, end time. */
  documents: [id: string, doneAt: number | null, attempts: number, completionTokens: number, endedAt: number][];
  cpuSeconds: number;
  peakRssBytes: number;
}

async function run(request: BaselineRequest): Promise<BaselineReport> {
  const openai = new OpenAI({
    apiKey: 'sk-baseline',
    baseURL: request.baseUrl,
    maxRetries: 0,
    timeout: request.timeoutMs,
  });
  const taxonomy = DEFAULT_TAXONOMY;
  const schema = classificationOutputSchema(taxonomy.categories);
  const format = responseFormat(taxonomy);
  const limit = pLimit(request.concurrency);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function classify(doc: BenchDocument): Promise<BaselineReport['documents'][number]> {
    let completionTokens = 0;
    for (let attempt = 1; attempt <= request.retries + 1; attempt++) {
      try {
        const completion = await openai.chat.completions.create({
          model: request.model,
          messages: buildMessages(taxonomy, doc.text),
          response_format: format,
          max_completion_tokens: request.maxOutputTokens,
          temperature: 0,
        });
        completionTokens += completion.usage?.completion_tokens ?? 0;
        const parsed = schema.safeParse(JSON.parse(completion.choices[0]?.message.content ?? ''));
        if (!parsed.success) throw new Error('invalid output');
        return [doc.id, Date.now(), attempt, completionTokens, Date.now()];
      } catch {
        if (attempt <= request.retries && request.sleepMs > 0) await sleep(request.sleepMs);
      }
    }
    return [doc.id, null, request.retries + 1, completionTokens, Date.now()];
  }

  const cpuBefore = process.cpuUsage();
  const startedAt = Date.now();
  const documents = await Promise.all(request.documents.map((doc) => limit(() => classify(doc))));
  const cpu = process.cpuUsage(cpuBefore);
  return {
    startedAt,
    documents,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

process.once('message', (message) => {
  run(message as BaselineRequest).then(
    (report) => process.send?.(report, undefined, undefined, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
process.send?.('ready');
