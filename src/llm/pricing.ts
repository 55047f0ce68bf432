/**
 * The price table, versioned: every ledger row is priced with the version in force when it was written.
 * Prices are US dollars per million tokens, from the providers' public price lists.
 */
export const PRICE_TABLE_VERSION = '2026-11-01';

export interface ModelPrice {
  input: number;
  cachedInput: number;
  output: number;
}

const PRICES: Record<string, ModelPrice> = {
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
  'gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4 },
  'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2 },
  'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10 },
  'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4 },
};

/** The Batch API tier costs half of the synchronous one. */
export const BATCH_TIER_DISCOUNT = 0.5;

export interface TokenUsage {
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
}

export interface Priced {
  /** `null` for a model missing from the table: flagged, never priced at zero. */
  costUsd: number | null;
  priced: boolean;
  priceVersion: string;
}

export function modelPrice(model: string): ModelPrice | undefined {
  return PRICES[model] ?? PRICES[model.replace(/-\d{4}-\d{2}-\d{2}$/, '')];
}

/** Dollars for one call: uncached input, cached input and output tokens at their own rates. */
export function priceUsage(model: string, usage: TokenUsage, tier: 'standard' | 'batch' = 'standard'): Priced {
  const price = modelPrice(model);
  if (!price) return { costUsd: null, priced: false, priceVersion: PRICE_TABLE_VERSION };
  const cached = Math.min(usage.cachedTokens, usage.inputTokens);
  const raw =
    ((usage.inputTokens - cached) * price.input + cached * price.cachedInput + usage.outputTokens * price.output) / 1e6;
  return {
    costUsd: tier === 'batch' ? raw * BATCH_TIER_DISCOUNT : raw,
    priced: true,
    priceVersion: PRICE_TABLE_VERSION,
  };
}

/** The dearest price in the table: what a budget assumes for a model it cannot price. */
export const WORST_CASE_PRICE: ModelPrice = Object.values(PRICES).reduce((worst, p) => ({
  input: Math.max(worst.input, p.input),
  cachedInput: Math.max(worst.cachedInput, p.cachedInput),
  output: Math.max(worst.output, p.output),
}));

/** The most a call can cost: every input token uncached and the whole output cap used. */
export function worstCaseCostUsd(model: string, inputTokens: number, maxOutputTokens: number): number {
  const price = modelPrice(model) ?? WORST_CASE_PRICE;
  return (inputTokens * price.input + maxOutputTokens * price.output) / 1e6;
}
