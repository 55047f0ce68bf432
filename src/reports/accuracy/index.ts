// The statistics of accuracy: pure functions over rows read by src/db/accuracy.ts, unit-tested with known answers.
export { DEFAULT_ACCURACY_TARGET, minimumSample, suggestThreshold, suggestThresholds } from './threshold.js';
export { THRESHOLD_STATUSES, thresholdSuggestionSchema } from './threshold.js';
export type { ConfidenceCount, ThresholdStatus, ThresholdSuggestion } from './threshold.js';
export { accuracyEstimateSchema, accuracyRowSchema, estimateAccuracy } from './estimate.js';
export type { AccuracyEstimate, AccuracyRow } from './estimate.js';
export { RELIABILITY_BUCKET_WIDTH, reliabilitySchema, reliabilityTable } from './calibration.js';
export type { Reliability, ReliabilityBucket } from './calibration.js';
export { isCorrect, sampleWeight, type CheckedAnswer } from './checked-answers.js';
export { compareEvaluations, evaluate, exactMcNemar, NO_ANSWER } from './evaluation.js';
export type {
  CategoryScores,
  ConfusionMatrix,
  EvaluatedDocument,
  Evaluation,
  EvaluationComparison,
} from './evaluation.js';
export { cohensKappa, reviewerAgreementSchema, type ReviewerAgreement } from './kappa.js';
export { median, percentile } from './percentile.js';
export { reviewerThroughput, reviewerThroughputSchema, throughputSchema } from './throughput.js';
export type { DecisionTiming, ReviewerThroughput, Throughput } from './throughput.js';
export { effectiveSampleSize, weightedProportion, wilsonInterval, Z_95, type Interval } from './wilson.js';
