/** The relative links of the docs and the anchors they point at, so that a moved section cannot leave a dead link. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown file's headings (outside fenced blocks). */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(`{3,}|~{3,})/.test(line)) fenced = !fenced;
    const heading = fenced ? undefined : /^#{1,6}\s+(.*)$/.exec(line)?.[1];
    if (heading) anchors.add(headingAnchor(heading));
  }
  return anchors;
}

/** A link whose target file exists but has no such heading, as `file: target`. */
export function deadAnchors(files: readonly string[], root: string): string[] {
  const dead: string[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const markdown = readFileSync(file, 'utf8').replace(/^\s*(`{3,}|~{3,})[\s\S]*?^\s*\1/gm, '');
    for (const [, target] of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!target || /^[a-z]+:/.test(target)) continue;
      const [path = '', anchor] = target.split('#');
      const linked = path ? join(dirname(file), path) : file;
      if (anchor === undefined || !linked.endsWith('.md') || !existsSync(linked)) continue;
      if (!anchorsOf(readFileSync(linked, 'utf8')).has(anchor)) dead.push(`${relative(root, file)}: ${target}`);
    }
  }
  return dead;
}
