import type { DocumentStatus, DocumentView, ReviewItem } from '../client/docket-client.js';
import { DOCUMENT_STATUSES } from '../shared/status.js';

const EXCERPT_CHARS = 160;

/** The first characters of a text on one line: documents are never printed whole. */
export function excerpt(text: string, chars = EXCERPT_CHARS): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= chars ? line : `${line.slice(0, chars - 1)}…`;
}

export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  return usd < 0.01 ? `$${usd.toPrecision(2)}` : `$${usd.toFixed(4)}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

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

/** A review queue entry without its text (only an excerpt), for output. */
export function reviewForOutput(item: ReviewItem): Omit<ReviewItem, 'text'> & { excerpt: string } {
  const { text, ...rest } = item;
  return { ...rest, excerpt: excerpt(text) };
}

export function formatReview(item: ReviewItem): string {
  const s = item.suggestion;
  return [
    `${item.id}  ${item.reason}  since ${item.since}`,
    `  taxonomy ${item.taxonomy}: ${item.categories.join(', ')}`,
    ...(s ? [`  the model suggests ${s.category} (${s.confidence.toFixed(2)}): ${excerpt(s.reasoning, 120)}`] : []),
    `  "${excerpt(item.text)}"`,
  ].join('\n');
}
