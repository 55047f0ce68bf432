import { asSchema, messageText, type ChatRequest, type JsonSchema } from './request.js';

/** Categories used when neither the schema nor the system prompt names any. */
export const DEFAULT_CATEGORIES = ['technical', 'business', 'legal', 'marketing', 'other'] as const;

/** Keywords that vote for the default categories; other categories are voted for by their own name. */
const KEYWORDS: Record<string, readonly string[]> = {
  technical: [
    'technical',
    'api',
    'server',
    'database',
    'bug',
    'deploy',
    'deployment',
    'code',
    'kubernetes',
    'latency',
    'software',
    'endpoint',
    'outage',
    'cpu',
    'memory',
    'cache',
    'backend',
    'frontend',
    'infrastructure',
    'docker',
    'sql',
    'query',
    'crash',
    'stack trace',
    'microservice',
    'network',
    'timeout',
    'compiler',
  ],
  business: [
    'business',
    'revenue',
    'quarter',
    'quarterly',
    'customer',
    'customers',
    'sales',
    'market share',
    'profit',
    'margin',
    'growth',
    'forecast',
    'budget',
    'earnings',
    'investor',
    'investors',
    'pricing',
    'kpi',
    'strategy',
    'acquisition',
    'roi',
  ],
  legal: [
    'legal',
    'contract',
    'agreement',
    'clause',
    'liability',
    'court',
    'gdpr',
    'compliance',
    'lawsuit',
    'attorney',
    'indemnity',
    'indemnification',
    'regulation',
    'regulatory',
    'jurisdiction',
    'breach',
    'nda',
    'plaintiff',
    'defendant',
    'statute',
    'counsel',
    'warranty',
    'intellectual property',
    'patent',
  ],
  marketing: [
    'marketing',
    'campaign',
    'brand',
    'seo',
    'audience',
    'launch',
    'social media',
    'advertising',
    'ads',
    'newsletter',
    'influencer',
    'engagement',
    'conversion',
    'funnel',
    'promotion',
    'press release',
    'webinar',
    'click-through',
    'impressions',
  ],
};

/** The confidence of {@link classify} when no keyword of any category is found. */
export const NO_KEYWORDS_CONFIDENCE = 0.3;

/** A deterministic classification of a text. */
export interface Classification {
  category: string;
  confidence: number;
  reasoning: string;
}

/**
 * The categories a request asks for: the `enum` of a `category` property in its JSON schema (response_format or
 * tool parameters), else a "Categories: a, b, c" line in a system message, else {@link DEFAULT_CATEGORIES}.
 */
