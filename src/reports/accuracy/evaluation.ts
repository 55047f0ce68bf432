import { percentile } from './percentile.js';
import { wilsonInterval } from './wilson.js';

/** A gold-set document as one configuration classified it. */
export interface EvaluatedDocument {
  documentId: string;
  /** The gold label. */
  gold: string;
  /** The configuration's category; null when it gave no valid answer (invalid output, an error, a refusal). */
  predicted: string | null;
  /** Dollars spent on the document; null when unpriced. */
  costUsd: number | null;
  /** Milliseconds from the first call to the answer; null when unknown. */
  latencyMs: number | null;
}

/** Precision, recall and F1 of one category. */
export interface CategoryScores {
  category: string;
  /** Gold documents of the category. */
  support: number;
  /** Documents the configuration put in it. */
  predicted: number;
  truePositives: number;
  /** truePositives / predicted; null when nothing was put in it. */
  precision: number | null;
  /** truePositives / support; null when no gold document has it. */
  recall: number | null;
  /** The harmonic mean of precision and recall; 0 when either is 0 or undefined. */
  f1: number;
}

/** Documents by gold category (rows, `labels`) and by the configuration's category (`columns`, `NO_ANSWER` last). */
export interface ConfusionMatrix {
  labels: string[];
  columns: string[];
  /** rows[i][j]: documents of gold `labels[i]` answered `columns[j]`. */
  rows: number[][];
}

/** The column of a confusion matrix that counts documents without a valid answer. */
export const NO_ANSWER = '(no answer)';

/** How one configuration did against the gold set. */
export interface Evaluation {
  documents: number;
  /** Documents with a valid answer. */
  answered: number;
  correct: number;
  /** correct / documents (a document without an answer counts as wrong), with its 95% Wilson interval. */
  accuracy: number | null;
  accuracyLow: number | null;
  accuracyHigh: number | null;
  perCategory: CategoryScores[];
  /** The unweighted mean F1 of the categories that occur in the gold set or the answers. */
  macroF1: number | null;
  confusion: ConfusionMatrix;
  /** Dollars over the priced documents, and per priced document; `unpriced` counts the others. */
  cost: { totalUsd: number; perDocumentUsd: number | null; unpriced: number };
  latencyMs: { p50: number | null; p95: number | null };
}

const ratioOrNull = (n: number, d: number) => (d > 0 ? n / d : null);

/**
 * Accuracy, per-category precision, recall and F1, macro-F1, the confusion matrix, cost and latency of one
 * configuration over a gold set. `categories` (the taxonomy) fixes the order of rows and columns; labels met outside
 * it follow in byte order. An undefined precision or recall counts as 0 in F1, as scikit-learn's `zero_division=0`
 * does, so that a category the configuration never predicts lowers macro-F1 instead of vanishing from it.
 */
export function evaluate(documents: readonly EvaluatedDocument[], categories: readonly string[] = []): Evaluation {
  const labels = labelOrder(documents, categories);
  const perCategory = labels
    .map((category) => scores(category, documents))
    .filter((s) => s.support > 0 || s.predicted > 0);
  const correct = documents.filter((d) => d.predicted === d.gold).length;
  const interval = wilsonInterval(correct, documents.length);
  const priced = documents.flatMap((d) => (d.costUsd === null ? [] : [d.costUsd]));
  const totalUsd = priced.reduce((sum, c) => sum + c, 0);
  const latencies = documents.flatMap((d) => (d.latencyMs === null ? [] : [d.latencyMs]));
  return {
    documents: documents.length,
    answered: documents.filter((d) => d.predicted !== null).length,
    correct,
    accuracy: ratioOrNull(correct, documents.length),
    accuracyLow: interval?.low ?? null,
    accuracyHigh: interval?.high ?? null,
    perCategory,
    macroF1: perCategory.length > 0 ? perCategory.reduce((sum, s) => sum + s.f1, 0) / perCategory.length : null,
    confusion: confusionMatrix(documents, labels),
    cost: {
      totalUsd,
      perDocumentUsd: ratioOrNull(totalUsd, priced.length),
      unpriced: documents.length - priced.length,
    },
    latencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95) },
  };
}

function labelOrder(documents: readonly EvaluatedDocument[], categories: readonly string[]): string[] {
  const known = new Set(categories);
  const extra = new Set<string>();
  for (const d of documents) {
    for (const label of [d.gold, d.predicted]) if (label !== null && !known.has(label)) extra.add(label);
  }
  return [...categories, ...[...extra].sort()];
}

