/**
 * The OpenAI-compatible simulator used by Docket's tests, benchmarks and keyless demo. Talk to it with the official
 * `openai` SDK (`baseURL: sim.baseUrl`); steer it with fault rules and a profile, in-process or over `/_sim/*`.
 */
export { startSimulator } from './server.js';
export { FAULT_KINDS } from './types.js';
export type {
  FaultKind,
  FaultRule,
  FaultSpec,
  LatencyProfile,
  RecordedRequest,
  Simulator,
  SimulatorProfile,
  StartSimulatorOptions,
} from './types.js';
