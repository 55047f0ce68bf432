import { z } from 'zod';

/** Values a model writes when it has nothing to say; never stored as a result. */
export const PLACEHOLDER_VALUES = ['n/a', 'na', 'unknown', 'none', 'null', 'undefined', '-', '?', 'tbd'];

function isPlaceholder(value: string): boolean {
  return PLACEHOLDER_VALUES.includes(value.trim().toLowerCase());
}

const meaningfulText = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .refine((v) => !isPlaceholder(v), { message: 'must not be a placeholder such as "N/A", "unknown" or "none"' });

/**
 * The model's answer for a taxonomy: the category exactly as the taxonomy spells it (no casing variants or
 * synonyms), a confidence in [0, 1], and a real reason. The same schema produces the strict JSON Schema sent
 * to the provider and validates what comes back.
 */
export function classificationOutputSchema(categories: readonly string[]) {
  return z.strictObject({
    category: z.enum(categories as [string, ...string[]]),
    confidence: z.number().min(0).max(1),
    reasoning: meaningfulText.max(2000),
  });
}

/** A valid answer of the model, whatever the taxonomy. */
export type ClassificationOutput = z.infer<ReturnType<typeof classificationOutputSchema>>;

/** Payload of the `submitReview` update and the `review` signal (DESIGN.md §3). */
export const reviewDecisionSchema = z.strictObject({
  category: z.string().min(1),
  reviewer: z.string().trim().min(1),
  note: z.string().max(4000).optional(),
});
export type ReviewDecision = z.infer<typeof reviewDecisionSchema>;
