/**
 * A document's place in [0, 1), from its id alone: FNV-1a over the id, then MurmurHash3's finaliser so that ids
 * differing only in a suffix (doc-1, doc-2, …) spread evenly. The same document always lands in the same canary
 * variant, in the API and inside workflows alike (no Node built-ins, so workflow code can use it).
 */
export function splitBucket(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}

/** A prompt version and model: what a document is classified with. */
export interface Variant {
  promptVersion: string;
  model: string;
}

/** A canary in force: `share` of documents go to `candidate`, the rest to `baseline`. */
export interface CanarySplit {
  share: number;
  baseline: Variant;
  candidate: Variant;
}

/** Which variant a document gets under a canary. */
export function chooseVariant(documentId: string, split: CanarySplit): { variant: 'baseline' | 'candidate' } & Variant {
  return splitBucket(documentId) < split.share
    ? { variant: 'candidate', ...split.candidate }
    : { variant: 'baseline', ...split.baseline };
}

/** `settings` with the model and prompt version of the variant `documentId` falls in (unchanged without a canary). */
export function applyVariant<T extends Variant & { variant?: 'baseline' | 'candidate' }>(
  settings: T,
  documentId: string,
  canary: CanarySplit | undefined,
): T {
  if (!canary) return settings;
  const chosen = chooseVariant(documentId, canary);
  return { ...settings, model: chosen.model, promptVersion: chosen.promptVersion, variant: chosen.variant };
}
