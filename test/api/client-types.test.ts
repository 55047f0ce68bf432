import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { clientTypesSource, CLIENT_TYPES_PATH } from '../../scripts/gen-client-types.js';

describe('the typed client', () => {
  it('takes its types from the OpenAPI document as it is now (npm run docs regenerates them)', async () => {
    assert.equal(
      readFileSync(CLIENT_TYPES_PATH, 'utf8'),
      await clientTypesSource(),
      `${CLIENT_TYPES_PATH} is out of date: run npm run docs and commit the result`,
    );
  });

  it('imports nothing from the server: only its own modules', () => {
    for (const file of readdirSync('src/client').filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(`src/client/${file}`, 'utf8');
      const specifiers = [...source.matchAll(/^(?:import|export)\b[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
      assert.deepEqual(
        specifiers.filter((s) => !s?.startsWith('./')),
        [],
        `src/client/${file} imports from outside src/client`,
      );
    }
  });
});
