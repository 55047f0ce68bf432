/**
 * The OpenAI-compatible simulator used by Docket's tests, benchmarks and keyless demo: chat completions, and the Files
 * and Batches APIs on a compressed clock. Talk to it with the official `openai` SDK (`baseURL: sim.baseUrl`); steer it
 * with fault rules and a profile, in-process or over `/_sim/*`.
 */
export { startSimulator } from './server.js';
export { BATCH_FAULT_KINDS } from './batch-types.js';
export { FAULT_KINDS } from './types.js';
export type {
  BatchApiOperation,
  BatchApiRequest,
  BatchClock,
  BatchFaultKind,
  BatchFaultRule,
  BatchFaultSpec,
  BatchJobReport,
  BatchLimits,
  BatchLimitsPatch,
  BatchLineOutcome,
  BatchLineReport,
  BatchStatus,
  BatchValidationError,
} from './batch-types.js';
export { DEFAULT_GROUND_TRUTH, decideTruth, documentText, textHash } from './ground-truth.js';
export type { GroundTruthAnswers, GroundTruthPatch, GroundTruthProfile, TruthRecord } from './ground-truth.js';
export type {
  FaultKind,
  FaultRule,
  FaultSpec,
  LatencyProfile,
  RecordedRequest,
  Simulator,
  SimulatorProfile,
  SimulatorProfilePatch,
  StartSimulatorOptions,
} from './types.js';
