import { z } from 'zod';

/** How much two reviews of the same documents agree, beyond what chance would give. */
export const reviewerAgreementSchema = z.object({
  documents: z.number().describe('Documents reviewed twice.'),
  agreed: z.number().describe('Of those, how many got the same category both times.'),
  observed: z.number().nullable().describe('agreed / documents.'),
  expected: z
    .number()
    .nullable()
    .describe('The agreement two independent reviews with these category frequencies would reach by chance.'),
  kappa: z
    .number()
    .nullable()
    .describe(
      "Cohen's kappa, (observed − expected) / (1 − expected): 1 perfect, 0 what chance gives. Null when chance " +
        'alone agrees on everything.',
    ),
});
export type ReviewerAgreement = z.infer<typeof reviewerAgreementSchema>;

/**
 * Cohen's kappa of double-reviewed documents, each a pair (first review's category, second review's category). The
 * two "raters" are the first and the second review, whoever made them: the question is how reproducible a review
 * decision is, which is what a team lead needs to trust a gold set, rather than how two particular people agree.
 */
export function cohensKappa(pairs: ReadonlyArray<readonly [string, string]>): ReviewerAgreement {
  const documents = pairs.length;
  if (documents === 0) return { documents, agreed: 0, observed: null, expected: null, kappa: null };
  const first = new Map<string, number>();
  const second = new Map<string, number>();
  let agreed = 0;
  for (const [a, b] of pairs) {
    first.set(a, (first.get(a) ?? 0) + 1);
    second.set(b, (second.get(b) ?? 0) + 1);
    if (a === b) agreed += 1;
  }
  const observed = agreed / documents;
  let expected = 0;
  for (const [category, count] of first) expected += (count / documents) * ((second.get(category) ?? 0) / documents);
  const kappa = expected < 1 ? (observed - expected) / (1 - expected) : null;
  return { documents, agreed, observed, expected, kappa };
}
