/** How much two reviews of the same documents agree, beyond what chance would give. */
export interface ReviewerAgreement {
  /** Documents reviewed twice. */
  documents: number;
  /** Of those, how many got the same category both times. */
  agreed: number;
  /** agreed / documents; null without documents. */
  observed: number | null;
  /** The agreement two independent reviews with these category frequencies would reach by chance. */
  expected: number | null;
  /**
   * Cohen's kappa, (observed − expected) / (1 − expected): 1 is perfect agreement, 0 what chance gives, below 0 worse
   * than chance. Null without documents, or when chance alone agrees on everything (both always chose one category).
   */
  kappa: number | null;
}

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
