import type { z } from 'zod';

/** What each field holds, by field name, in the words a message uses when the field is missing or of the wrong type. */
export type FieldHints = Readonly<Record<string, string>>;

/** Where a value that failed its schema came from, and what its fields hold. */
export interface IssueContext {
  /** What was validated, to tell a missing field from one of the wrong type. */
  input: unknown;
  /** Where it came from (`json`, `query`, `param`): a query string repeats a parameter as an array. */
  target?: string;
  hints: FieldHints;
}

/** A field path as a reader writes it: `documents[2].metadata.source`, or `the body` for the whole of it. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the body';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

/**
 * The message of a value that failed validation, in the caller's terms: `text is required: the document's text
 * as a string` rather than zod's `expected string, received undefined`. The API words a request body this way, and
 * the environment a JSON setting checked by the same schema (DOCKET_CANARY), so both say the same.
 */
export function describeIssue(issue: z.core.$ZodIssue, context: IssueContext): string {
  const where = formatPath(issue.path);
  const leaf = issue.path.at(-1);
  const hint = typeof leaf === 'string' ? context.hints[leaf] : undefined;
  if (issue.code === 'invalid_type') {
    const value = valueAt(context.input, issue.path);
    const wanted = hint ?? `a ${issue.expected}`;
    if (value === undefined) return `${where} is required: ${wanted}`;
    // A query string repeats a parameter as `?limit=1&limit=2`, which arrives as an array.
    if (context.target === 'query' && Array.isArray(value))
      return `${where} is given ${value.length} times: send it once`;
    return `${where} must be ${wanted}, not ${describeType(value)}`;
  }
  const bound = describeBound(issue);
  if (bound) return `${where} ${bound}`;
  if (issue.code === 'invalid_value' && issue.message.startsWith('Invalid option')) {
    return `${where} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (issue.path.length === 0) return issue.message;
  // Messages that already name their field (`text is empty: …`) get the full path in its place.
  if (typeof leaf === 'string' && issue.message.startsWith(`${leaf} `)) return where + issue.message.slice(leaf.length);
  return `${where}: ${issue.message}`;
}

/**
 * The issue to report of several: an unknown field usually explains the missing one beside it (`txt` for `text`), so
 * it comes first; otherwise zod's first.
 */
export function mainIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue | undefined {
  return issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
}

/** zod's default wording of a violated bound (`Too big: expected number to be <=1`) as `must be at most 1`. */
function describeBound(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== 'too_big' && issue.code !== 'too_small') return undefined;
  // A message written for the schema says more than the default: keep it.
  if (!/^Too (big|small)/.test(issue.message)) return undefined;
  const big = issue.code === 'too_big';
  const limit = Number(big ? issue.maximum : issue.minimum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'string':
      return big ? `is longer than ${limit} characters: shorten it` : `needs at least ${limit} characters`;
    case 'array':
      return big ? `has more than ${limit} items` : `needs at least ${limit} items`;
    default:
      return `must be ${big ? (inclusive ? 'at most' : 'less than') : inclusive ? 'at least' : 'more than'} ${limit}`;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
