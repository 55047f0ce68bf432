/** Context windows (tokens) of the models Docket knows; an unknown model is assumed to have the smallest common one. */
const CONTEXT_WINDOWS: Record<string, number> = {
  'gpt-4o-mini': 128_000,
  'gpt-4o': 128_000,
  'gpt-4.1-mini': 1_047_576,
  'gpt-4.1': 1_047_576,
  'gpt-4.1-nano': 1_047_576,
  'gpt-5': 400_000,
  'gpt-5-mini': 400_000,
  'gpt-5-nano': 400_000,
  'o4-mini': 200_000,
};
const UNKNOWN_MODEL_CONTEXT_WINDOW = 128_000;

export function contextWindow(model: string): number {
  return CONTEXT_WINDOWS[model] ?? UNKNOWN_MODEL_CONTEXT_WINDOW;
}
