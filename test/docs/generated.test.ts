import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { generatedPages } from '../../scripts/gen-docs.js';

describe('the generated docs', () => {
  it('match the env schema, the OpenAPI document and the latest benchmark (npm run docs rewrites them)', async () => {
    const pages = await generatedPages();
    assert.deepEqual(
      pages.map((p) => p.path),
      ['docs/configuration.md', 'docs/http-api.md', 'bench/README.md'],
    );
    for (const page of pages) {
      assert.equal(
        readFileSync(page.path, 'utf8'),
        page.expected,
        `${page.path} is out of date: run npm run docs and commit the result`,
      );
    }
  });
});
