/**
 * The "Latest figures" of bench/README.md: the Goals table of bench/results/latest.md, which `npm run bench`
 * rewrites, copied with the run's date and commit, so the page that owns the figures cannot quote stale ones.
 */
import { readFileSync } from 'node:fs';

const LATEST = 'bench/results/latest.md';

/** The run's timestamp and commit, and its Goals table, from the text of latest.md. */
export function renderBenchSummary(latest: string): string {
  const run = /^# .*?—\s*(\S+)/m.exec(latest)?.[1];
  const commit = /Commit (\w+)/.exec(latest)?.[1];
  const goals = /^## Goals\n([\s\S]*?)(?=^## )/m.exec(latest)?.[1]?.trim();
  if (!run || !goals) throw new Error(`${LATEST} has no title with a date or no "## Goals" section`);
  const from = `From [\`${LATEST}\`](results/latest.md): run ${run}${commit ? `, commit ${commit}` : ''}.`;
  return `${from}\n\n${goals}`;
}

/** The summary of the committed latest.md under `root`. */
export function benchSummary(root: string): string {
  return renderBenchSummary(readFileSync(`${root}/${LATEST}`, 'utf8'));
}
