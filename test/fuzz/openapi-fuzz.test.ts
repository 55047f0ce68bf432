import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createApp } from '../../src/api/app.js';
import { startDocket, TEST_TOKENS, type DocketTestEnv } from '../helpers/docket.js';

/**
 * Property: no request a client can send gets a 5xx. Requests are generated from `/openapi.json` (every path and
 * method, so routes added later are covered without touching this file) with hostile path parameters, query
 * values, bodies and content types, against the app in-process over a real database and a real Temporal server.
 */

/** Runs per route, and a time budget for all routes together (shared equally) so the fuzzing stays under a minute. */
const RUNS_PER_ROUTE = Number(process.env.DOCKET_FUZZ_RUNS ?? 60);
const TOTAL_MS = Number(process.env.DOCKET_FUZZ_MS ?? 45_000);
const SEED = process.env.DOCKET_FUZZ_SEED ? Number(process.env.DOCKET_FUZZ_SEED) : undefined;

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
}
interface Operation {
  method: string;
  path: string;
  parameters?: { name: string; in: string; schema?: JsonSchema }[];
  requestBody?: { content: Record<string, { schema?: JsonSchema }> };
}
interface OpenApi {
  paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** Path segments that broke routes before: NUL, separators, malformed escapes, lone surrogates, long and odd ids. */
const HOSTILE_SEGMENTS = [
  '%00',
  'a%00b',
  '%2F',
  '..',
  '%',
  '%E0%A4%A',
  '%ED%A0%80',
  '%F0%9F%98%80',
  '%20',
  "x'y",
  'a'.repeat(300),
  '-leading-dash',
  'doc-00000000000000000000000000000000',
  '00000000-0000-0000-0000-000000000000',
];
/** Query values that broke or were altered before: hex, exponents, huge relative dates, NUL, dates out of range. */
const HOSTILE_QUERY_VALUES = [
  '',
  '0',
  '-1',
  '0x10',
  '1e3',
  '1e999',
  'NaN',
  'Infinity',
  '99999999999d',
  '9999999h',
  '24h',
  '7d',
  '2026-11-01',
  '2026-13-45',
  '+275760-09-13',
  '1',
  'true',
  '\u0000',
  'json',
  'html',
  'text',
];
/** Fragments spliced into otherwise plausible JSON objects. */
const HOSTILE_FRAGMENTS = [
  '"__proto__":{"polluted":true}',
  '"constructor":{"prototype":{"x":1}}',
  '"n":1e999',
  '"n":-1e999',
  '"n":123456789012345678901234567890',
  '"n":9007199254740993',
  '"s":"a\\u0000b"',
  '"s":"\\ud800"',
  '"s":"\\udfff\\ud800"',
  `"deep":${'['.repeat(6000)}${']'.repeat(6000)}`,
  `"deep":${'{"a":'.repeat(40)}1${'}'.repeat(40)}`,
  '"text":"\\u200b\\u200b"',
  '"text":"\\u0000"',
  '"metadata":{"\\u0000":1}',
  '"metadata":[]',
  '"metadata":"x"',
  '"share":1e-400',
  '"share":-0',
  '"id":"%00"',
  '"documents":[]',
  '"txt":"typo"',
];
/** Whole bodies that are not the JSON a route wants. */
const HOSTILE_BODIES = [
  '',
  '{',
  'NaN',
  'null',
  '[]',
  '"a string"',
  '1',
  '{"a":}',
  '\uFEFF{}',
  '{"a":1,"a":2}',
  `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=latin1',
  'application/json-patch+json',
  'application/merge-patch+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  undefined,
];

describe('fuzzing every route of /openapi.json', () => {
  let env: DocketTestEnv;
  let app: ReturnType<typeof createApp>;
  let operations: Operation[] = [];
  let doc: OpenApi;

  before(async () => {
    env = await startDocket();
    app = createApp({ pool: env.pool, client: env.client, config: env.config, logger: env.logger });
    doc = (await (await app.request('/openapi.json')).json()) as OpenApi;
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })),
    );
  });
  after(() => env.stop());

  const resolve = (schema: JsonSchema): JsonSchema => {
    if (!schema.$ref) return schema;
    const name = schema.$ref.replace('#/components/schemas/', '');
    return doc.components?.schemas?.[name] ?? {};
  };

  /** Values that fit `schema` loosely: right shape, random contents, sometimes the wrong type altogether. */
  const valueFor = (raw: JsonSchema, depth = 0): fc.Arbitrary<unknown> => {
    const schema = resolve(raw);
    const variants = schema.anyOf ?? schema.oneOf;
    const anything = fc.jsonValue({ maxDepth: 2 });
    if (variants) return fc.oneof(...variants.map((v) => valueFor(v, depth + 1)));
    if (schema.enum) return fc.oneof(fc.constantFrom(...schema.enum), anything);
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    const shaped = ((): fc.Arbitrary<unknown> => {
      switch (type) {
        case 'object': {
          if (!schema.properties || depth > 4) return fc.dictionary(fc.string(), anything, { maxKeys: 4 });
          const props = Object.fromEntries(
            Object.entries(schema.properties).map(([k, v]) => [k, valueFor(v, depth + 1)]),
          );
          return fc.record(props, { requiredKeys: schema.required ?? [] });
        }
        case 'array':
          return fc.array(valueFor(schema.items ?? {}, depth + 1), { maxLength: 3 });
        case 'string':
          return fc.oneof(
            fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
            fc.lorem({ maxCount: 8 }),
            fc.string({ unit: 'binary', maxLength: 40 }),
            fc.string({ unit: 'grapheme', maxLength: 40 }),
          );
        case 'number':
        case 'integer':
          return fc.oneof(
            fc.integer(),
            fc.double({ noNaN: true, noDefaultInfinity: true }),
            fc.constantFrom(0, 1, 0.5),
          );
        case 'boolean':
          return fc.boolean();
        default:
          return anything;
      }
    })();
    return fc.oneof({ arbitrary: shaped, weight: 6 }, { arbitrary: anything, weight: 1 });
  };

  /** JSON text for a body: a plausible value, the same with a hostile fragment spliced into an object, or junk. */
  const bodyText = (schema: JsonSchema | undefined): fc.Arbitrary<string> => {
    const plausible = valueFor(schema ?? {}).map((v) => JSON.stringify(v) ?? 'null');
    const spliced = fc.tuple(plausible, fc.constantFrom(...HOSTILE_FRAGMENTS), fc.nat()).map(([text, fragment, n]) => {
      const opens = [...text.matchAll(/\{/g)].map((m) => m.index);
      if (opens.length === 0) return `{${fragment}}`;
      const at = opens[n % opens.length]! + 1;
      return `${text.slice(0, at)}${fragment}${text[at] === '}' ? '' : ','}${text.slice(at)}`;
    });
    return fc.oneof(
      { arbitrary: plausible, weight: 4 },
      { arbitrary: spliced, weight: 4 },
      { arbitrary: fc.constantFrom(...HOSTILE_BODIES), weight: 1 },
      { arbitrary: fc.string({ unit: 'binary', maxLength: 60 }), weight: 1 },
    );
  };

  const segment = fc.oneof(
    { arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/), weight: 3 },
    { arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS), weight: 3 },
    { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map(encodeURIComponentSafe), weight: 2 },
  );
  const queryValue = fc.oneof(
    fc.constantFrom(...HOSTILE_QUERY_VALUES),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.integer().map(String),
  );
  // Mostly a token that may call every route, so that requests reach validation and the handlers behind it.
  const token = fc.oneof(
    { arbitrary: fc.constant<string | undefined>(TEST_TOKENS.admin), weight: 8 },
    { arbitrary: fc.constantFrom<string | undefined>(TEST_TOKENS.submitter, TEST_TOKENS.reviewer), weight: 1 },
    { arbitrary: fc.constantFrom<string | undefined>('not-a-token', undefined), weight: 1 },
  );

  /** One request to `op`, described so a failure can be replayed by hand. */
  const requestFor = (op: Operation) => {
    const pathNames = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const queryNames = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    const jsonSchema = op.requestBody?.content['application/json']?.schema;
    const query = fc.array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...(queryNames.length ? queryNames : ['x'])), fc.string({ maxLength: 8 })),
        queryValue,
      ),
      { maxLength: 4 },
    );
    const contentType = op.requestBody
      ? fc.oneof(
          { arbitrary: fc.constant('application/json'), weight: 6 },
          { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 2 },
        )
      : fc.constantFrom(...CONTENT_TYPES);
    const body = op.requestBody
      ? fc.option(bodyText(jsonSchema), { freq: 12 })
      : fc.option(bodyText(undefined), { freq: 2 });
    return fc
      .record({
        segments: fc.tuple(...pathNames.map(() => segment)),
        query,
        contentType,
        body,
        token,
      })
      .map(({ segments, query: pairs, contentType: type, body: text, token: bearer }) => {
        let path = op.path;
        pathNames.forEach((name, i) => (path = path.replace(`{${name}}`, segments[i] ?? '')));
        const search = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        const headers: Record<string, string> = {};
        if (bearer) headers.authorization = `Bearer ${bearer}`;
        if (text !== null && type) headers['content-type'] = type;
        return {
          method: op.method,
          url: `${path}${search ? `?${search}` : ''}`,
          headers,
          ...(text !== null ? { body: text } : {}),
        };
      });
  };

  it('reads every route from /openapi.json', () => {
    assert.ok(operations.length >= 18, `only ${operations.length} operations in /openapi.json`);
  });

  it('answers no generated request with a 5xx, and every 4xx with { error: { code, message } }', async (t) => {
    const started = Date.now();
    let requests = 0;
    const failures: string[] = [];
    const statuses = new Map<string, number>();
    // Every route is fuzzed even after one fails, so that one run reports every broken route.
    for (const op of operations) {
      const details = await fc.check(
        fc.asyncProperty(requestFor(op), async (req) => {
          requests++;
          const res = await app.request(req.url, {
            method: req.method,
            headers: req.headers,
            ...(req.body !== undefined && req.method !== 'GET' ? { body: req.body } : {}),
          });
          const text = await res.text();
          const key = `${op.method} ${op.path} ${res.status}`;
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
          assert.ok(res.status < 500, `${req.method} ${req.url} answered ${res.status}: ${text.slice(0, 300)}`);
          if (res.status >= 400 && req.url.startsWith('/v1/')) {
            const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
            assert.equal(typeof parsed.error?.code, 'string', text);
            assert.equal(typeof parsed.error?.message, 'string', text);
          }
        }),
        {
          numRuns: RUNS_PER_ROUTE,
          ...(SEED !== undefined ? { seed: SEED } : {}),
          plugins: [fc.interruptAfterTimeLimit(Math.floor(TOTAL_MS / operations.length))],
          // A failing case is reported as found: shrinking it against a live server could outlast the file's budget.
          endOnFailure: true,
        },
      );
      if (details.failed) failures.push(`${op.method} ${op.path}: ${fc.defaultReportMessage(details)}`);
    }
    t.diagnostic(`${requests} requests in ${Date.now() - started} ms`);
    for (const [key, n] of [...statuses].sort()) t.diagnostic(`${key}: ${n}`);
    if (failures.length > 0) assert.fail(`${failures.length} route(s) answered a 5xx:\n\n${failures.join('\n\n')}`);
    assert.ok(requests >= operations.length * 5, `only ${requests} requests in ${Date.now() - started} ms`);
  });
});

/** Percent-encodes a generated string, keeping lone surrogates (which encodeURIComponent refuses) as `%ED%A0%80`. */
function encodeURIComponentSafe(value: string): string {
  return [...value]
    .map((ch) => {
      try {
        return encodeURIComponent(ch);
      } catch {
        return '%ED%A0%80';
      }
    })
    .join('');
}
