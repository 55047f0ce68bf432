import { createHash } from 'node:crypto';
import { z } from 'zod';
import { classify, type AnswerFields } from './classify.js';
import { messageText, type ChatRequest } from './request.js';

// Ground truth mode: every document has a known true category, and the simulated model answers it with a known error
// rate and a known miscalibration, so that tests can compare Docket's accuracy, calibration and evaluation figures
// with the truth. Everything is drawn from a hash of the seed and the document's text, never from the request order:
// a retry, a repair, a Batch API line and a second run of the same document all get the same answer.

/** How the simulated model answers, for one model. */
export interface GroundTruthAnswers {
  /**
   * Share of documents answered with a wrong category yet a high confidence (drawn in `wrongConfidence`): the silent
   * failures that only an audit finds. @default 0.08
   */
  wrongShare: number;
  /** The confidence of those wrong answers, uniform in [min, max]. @default { min: 0.9, max: 0.99 } */
  wrongConfidence: { min: number; max: number };
  /** The stated confidence of every other answer, uniform in [min, max]. @default { min: 0.4, max: 0.99 } */
  confidence: { min: number; max: number };
  /**
   * The miscalibration of those other answers: one stated with confidence c is right with probability
   * c − overconfidence (clamped to [0, 1]). 0 is a calibrated model, a negative value an underconfident one.
   * @default 0.05
   */
  overconfidence: number;
}

/** Ground truth mode, set in the profile: the answers of every model, and overrides per model. */
export interface GroundTruthProfile extends GroundTruthAnswers {
  /** Answers of particular models (e.g. a stronger one for an evaluation), over the fields above. @default {} */
  byModel: Record<string, Partial<GroundTruthAnswers>>;
}

/** A patch of ground truth mode: `null` turns it off, an object turns it on (fields left out keep their value). */
export type GroundTruthPatch = Partial<GroundTruthProfile> | null;

export const DEFAULT_GROUND_TRUTH: GroundTruthProfile = {
  wrongShare: 0.08,
  wrongConfidence: { min: 0.9, max: 0.99 },
  confidence: { min: 0.4, max: 0.99 },
  overconfidence: 0.05,
  byModel: {},
};

const share = z.number().min(0).max(1);
const range = z
  .strictObject({ min: share, max: share })
  .refine((r) => r.min <= r.max, { message: 'min must not exceed max' });
const answersSchema = z.strictObject({
  wrongShare: share.optional(),
  wrongConfidence: range.optional(),
  confidence: range.optional(),
  overconfidence: z.number().min(-1).max(1).optional(),
});

/** Ground truth mode as `PUT /_sim/profile` and `SIMULATOR_PROFILE` take it. */
export const groundTruthPatchSchema = answersSchema
  .extend({ byModel: z.record(z.string().min(1), answersSchema).optional() })
  .nullable();

/** Applies a patch: `null` turns the mode off; an object merges into the current mode (or the defaults). */
export function mergeGroundTruth(
  base: GroundTruthProfile | undefined,
  patch: GroundTruthPatch,
): GroundTruthProfile | undefined {
  if (patch === null) return undefined;
  const from = base ?? DEFAULT_GROUND_TRUTH;
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  return { ...from, ...defined, byModel: { ...from.byModel, ...patch.byModel } };
}

/** What ground truth mode decided for one document and model. */
export interface TruthRecord {
  /** SHA-256 of the document's text, hex: Docket's `content_hash` of a document submitted as text. */
  textHash: string;
  model: string;
  /** The true category. */
  truth: string;
  /** Where the truth came from: a `[truth:<category>]` marker in the text, else the keyword classifier. */
  truthSource: 'marker' | 'keywords';
  /** The simulated model's answer (before any output fault a rule adds). */
  answer: string;
  confidence: number;
  correct: boolean;
  /** Whether the answer is one of the `wrongShare` confident mistakes. */
  confidentlyWrong: boolean;
  /** Answers given for this document and model so far (retries, repairs and batch lines included). */
  answers: number;
}

/** `[truth:legal]` anywhere in a document names its true category. */
const TRUTH_MARKER = /\[truth:\s*([^\]]+?)\s*\]/i;
/** The boundary lines `delimitDocument` (src/llm/prompt.ts) puts around a document for delimited prompts. */
const DELIMITED = /^<<<DOCUMENT ([0-9a-f]+)>>>\n([\s\S]*)\n<<<END DOCUMENT \1>>>$/;