export function findCategories(request: ChatRequest, schema: JsonSchema | undefined): string[] {
  const fromSchema = schema && categoryEnum(schema);
  if (fromSchema && fromSchema.length > 0) return fromSchema;
  for (const message of request.messages) {
    if (message.role !== 'system' && message.role !== 'developer') continue;
    const line = /^[\s\-*#>]*categories\s*:\s*(.+)$/im.exec(messageText(message));
    const names = line?.[1]
      ?.split(/[,|]/)
      .map((name) => name.trim().replace(/^["'`]+|["'`.]+$/g, ''))
      .filter((name) => name.length > 0);
    if (names && names.length > 0) return names;
  }
  return [...DEFAULT_CATEGORIES];
}

/**
 * Scores `text` against each category (keyword lists for the default ones, the category's own name for others) and
 * picks the best; confidence grows with the margin over the runner-up, from 0.55 to 0.97. Nothing matched: 'other' if
 * offered (else the first category) with confidence 0.3.
 */
export function classify(text: string, categories: readonly string[]): Classification {
  const lower = text.toLowerCase();
  const scored = categories.map((category, index) => {
    const keywords = KEYWORDS[category.toLowerCase()] ?? nameKeywords(category);
    const counts = keywords.map((keyword) => countOccurrences(lower, keyword));
    const matched = keywords.filter((_, i) => (counts[i] ?? 0) > 0);
    const score = counts.reduce((sum, count) => sum + count, 0);
    return { category, index, matched, score };
  });
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  const [best, second] = scored;
  if (!best || best.score === 0) {
    const fallback = categories.find((c) => c.toLowerCase() === 'other') ?? categories[0] ?? 'other';
    return {
      category: fallback,
      confidence: NO_KEYWORDS_CONFIDENCE,
      reasoning: `[simulated] No category keywords found; defaulting to ${fallback}.`,
    };
  }
  const margin = (best.score - (second?.score ?? 0)) / best.score;
  const confidence = 0.55 + 0.42 * margin * Math.min(1, best.score / 3);
  return {
    category: best.category,
    confidence: Math.round(confidence * 100) / 100,
    reasoning: `[simulated] Mentions ${best.matched.slice(0, 5).join(', ')}, which suggests ${best.category}.`,
  };
}

/** The values an answer should carry; anything else the schema requires gets a neutral value. */
export interface AnswerFields {
  category: string;
  confidence: number;
  reasoning: string;
}

const REASONING_KEYS = new Set(['reasoning', 'rationale', 'explanation', 'reason']);

/** An object filling the schema's required properties (all three fields when there is no schema). */
export function buildAnswer(schema: JsonSchema | undefined, fields: AnswerFields): Record<string, unknown> {
  if (!schema || !asSchema(schema['properties'])) return { ...fields };
  const value = valueFor(schema, '', fields);
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { ...fields };
}

function valueFor(schema: JsonSchema, key: string, fields: AnswerFields): unknown {
  if (key === 'category') return fields.category;
  if (key === 'confidence') return fields.confidence;
  if (REASONING_KEYS.has(key)) return fields.reasoning;
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['enum'])) return schema['enum'][0];
  const options = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(options)) {
    const option = options.map(asSchema).find((o) => o && o['type'] !== 'null');
    return option ? valueFor(option, key, fields) : null;
  }
  const types = Array.isArray(schema['type']) ? schema['type'] : [schema['type']];
  const type = types.find((t) => t !== 'null') ?? (types.includes('null') ? 'null' : undefined);
  const properties = asSchema(schema['properties']);
  if (type === 'object' || properties) {
    const required = Array.isArray(schema['required']) ? schema['required'].map(String) : [];
    const result: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(properties ?? {})) {
      const wanted =
        required.includes(name) || name === 'category' || name === 'confidence' || REASONING_KEYS.has(name);
      const childSchema = asSchema(child);
      if (wanted && childSchema) result[name] = valueFor(childSchema, name, fields);
    }
    return result;
  }
  switch (type) {
    case 'string':
      return '[simulated]';
    case 'number':
    case 'integer':
      return typeof schema['minimum'] === 'number' ? schema['minimum'] : 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default:
      return null;
  }
}

/** The enum of the first `category` property found in a schema. */
function categoryEnum(schema: JsonSchema): string[] | undefined {
  const properties = asSchema(schema['properties']);
  const category = asSchema(properties?.['category']);
  const values = category && enumValues(category);
  if (values) return values;
  const children = [...Object.values(properties ?? {}), schema['items'], ...arrayOf(schema['anyOf'])];
  for (const child of children) {
    const childSchema = asSchema(child);
    const found = childSchema && categoryEnum(childSchema);
    if (found) return found;
  }
  return undefined;
}

function enumValues(schema: JsonSchema): string[] | undefined {
  if (Array.isArray(schema['enum'])) return schema['enum'].filter((v): v is string => typeof v === 'string');
  const options = [...arrayOf(schema['anyOf']), ...arrayOf(schema['oneOf'])].map(asSchema);
  const consts = options.flatMap((o) => (o && typeof o['const'] === 'string' ? [o['const']] : []));
  if (consts.length > 0) return consts;
  for (const option of options) {
    const values = option && enumValues(option);
    if (values) return values;
  }
  return undefined;
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function nameKeywords(category: string): string[] {
  const name = category.toLowerCase().trim();
  const words = name.split(/[\s_\-/]+/).filter((w) => w.length > 2);
  return [...new Set([name, `${name}s`, ...(words.length > 1 ? words : [])])];
}

/** Compiled keyword patterns: a Batch API job classifies thousands of lines at once. */
const KEYWORD_PATTERNS = new Map<string, RegExp>();

function countOccurrences(text: string, keyword: string): number {
  let pattern = KEYWORD_PATTERNS.get(keyword);
  if (!pattern) {
    const escaped = keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'gu');
    KEYWORD_PATTERNS.set(keyword, pattern);
  }
  // String.prototype.match with a global pattern starts at 0 and leaves lastIndex at 0: sharing it is safe.
  return text.match(pattern)?.length ?? 0;
}
