/** The page's colours. */
export const COLOR = {
  primary: '#4f46e5',
  primaryLight: '#a5b4fc',
  warn: '#d97706',
  bad: '#dc2626',
  good: '#059669',
  grid: '#e2e8f0',
  muted: '#64748b',
  track: '#eef2f7',
} as const;

export const FINISH_COLORS: Record<string, string> = {
  stop: COLOR.good,
  length: COLOR.warn,
  content_filter: COLOR.bad,
  tool_calls: COLOR.primary,
  function_call: COLOR.primaryLight,
};

export const CLASS_COLORS: Record<string, string> = {
  transient: '#f59e0b',
  operator: COLOR.bad,
  input: '#8b5cf6',
  output: '#0ea5e9',
  low_confidence: COLOR.muted,
};

const FALLBACK_COLORS = ['#0ea5e9', '#8b5cf6', '#f43f5e', '#14b8a6', '#94a3b8', '#eab308'];

/** The palette's colour for `key`, else the `index`-th of the fallback colours. */
export const colorFor = (palette: Record<string, string>, key: string, index: number): string =>
  palette[key] ?? FALLBACK_COLORS[index % FALLBACK_COLORS.length] ?? COLOR.muted;
