import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * `<package>@<version>` of an installed library, read from its package.json (found by walking up from its entry
 * point, since `exports` maps often hide `package.json`). Stored with every extraction so that a result can be
 * traced to the parser that produced it.
 */
export function libraryTag(packageName: string): string {
  let dir = dirname(require.resolve(packageName));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === packageName && manifest.version) return `${packageName}@${manifest.version}`;
    } catch {
      // no package.json at this level: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the version of ${packageName}`);
    dir = parent;
  }
}
