import { z } from 'zod';
import { requireKnownPromptVersion } from '../documents/prompt-versions.js';
import { InvalidInputError } from '../documents/errors.js';
import { describeIssue, mainIssue, type FieldHints } from '../validation/describe-issue.js';
import { strictObject } from '../validation/strict-object.js';
import { variantName } from '../validation/variant-name.js';

/** What each field of a canary's settings holds, in the words of a message about a missing or mistyped field. */
export const CANARY_FIELD_HINTS = {
  share: 'a number from 0 to 1: the share of new documents that use the candidate',
  model: 'a model name, as a string',
  promptVersion: 'a prompt version, as a string',
  maxParseFailureRate: 'a number from 0 to 1',
  minCalls: 'a whole number of calls',
} as const satisfies FieldHints;

/**
 * A canary as an admin asks for one, with `POST /v1/canary`, `docket canary start` or DOCKET_CANARY: a share of new
 * documents for a candidate prompt version and/or model (the rest comes from the baseline, the configured default),
 * and when it rolls back on its own. The one declaration of these fields, their bounds and their messages: the
 * environment, the API's validation and its OpenAPI document all use it.
 */
export const canarySettingsSchema = strictObject({
  share: z.number().min(0).max(1),
  promptVersion: variantName('promptVersion').optional(),
  model: variantName('model').optional(),
  maxParseFailureRate: z.number().min(0).max(1).default(0.2),
  minCalls: z.number().int().positive().max(1_000_000).default(20),
}).refine((c) => c.promptVersion !== undefined || c.model !== undefined, {
  message: 'name a candidate prompt version, model, or both (promptVersion / model; --prompt / --model in the CLI)',
});

/** A canary's settings as a caller writes them (the thresholds may be left out). */
export type CanaryRequest = z.input<typeof canarySettingsSchema>;
/** A canary's settings once checked, the thresholds' defaults filled in. */
export type CanarySettings = z.output<typeof canarySettingsSchema>;

const JSON_EXAMPLE = '{"share":0.1,"promptVersion":"classify-v2","model":"gpt-4.1-mini"}';

/**
 * DOCKET_CANARY: JSON checked by {@link canarySettingsSchema}, each mistake worded as `POST /v1/canary` words it, and
 * a candidate prompt version that must be a file of prompts/, as the API requires.
 */
export const canaryEnvSchema = z.string().transform((raw, ctx): CanarySettings => {
  const checked = checkCanaryJson(raw);
  if (typeof checked === 'string') {
    ctx.addIssue({ code: 'custom', message: checked });
    return z.NEVER;
  }
  return checked;
});

/** The settings in `raw`, or what to fix in it. */
function checkCanaryJson(raw: string): CanarySettings | string {
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch {
    return `must be JSON like ${JSON_EXAMPLE}`;
  }
  const parsed = canarySettingsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = mainIssue(parsed.error.issues);
    return issue ? describeIssue(issue, { input, hints: CANARY_FIELD_HINTS }) : `must be JSON like ${JSON_EXAMPLE}`;
  }
  try {
    if (parsed.data.promptVersion !== undefined) requireKnownPromptVersion(parsed.data.promptVersion);
  } catch (err) {
    if (err instanceof InvalidInputError) return err.message;
    throw err;
  }
  return parsed.data;
}
