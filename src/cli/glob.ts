import { readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';

/** Whether a path named on the command line is a glob: it holds `*`, `?` or `{`. */
export function isGlob(path: string): boolean {
  return /[*?{]/.test(path);
}

/**
 * The files a glob matches, sorted: `*` and `?` within one path segment, `**` across segments, `{a,b}` for either.
 * Shells expand globs themselves; this serves a quoted glob (and shells that do not). Like folders, the walk leaves
 * out hidden entries and node_modules unless the glob names them.
 */
export async function expandGlob(pattern: string, cwd: string): Promise<string[]> {
  const normalized = pattern.split(sep).join('/');
  const segments = normalized.split('/');
  const firstMagic = segments.findIndex(isGlob);
  const base = resolve(cwd, segments.slice(0, firstMagic).join('/') || '.');
  const matcher = globRegex(segments.slice(firstMagic).join('/'));
  const found: string[] = [];
  await walk(base, base, matcher, found, /(^|\/)\.[^./]|node_modules/.test(normalized));
  return found.sort();
}

async function walk(base: string, dir: string, matcher: RegExp, found: string[], hidden: boolean): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!hidden && (entry.name.startsWith('.') || entry.name === 'node_modules')) continue;
    const path = join(dir, entry.name);
    // Links are not followed: a folder linked into itself would never end.
    if (entry.isDirectory()) await walk(base, path, matcher, found, hidden);
    else if (entry.isFile() && matcher.test(relative(base, path).split(sep).join('/'))) found.push(path);
  }
}

/** A glob (with `/` separators) as a regular expression over a path relative to its base. */
export function globRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') i++;
      re += glob[i] === '/' ? '(?:.*/)?' : '.*';
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '{' && glob.indexOf('}', i) > i) {
      const end = glob.indexOf('}', i);
      re += `(?:${glob
        .slice(i + 1, end)
        .split(',')
        .map(escapeRegex)
        .join('|')})`;
      i = end;
    } else re += escapeRegex(ch);
  }
  return new RegExp(`^${re}$`);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
