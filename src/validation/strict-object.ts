import { z } from 'zod';

/**
 * A strict object whose unknown fields (or query parameters) are named, with the nearest known one suggested:
 * `unknown field "txt": did you mean "text"?`. A typo is an error, never silently ignored.
 */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape, noun: 'field' | 'query parameter' = 'field') {
  const known = Object.keys(shape);
  const plural = noun === 'field' ? 'fields' : 'query parameters';
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const [first = ''] = issue.keys;
      const near = nearest(first, known);
      const more = issue.keys.length > 1 ? ` (and ${issue.keys.length - 1} more)` : '';
      const hint = near ? `did you mean "${near}"?` : `the ${plural} are ${known.join(', ')}`;
      return `unknown ${noun} "${first}"${more}: ${hint}`;
    },
  });
}

/** The known name closest to `name` (case-insensitive edit distance of at most a third of its length), if any. */
function nearest(name: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(name.toLowerCase(), key.toLowerCase());
    if (distance <= Math.max(1, Math.floor(key.length / 3)) && (!best || distance < best.distance)) {
      best = { key, distance };
    }
  }
  return best?.key;
}

/** Levenshtein distance, one row at a time; field names are short. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}
