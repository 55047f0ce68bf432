/**
 * `npm run docs`: regenerates what docs/ takes from the code, so the pages cannot drift from it:
 * docs/configuration.md from the zod env schema, the route table of docs/http-api.md from the OpenAPI
 * document, and the latest figures of bench/README.md from bench/results/latest.md. `npm run docs -- --check` writes nothing and exits 1 when a committed page is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchSummary } from './gen-bench-summary.js';
import { renderConfigurationPage } from './gen-config-doc.js';
import { formatMarkdown, replaceBetweenMarkers } from './gen-markdown.js';
import { openApiDocument, renderRouteTable } from './gen-route-table.js';

/** A generated page: where it lives and what it should hold. */
export interface GeneratedPage {
  path: string;
  expected: string;
}

/** Every generated page as the code says it should read, formatted by Prettier. */
export async function generatedPages(root = process.cwd()): Promise<GeneratedPage[]> {
  const configPath = 'docs/configuration.md';
  const apiPath = 'docs/http-api.md';
  const benchPath = 'bench/README.md';
  const api = replaceBetweenMarkers(
    readFileSync(`${root}/${apiPath}`, 'utf8'),
    'routes',
    renderRouteTable(await openApiDocument()),
  );
  return [
    { path: configPath, expected: await formatMarkdown(renderConfigurationPage(root), `${root}/${configPath}`) },
    { path: apiPath, expected: await formatMarkdown(api, `${root}/${apiPath}`) },
    {
      path: benchPath,
      expected: await formatMarkdown(
        replaceBetweenMarkers(readFileSync(`${root}/${benchPath}`, 'utf8'), 'latest', benchSummary(root)),
        `${root}/${benchPath}`,
      ),
    },
  ];
}

/** Writes the pages (or, with `check`, only compares them); returns the paths that were out of date. */
export async function generateDocs(check: boolean, root = process.cwd()): Promise<string[]> {
  const stale: string[] = [];
  for (const page of await generatedPages(root)) {
    let current = '';
    try {
      current = readFileSync(`${root}/${page.path}`, 'utf8');
    } catch {
      // A missing page is out of date.
    }
    if (current === page.expected) continue;
    stale.push(page.path);
    if (!check) writeFileSync(`${root}/${page.path}`, page.expected);
  }
  return stale;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const check = process.argv.includes('--check');
  const stale = await generateDocs(check);
  if (check && stale.length > 0) {
    process.stderr.write(`out of date: ${stale.join(', ')}; run npm run docs and commit the result\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(stale.length ? `wrote ${stale.join(', ')}\n` : 'docs are up to date\n');
  }
}