/**
 * The document a classification request is about: its first user message, without the boundary lines of a delimited
 * prompt, so that a repair (which adds messages) and either prompt format are about the same document.
 */
export function documentText(request: ChatRequest): string {
  const first = request.messages.find((m) => m.role === 'user');
  const text = first ? messageText(first) : '';
  return DELIMITED.exec(text)?.[2] ?? text;
}

/** SHA-256 of a text, hex. */
export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Four independent uniform draws in [0, 1) from the seed and the text. */
function draws(seed: number, text: string): [number, number, number, number] {
  const digest = createHash('sha256').update(`docket-simulator-truth\u0000${seed}\u0000${text}`, 'utf8').digest();
  const at = (i: number) => digest.readUInt32BE(i * 4) / 0x1_0000_0000;
  return [at(0), at(1), at(2), at(3)];
}

/** The answers of `model`: the profile's, with the model's own overrides. */
export function answersFor(profile: GroundTruthProfile, model: string): GroundTruthAnswers {
  const base = model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  return { ...profile, ...(profile.byModel[model] ?? profile.byModel[base]) };
}

/** The true category of a text among `categories`: its marker when it names one of them, else the keyword classifier's. */
export function trueCategory(text: string, categories: readonly string[]): Pick<TruthRecord, 'truth' | 'truthSource'> {
  const named = TRUTH_MARKER.exec(text)?.[1]?.toLowerCase();
  const marked = named === undefined ? undefined : categories.find((c) => c.toLowerCase() === named);
  return marked
    ? { truth: marked, truthSource: 'marker' }
    : { truth: classify(text, categories).category, truthSource: 'keywords' };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const within = ({ min, max }: { min: number; max: number }, u: number) => round2(min + (max - min) * u);

/**
 * The simulated model's answer to a document: wrong with a high confidence for a `wrongShare` of documents, else a
 * confidence drawn in `confidence` and an answer right with probability confidence − overconfidence. A wrong answer
 * is another of the categories, drawn like the rest.
 */
export function decideTruth(
  text: string,
  categories: readonly string[],
  model: string,
  profile: GroundTruthProfile,
  seed: number,
): Omit<TruthRecord, 'answers'> {
  const answers = answersFor(profile, model);
  const { truth, truthSource } = trueCategory(text, categories);
  const [wrongDraw, confidenceDraw, rightDraw, pickDraw] = draws(seed, text);
  const confidentlyWrong = wrongDraw < answers.wrongShare;
  const confidence = confidentlyWrong
    ? within(answers.wrongConfidence, confidenceDraw)
    : within(answers.confidence, confidenceDraw);
  const correct = !confidentlyWrong && rightDraw < confidence - answers.overconfidence;
  const others = categories.filter((c) => c !== truth);
  const answer = correct || others.length === 0 ? truth : (others[Math.floor(pickDraw * others.length)] ?? truth);
  return {
    textHash: textHash(text),
    model,
    truth,
    truthSource,
    answer,
    confidence,
    correct: answer === truth,
    confidentlyWrong,
  };
}

/** What ground truth mode has answered so far, one record per document and model. */
export class TruthLedger {
  private readonly records = new Map<string, TruthRecord>();

  /** Records an answer and returns its record. */
  record(decision: Omit<TruthRecord, 'answers'>): TruthRecord {
    const key = `${decision.model}\u0000${decision.textHash}`;
    const record = { ...decision, answers: (this.records.get(key)?.answers ?? 0) + 1 };
    this.records.set(key, record);
    return record;
  }

  /** Every record in the order documents were first answered, or those of one text hash and/or model. */
  list(filter: { textHash?: string; model?: string } = {}): TruthRecord[] {
    return [...this.records.values()].filter(
      (r) =>
        (filter.textHash === undefined || r.textHash === filter.textHash) &&
        (filter.model === undefined || r.model === filter.model),
    );
  }

  clear(): void {
    this.records.clear();
  }
}

/**
 * The answer of a chat completion in ground truth mode: the decision for the request's document, recorded in `ledger`,
 * as the fields the completion carries.
 */
export function groundTruthAnswer(
  request: ChatRequest,
  categories: readonly string[],
  profile: GroundTruthProfile,
  seed: number,
  ledger: TruthLedger,
): AnswerFields {
  const decision = ledger.record(decideTruth(documentText(request), categories, request.model, profile, seed));
  return {
    category: decision.answer,
    confidence: decision.confidence,
    reasoning: `[simulated] The document reads as ${decision.answer}.`,
  };
}
