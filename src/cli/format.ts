import type { DocumentStatus, DocumentView, ReviewItem } from '../client/docket-client.js';
import { formatUsd } from '../reports/format-text.js';
import { DOCUMENT_STATUSES } from '../shared/status.js';
import type { CollectedInputs } from './inputs.js';

const EXCERPT_CHARS = 160;
/** Documents listed one per line in readable output; past this only the summary and the exceptions. */
export const LIST_LIMIT = 20;

/** The first characters of a text on one line: documents are never printed whole. */
export function excerpt(text: string, chars = EXCERPT_CHARS): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= chars ? line : `${line.slice(0, chars - 1)}…`;
}

/** Dollars as the reports print them: `$0.000056`, `$0.0123`, `$12.50`. */
export function formatCost(usd: number): string {
  return usd === 0 ? '$0' : formatUsd(usd);
}

/**
 * A dollar amount without binary float noise (`0.000056099999999999995` → `0.0000561`): ten significant digits are
 * far beyond any price's precision.
 */
export function roundUsd(usd: number): number {
  return Number.isFinite(usd) ? Number(usd.toPrecision(10)) : usd;
}

/** `JSON.stringify` replacer for CLI output: every `…Usd` / `usd` number rounded with `roundUsd`. */
export function jsonCosts(key: string, value: unknown): unknown {
  return typeof value === 'number' && /usd$/i.test(key) ? roundUsd(value) : value;
}

/** `1 call`, `2 calls`; `many` for words that do not take an s (`workflow histories`). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Names the files a folder held that are not plain text: the first `LIST_LIMIT`, then how many more. */
export function skippedLines(skipped: CollectedInputs['skipped']): string[] {
  const lines = skipped.slice(0, LIST_LIMIT).map((s) => `skipped ${s.source}: ${s.reason}`);
  if (skipped.length > LIST_LIMIT) lines.push(`skipped ${skipped.length - LIST_LIMIT} more files that cannot be sent`);
  return lines;
}

/** One line per document: id, status, and what decided it or what it waits for. */
export function formatDocument(view: DocumentView): string {
  const parts = [view.id, view.status];
  if (view.result) {
    const r = view.result;
    const by =
      r.decidedBy === 'human'
        ? `decided by human (${r.reviewer ?? 'unknown reviewer'})`
        : `decided by model ${r.model}`;
    parts.push(`${r.category} (confidence ${r.confidence.toFixed(2)}, ${by})`);
    if (r.note) parts.push(`note: ${excerpt(r.note, 80)}`);
  } else if (view.review) {
    const s = view.review.suggestion;
    parts.push(
      `reason ${view.review.reason}${s ? `; the model suggests ${s.category} (${s.confidence.toFixed(2)})` : ''}`,
    );
  } else if (view.pause) {
    parts.push(`reason ${view.pause.reason}${view.pause.lastError ? `: ${excerpt(view.pause.lastError, 120)}` : ''}`);
  }
  parts.push(`${plural(view.calls, 'call')}, ${formatCost(view.costUsd)}`);
  return parts.join('  ');
}

/** Documents per status, every status present (zero when none). */
export function countStatuses(views: Iterable<DocumentView>): Record<DocumentStatus, number> {
  const counts = Object.fromEntries(DOCUMENT_STATUSES.map((s) => [s, 0])) as Record<DocumentStatus, number>;
  for (const v of views) counts[v.status] += 1;
  return counts;
}

/** `3 documents: 2 completed (technical 1, legal 1), 1 pending_review · 4 calls · $0.0001`. */
export function formatSummary(views: readonly DocumentView[]): string {
  const counts = countStatuses(views);
  const categories = new Map<string, number>();
  for (const v of views) if (v.result) categories.set(v.result.category, (categories.get(v.result.category) ?? 0) + 1);
  const parts = DOCUMENT_STATUSES.filter((s) => counts[s] > 0).map((s) => {
    if (s !== 'completed' || categories.size === 0) return `${counts[s]} ${s}`;
    const byCategory = [...categories].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`);
    return `${counts[s]} completed (${byCategory.join(', ')})`;
  });
  const calls = views.reduce((sum, v) => sum + v.calls, 0);
  const cost = views.reduce((sum, v) => sum + v.costUsd, 0);
  return `${plural(views.length, 'document')}: ${parts.join(', ') || 'none'} · ${plural(calls, 'call')} · ${formatCost(cost)}`;
}

/** A pending review in four lines: title and reason, taxonomy, the model's suggestion, and an excerpt. */
export function formatReview(item: ReviewItem): string {
  const s = item.suggestion;
  const named = item.title !== item.id ? `${item.title}  (${item.id})` : item.id;
  return [
    `${named}  ${item.reason}  since ${item.since}`,
    `  taxonomy ${item.taxonomy}: ${item.categories.join(', ')}`,
    ...(s ? [`  the model suggests ${s.category} (${s.confidence.toFixed(2)}): ${excerpt(s.reasoning, 120)}`] : []),
    `  "${excerpt(item.excerpt)}"`,
  ].join('\n');
}
