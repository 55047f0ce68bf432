import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { ClassificationOutput } from '../shared/classification.js';
import type { OutputSchema } from './answer-schemas.js';
import type { TokenUsage } from './pricing.js';

/** What a validation made of an answer: the output, or the problems in words the model can act on. */
export type AnswerValidation =
  { ok: true; output: ClassificationOutput } | { ok: false; errors: string[]; raw: string };

/** Validates the model's answer against its taxonomy's schema; returns the problems in words the model can act on. */
export function validateAnswer(completion: ChatCompletion, schema: OutputSchema): AnswerValidation {
  const choice = completion.choices[0];
  const raw = choice?.message.content ?? '';
  if (!choice) return { ok: false, errors: ['the response had no choices'], raw };
  if (choice.finish_reason === 'length') {
    return { ok: false, errors: ['the answer was cut off at the output token limit; answer more briefly'], raw };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, errors: ['the answer was not valid JSON'], raw };
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    return { ok: false, errors: result.error.issues.map((i) => `${i.path.join('.') || 'answer'}: ${i.message}`), raw };
  }
  return { ok: true, output: result.data };
}

/**
 * Why the model gave no answer to judge, when it refused or the provider filtered the answer (a matter of the input,
 * for a person to decide); undefined for any other answer.
 */
export function answerWithheld(completion: ChatCompletion): string | undefined {
  const choice = completion.choices[0];
  if (choice?.message.refusal) return 'the model refused to classify the document';
  if (choice?.finish_reason === 'content_filter') return 'the answer was filtered';
  return undefined;
}

/** The tokens the provider counted for the answer; zero where it reported none. */
export function answerUsage(completion: ChatCompletion): TokenUsage {
  return {
    inputTokens: completion.usage?.prompt_tokens ?? 0,
    cachedTokens: completion.usage?.prompt_tokens_details?.cached_tokens ?? 0,
    outputTokens: completion.usage?.completion_tokens ?? 0,
  };
}

/** Why the model stopped, as the first choice says; null when the answer had no choice. */
export function finishReason(completion: ChatCompletion): string | null {
  return completion.choices[0]?.finish_reason ?? null;
}

/**
 * What an answer is worth: `withheld` (a refusal or a filtered answer: about the input, for a person to decide),
 * `invalid` (to repair or review) or `valid`.
 */
export type AnswerVerdict =
  | { kind: 'withheld'; reason: string }
  | { kind: 'invalid'; errors: string[]; raw: string }
  | { kind: 'valid'; output: ClassificationOutput };

/** Judges an answer: a refusal or a filter first, then the validation of {@link validateAnswer}. */
export function judgeAnswer(completion: ChatCompletion, schema: OutputSchema): AnswerVerdict {
  const withheld = answerWithheld(completion);
  if (withheld !== undefined) return { kind: 'withheld', reason: withheld };
  const validation = validateAnswer(completion, schema);
  return validation.ok
    ? { kind: 'valid', output: validation.output }
    : { kind: 'invalid', errors: validation.errors, raw: validation.raw };
}
