/**
 * A pure detector of instructions aimed at the model inside a document (prompt injection). It flags, it does not
 * judge: a flagged document is marked with its result or sent to a person (DOCKET_INJECTION_POLICY). Only signal
 * names leave this module, never the matched text, so flags can travel through logs and workflow history.
 */

/** The kinds of injected instruction recognised; stored with the result and shown by the API. */
export const INJECTION_SIGNALS = {
  /** "Ignore all previous instructions", "disregard the system prompt", "new instructions:". */
  ignoreInstructions: 'ignore_instructions',
  /** "You are now…", "pretend to be…", "act as an unrestricted AI", "developer mode". */
  rolePlay: 'role_play',
  /** "Classify this document as legal", "set the confidence to 0.99", "respond only with {…}". */
  answerDirective: 'answer_directive',
  /** Chat-template tokens or role labels that fake a system or assistant turn. */
  fakeTurn: 'fake_turn',
  /** Text imitating the delimiters that enclose the document in the prompt, to end it early. */
  delimiterSpoof: 'delimiter_spoof',
  /** "Reveal your system prompt", "repeat the instructions above". */
  promptExtraction: 'prompt_extraction',
} as const;
export type InjectionSignal = (typeof INJECTION_SIGNALS)[keyof typeof INJECTION_SIGNALS];

const S = INJECTION_SIGNALS;

/** Words that name what a model is told; "ignore the previous agreements" in a contract is not an injection. */
const ORDERS = String.raw`(?:instructions?|prompts?|directions?|directives?|guidelines?|rules|system (?:message|prompt)|context|programming)`;
const MODEL = String.raw`(?:ai|a\.i\.|assistant|language model|llm|chat ?bot|chatgpt|gpt|classifier|model|dan|unrestricted|unfiltered|jailbroken)`;
const CATEGORYISH = String.raw`(?:classify|categori[sz]e|label|tag|mark|file|class)`;

const PATTERNS: readonly (readonly [InjectionSignal, RegExp])[] = [
  [
    S.ignoreInstructions,
    new RegExp(
      String.raw`\b(?:ignore|disregard|forget|override|bypass|skip|drop)\b(?:\s+\w+){0,4}?\s+(?:previous|prior|above|earlier|preceding|former|original|initial|system|all|any|your|the)\b(?:\s+\w+){0,2}?\s+${ORDERS}\b`,
    ),
  ],
  [S.ignoreInstructions, new RegExp(String.raw`\b(?:new|updated|real|actual|revised) ${ORDERS}\s*:`)],
  [S.ignoreInstructions, /\binstead(?:,)? (?:you (?:must|should|will)|do the following)\b/],
  [S.rolePlay, /\byou are (?:now|no longer)\b/],
  [S.rolePlay, /\bfrom now on,? (?:you|act|respond|answer)\b/],
  [S.rolePlay, /\bpretend (?:to be|you are|that you)\b/],
  [
    S.rolePlay,
    new RegExp(String.raw`\b(?:act|behave|respond|role-?play) as (?:if you were )?(?:an? |the |my )?${MODEL}\b`),
  ],
  [S.rolePlay, /\b(?:developer|god|jailbreak|dan) mode\b|\bdo anything now\b|\bjailbreak\b/],
  [
    S.answerDirective,
    new RegExp(
      String.raw`\b${CATEGORYISH}\b (?:this|the|it|the following|this (?:document|text|message|email|file)|the (?:document|text|message|email|file))\b(?: (?:document|text|message|email|file))? (?:as|under|into)\b`,
    ),
  ],
  [
    S.answerDirective,
    /\b(?:set|give|assign|use|report|output|return|with) (?:a |the |your )?confidence (?:score )?(?:of|to|at|=|:)\s*(?:0?\.\d+|1(?:\.0+)?|\d{2,3} ?%)/,
  ],
  [S.answerDirective, /\b(?:the )?(?:category|classification|label) (?:must|should|has to|needs to|shall) be\b/],
  [
    S.answerDirective,
    /\b(?:respond|answer|reply|output|return)(?: only)? (?:with|in|using) (?:only )?(?:this |the following )?(?:json|\{)/,
  ],
  [S.answerDirective, /\{\s*"(?:category|confidence)"\s*:/],
  [
    S.fakeTurn,
    /<\|(?:im_start|im_end|system|assistant|user|endoftext|eot_id|start_header_id)\|>|\[\/?inst\]|<<\/?sys>>/,
  ],
  [
    S.fakeTurn,
    /^\s*(?:#{1,6}\s*)?(?:system|assistant|developer)(?: message| prompt)?\s*:\s*(?:you\b|ignore\b|new\b|classify\b|answer\b|respond\b|\{)/m,
  ],
  [S.fakeTurn, /^\s*#{1,6}\s*(?:system|assistant|instruction|response)\s*$/m],
  [S.delimiterSpoof, /<<<\s*(?:end )?document\b/],
  [
    S.delimiterSpoof,
    /<\/?\s*document\b[^>]*>|<\/?\s*(?:doc|data|input|untrusted)[-_ ]?(?:text|content|data)?\s*(?:boundary=[^>]*)?>/,
  ],
  [
    S.delimiterSpoof,
    /\b(?:end of (?:the )?(?:document|text|input|user (?:input|message|content)))\b\s*[-=*#>\]]{0,}\s*$/m,
  ],
  [
    S.promptExtraction,
    new RegExp(
      String.raw`\b(?:reveal|print|show|repeat|output|tell me|leak|display)\b (?:me )?(?:your|the)(?: \w+)? (?:system )?${ORDERS}`,
    ),
  ],
];

/** Invisible characters used to split trigger words ("ig\u200bnore") so that filters miss them. */
const INVISIBLE = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/g;

/** Folds what an attacker varies (width, case, invisible characters, runs of spaces) before matching. */
export function normalizeForDetection(text: string): string {
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .toLowerCase()
    .replace(/[ \t\u00a0]+/g, ' ');
}

/**
 * The injection signals found in a document, each once, in the order of {@link INJECTION_SIGNALS}; empty when
 * none. Pure and fast (a few regular expressions over the text), so it can run on every attempt.
 */
export function detectInjection(text: string): InjectionSignal[] {
  const normalized = normalizeForDetection(text);
  const found = new Set<InjectionSignal>();
  for (const [signal, pattern] of PATTERNS) {
    if (!found.has(signal) && pattern.test(normalized)) found.add(signal);
  }
  return Object.values(INJECTION_SIGNALS).filter((s) => found.has(s));
}
