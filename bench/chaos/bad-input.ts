import type { Prng } from '../../src/simulator/prng.js';

/**
 * The bad-input corpus: malformed and hostile requests against every route of the API's `/openapi.json` (so routes
 * added later are covered), built from the values that broke routes before (issue 13) and that
 * `test/fuzz/openapi-fuzz.test.ts` generates around. Every body carries the campaign's marker, so that an error path
 * that logs what it was sent shows up in the marker search.
 */

/** Path segments: NUL, separators, malformed escapes, lone surrogates, long and odd ids. */
const HOSTILE_SEGMENTS = [
  '%00',
  'a%00b',
  '%2F',
  '%',
  '%E0%A4%A',
  '%ED%A0%80',
  '%F0%9F%98%80',
  '%20',
  "x'y",
  'a'.repeat(300),
  '-leading-dash',
  'doc-00000000000000000000000000000000',
];
/** Query values: hex, exponents, huge relative dates, NUL, dates out of range. */
const HOSTILE_QUERY_VALUES = [
  '',
  '-1',
  '0x10',
  '1e999',
  'NaN',
  '99999999999d',
  '9999999h',
  '2026-13-45',
  '+275760-09-13',
  '\u0000',
  'a'.repeat(2000),
];
/** Whole bodies that are not the JSON a route wants. */
const HOSTILE_BODIES = [
  '',
  '{',
  'NaN',
  'null',
  '[]',
  '1',
  '{"a":}',
  '\uFEFF{}',
  `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
];
const CONTENT_TYPES = [
  'application/json-patch+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
];

/** Fragments spliced into an otherwise plausible object; `M` stands for the marker. */
const HOSTILE_FRAGMENTS = [
  '"__proto__":{"polluted":"M"}',
  '"n":1e999',
  '"n":123456789012345678901234567890',
  '"metadata":{"s":"M\\u0000"}',
  '"metadata":{"M\\u0000":1}',
  '"metadata":{"s":"\\ud800M"}',
  `"metadata":${'{"a":'.repeat(5000)}"M"${'}'.repeat(5000)}`,
  '"text":"\\u200b\\u200b"',
  '"text":"M\\u0000"',
  '"text":""',
  '"metadata":[]',
  '"category":"M"',
  '"share":1e-400',
  '"model":"' + 'M'.repeat(50) + '"',
  '"documents":[{"text":"M","metadata":{"k":"M\\u0000"}}]',
  '"documents":[]',
  '"mode":"M"',
  '"taxonomy":"M"',
];

interface Operation {
  method: string;
  path: string;
  query: string[];
  body: boolean;
}

/** One request of the corpus; `label` says what is hostile about it (never the marker). */
export interface BadRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  label: string;
}

type OpenApi = {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown }>>;
};

function operations(doc: OpenApi): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      body: op.requestBody !== undefined,
    })),
  );
}

function fillPath(path: string, segment: string): string {
  return path.replace(/\{\w+\}/g, segment);
}

/** Every hostile request the corpus holds for one operation, before sampling. */
function casesFor(op: Operation, marker: string, auth: Record<string, string>): BadRequest[] {
  const cases: BadRequest[] = [];
  const plausiblePath = fillPath(op.path, 'chaos-unknown-id');
  const json = { ...auth, 'content-type': 'application/json' };
  const base = `{"text":"A note ${marker}","metadata":{"m":"${marker}"}}`;
  if (op.path.includes('{')) {
    for (const segment of HOSTILE_SEGMENTS) {
      cases.push({
        method: op.method,
        url: fillPath(op.path, segment),
        headers: op.body ? json : auth,
        ...(op.body ? { body: base } : {}),
        label: `path segment ${JSON.stringify(segment.slice(0, 20))}`,
      });
    }
  }
  for (const name of op.query.length > 0 ? op.query : ['x']) {
    for (const value of HOSTILE_QUERY_VALUES) {
      cases.push({
        method: op.method,
        url: `${plausiblePath}?${encodeURIComponent(name)}=${encodeURIComponent(value)}`,
        headers: auth,
        label: `query ${name}=${JSON.stringify(value.slice(0, 20))}`,
      });
    }
  }
  if (op.method !== 'GET') {
    for (const body of HOSTILE_BODIES) {
      cases.push({
        method: op.method,
        url: plausiblePath,
        headers: json,
        body,
        label: `body ${JSON.stringify(body.slice(0, 12))}`,
      });
    }
    for (const type of CONTENT_TYPES) {
      cases.push({
        method: op.method,
        url: plausiblePath,
        headers: { ...auth, 'content-type': type },
        body: base,
        label: `content-type ${type}`,
      });
    }
    for (const fragment of HOSTILE_FRAGMENTS) {
      cases.push({
        method: op.method,
        url: plausiblePath,
        headers: json,
        body: `{${fragment.replaceAll('M', marker)},"reviewer":"x","id":"chaos-bad-${cases.length}","text":"t ${marker}"}`,
        label: `fragment ${fragment.slice(0, 40)}`,
      });
    }
  }
  return cases;
}

/**
 * Up to `perRoute` hostile requests for every operation of `/openapi.json`, drawn with `prng` (the same seed, the
 * same corpus), sent with the admin token so that they reach validation and the handlers behind it.
 */
export function badInputCorpus(
  doc: OpenApi,
  options: { marker: string; adminToken: string; perRoute: number; prng: Prng },
): BadRequest[] {
  const auth = { authorization: `Bearer ${options.adminToken}` };
  const corpus: BadRequest[] = [];
  for (const op of operations(doc)) {
    const cases = casesFor(op, options.marker, auth);
    for (let i = cases.length - 1; i > 0; i--) {
      const j = Math.floor(options.prng.next() * (i + 1));
      [cases[i], cases[j]] = [cases[j] as BadRequest, cases[i] as BadRequest];
    }
    corpus.push(...cases.slice(0, options.perRoute));
  }
  return corpus;
}

/** What the API answered the corpus: statuses per route, and each 5xx or unanswered request. */
export interface BadInputOutcome {
  requests: number;
  statuses: Record<string, number>;
  serverErrors: { request: string; status: number }[];
  unanswered: string[];
  /** When a resume route answered 200 (epoch ms): the corpus acted as an operator. */
  resumes: number[];
}

/** Sends the corpus a few requests at a time, spread over `spreadMs`. */
export async function sendBadInput(apiUrl: string, corpus: BadRequest[], spreadMs: number): Promise<BadInputOutcome> {
  const outcome: BadInputOutcome = { requests: 0, statuses: {}, serverErrors: [], unanswered: [], resumes: [] };
  const pause = corpus.length > 0 ? spreadMs / corpus.length : 0;
  for (const req of corpus) {
    const name = `${req.method} ${req.url.slice(0, 80)} (${req.label})`;
    outcome.requests++;
    const sentAt = Date.now();
    try {
      const res = await fetch(`${apiUrl}${req.url}`, {
        method: req.method,
        headers: req.headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
        signal: AbortSignal.timeout(15_000),
      });
      await res.arrayBuffer();
      const key = String(res.status);
      outcome.statuses[key] = (outcome.statuses[key] ?? 0) + 1;
      if (res.status >= 500) outcome.serverErrors.push({ request: name, status: res.status });
      if (res.status === 200 && /\/resume(\?|$)/.test(req.url)) outcome.resumes.push(sentAt);
    } catch {
      outcome.unanswered.push(name);
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
  return outcome;
}
