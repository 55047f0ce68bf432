import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { reportSchema } from '../../src/reports/report.js';

// reportSchema is the one declaration of the JSON report: every recorded report must parse to itself, key for key and
// in the same order, so a key the builders write and the schema lacks (parsing drops it) fails here.
const GOLDEN = join(process.cwd(), 'test/fixtures/reports');

describe('reportSchema', () => {
  it('describes every recorded JSON report exactly, in key order', async () => {
    const files = (await readdir(GOLDEN)).filter((name) => name.endsWith('.json.golden'));
    assert.ok(files.length >= 5, `recorded JSON reports in ${GOLDEN}`);
    for (const file of files) {
      const json = await readFile(join(GOLDEN, file), 'utf8');
      const parsed = reportSchema.parse(JSON.parse(json));
      assert.equal(`${JSON.stringify(parsed, null, 2)}\n`, json, file);
    }
  });

  it('rejects a report missing a section', () => {
    const result = reportSchema.safeParse({ generatedAt: '2026-11-01T00:00:00.000Z' });
    assert.equal(result.success, false);
    assert.ok(result.error.issues.some((issue) => issue.path[0] === 'cost'));
  });

  it('converts to JSON Schema for the OpenAPI document, with its descriptions', () => {
    const schema = z.toJSONSchema(reportSchema, { io: 'output' }) as {
      required: string[];
      properties: Record<string, { description?: string }>;
    };
    assert.ok(schema.required.includes('cost') && !schema.required.includes('provider'));
    assert.equal(schema.properties.warnings?.description, "Every section's warnings, in section order.");
  });
});
