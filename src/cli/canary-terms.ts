import type { CanaryRequest } from '../canary/schema.js';
import { DocketApiError } from '../client/docket-client.js';

/**
 * The flag of `docket canary start` for each field of a canary's settings (src/canary/schema.ts: a field added there
 * needs its flag here), found where the API names the field. `share` and `model` are common words, so only where
 * they name a field (`share: …`).
 */
const FLAGS: Record<keyof CanaryRequest, [RegExp, string]> = {
  promptVersion: [/\bpromptVersion\b/g, '--prompt'],
  maxParseFailureRate: [/\bmaxParseFailureRate\b/g, '--max-parse-failure-rate'],
  minCalls: [/\bminCalls\b/g, '--min-calls'],
  share: [/\bshare\b(?=:)/g, '--share'],
  model: [/\bmodel\b(?=:)/g, '--model'],
};

/** API words of the canary routes and the `docket canary` words a CLI user typed instead. */
const CLI_TERMS: [RegExp, string][] = [
  [/POST \/v1\/canary\/promote/g, 'docket canary promote'],
  [/POST \/v1\/canary\/rollback/g, 'docket canary rollback'],
  [/POST \/v1\/canary/g, 'docket canary start'],
  ...Object.values(FLAGS),
  [/\bDOCKET_CANARY\b/g, 'DOCKET_CANARY (npm start)'],
  [/^unknown prompt version/, '--prompt: unknown prompt version'],
];

/** The API's message in the terms of `docket canary …`: flags instead of body fields, commands instead of routes. */
export function inCliTerms(message: string): string {
  return CLI_TERMS.reduce((text, [api, cli]) => text.replace(api, cli), message);
}

/** Runs a `docket canary` call, rewording an API error in CLI terms (the status and code stay). */
export async function withCliTerms<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof DocketApiError) err.message = inCliTerms(err.message);
    throw err;
  }
}