function scores(category: string, documents: readonly EvaluatedDocument[]): CategoryScores {
  const support = documents.filter((d) => d.gold === category).length;
  const predicted = documents.filter((d) => d.predicted === category).length;
  const truePositives = documents.filter((d) => d.gold === category && d.predicted === category).length;
  const precision = ratioOrNull(truePositives, predicted);
  const recall = ratioOrNull(truePositives, support);
  const p = precision ?? 0;
  const r = recall ?? 0;
  return { category, support, predicted, truePositives, precision, recall, f1: p + r > 0 ? (2 * p * r) / (p + r) : 0 };
}

function confusionMatrix(documents: readonly EvaluatedDocument[], labels: readonly string[]): ConfusionMatrix {
  const columns = [...labels, NO_ANSWER];
  const golds = labels.filter((label) => documents.some((d) => d.gold === label));
  const rows = golds.map(() => columns.map(() => 0));
  for (const d of documents) {
    const row = rows[golds.indexOf(d.gold)];
    const column = columns.indexOf(d.predicted ?? NO_ANSWER);
    if (row && column >= 0) row[column] = (row[column] ?? 0) + 1;
  }
  return { labels: golds, columns, rows };
}

/** Two configurations over the same gold documents, side by side. */
export interface EvaluationComparison {
  a: Evaluation;
  b: Evaluation;
  /** Documents both configurations were evaluated on (the paired counts below count only these). */
  paired: number;
  bothRight: number;
  onlyARight: number;
  onlyBRight: number;
  bothWrong: number;
  /**
   * The exact McNemar test of the discordant pairs: the chance of a split at least this uneven between `onlyARight`
   * and `onlyBRight` if both configurations were equally accurate. Small (below 0.05) means the difference in accuracy
   * is unlikely to be luck. Null without paired documents.
   */
  mcnemarP: number | null;
  /** b − a. */
  delta: {
    accuracy: number | null;
    macroF1: number | null;
    costPerDocumentUsd: number | null;
    p95LatencyMs: number | null;
  };
}

const minus = (b: number | null, a: number | null) => (a === null || b === null ? null : b - a);

/**
 * Configuration `b` beside configuration `a` (typically the current one) on the same gold set: each one's
 * evaluation, the differences, and the paired comparison of the documents both answered for, which is far more
 * sensitive than comparing two accuracies: only the documents on which they disagree can tell them apart.
 */
export function compareEvaluations(
  a: readonly EvaluatedDocument[],
  b: readonly EvaluatedDocument[],
  categories: readonly string[] = [],
): EvaluationComparison {
  const evaluationA = evaluate(a, categories);
  const evaluationB = evaluate(b, categories);
  const right = new Map(b.map((d) => [d.documentId, d.predicted === d.gold]));
  const counts = { bothRight: 0, onlyARight: 0, onlyBRight: 0, bothWrong: 0 };
  let paired = 0;
  for (const d of a) {
    const bRight = right.get(d.documentId);
    if (bRight === undefined) continue;
    paired += 1;
    const aRight = d.predicted === d.gold;
    if (aRight && bRight) counts.bothRight += 1;
    else if (aRight) counts.onlyARight += 1;
    else if (bRight) counts.onlyBRight += 1;
    else counts.bothWrong += 1;
  }
  return {
    a: evaluationA,
    b: evaluationB,
    paired,
    ...counts,
    mcnemarP: paired > 0 ? exactMcNemar(counts.onlyARight, counts.onlyBRight) : null,
    delta: {
      accuracy: minus(evaluationB.accuracy, evaluationA.accuracy),
      macroF1: minus(evaluationB.macroF1, evaluationA.macroF1),
      costPerDocumentUsd: minus(evaluationB.cost.perDocumentUsd, evaluationA.cost.perDocumentUsd),
      p95LatencyMs: minus(evaluationB.latencyMs.p95, evaluationA.latencyMs.p95),
    },
  };
}

/**
 * Two-sided exact McNemar p-value: under "equally accurate", each of the n = b + c discordant documents goes either
 * way with probability ½, so the p-value is twice the binomial tail below min(b, c), capped at 1. Summed in log space
 * so that thousands of pairs stay exact.
 */
export function exactMcNemar(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  let logChoose = 0; // log C(n, 0)
  let tail = 0;
  for (let k = 0; k <= Math.min(b, c); k++) {
    if (k > 0) logChoose += Math.log(n - k + 1) - Math.log(k);
    tail += Math.exp(logChoose - n * Math.LN2);
  }
  return Math.min(1, 2 * tail);
}
