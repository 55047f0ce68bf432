/**
 * Learned pacing: two workers with no DOCKET_LLM_RPM against a provider that enforces RPM (env RPM, default 120) learn
 * the limit from the first 429's x-ratelimit-* headers. Prints 429s per success and retries sent before their own
 * Retry-After (issue 12's goals: < 5% and 0). Run: npm run bench:learned-limits (DOCS=200 RPM=120).
 */
import { testApi } from '../test/helpers/api.js';
import { startDocket } from '../test/helpers/docket.js';
import { spawnTs } from '../test/helpers/processes.js';

// Two workers with no DOCKET_LLM_RPM against a provider enforcing 30 rpm: how many 429s per success.
const env = await startDocket({
  worker: false,
  simulator: { rpm: Number(process.env.RPM ?? 120), latencyMs: { min: 50, max: 100 } },
});
try {
  const second = spawnTs('src/worker.ts', [], {
    ...env.childEnv,
    DOCKET_LLM_CONCURRENCY: '8',
    DOCKET_LOG_LEVEL: 'info',
  });
  await env.startWorker({ DOCKET_LLM_CONCURRENCY: '8' });
  await second.waitForOutput(/worker started/, 240_000);
  process.on('exit', () => second.child.kill('SIGTERM'));
  const api = testApi(env);
  const n = Number(process.env.DOCS ?? 200);
  const ids = Array.from({ length: n }, (_, i) => `r-${i}`);
  const started = Date.now();
  await Promise.all(ids.map((id) => api.submit({ id, text: `${id} the kubernetes deploy broke the API server` })));
  for (;;) {
    const views = await Promise.all(ids.map((id) => api.get(id)));
    if (views.every((v) => v.status === 'completed')) break;
    if (Date.now() - started > 300_000) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const reqs = env.sim.requests.filter((r) => r.userText.includes('r-'));
  const ok = reqs.filter((r) => r.status === 200).length;
  const limited = reqs.filter((r) => r.status === 429);
  // A document's next request sent before the Retry-After of its own 429 (counted from when the 429 was answered),
  // and any request sent after a 429 was answered but before its Retry-After ended (the provider-wide hold).
  let earlyRetries = 0;
  let earlyAnywhere = 0;
  for (const l of limited) {
    const until = (l.finishedAt ?? l.receivedAt) + (l.retryAfterMs ?? 0);
    const doc = /r-\d+/.exec(l.userText)?.[0] ?? '';
    const next = reqs.find((r) => r.seq > l.seq && new RegExp(`${doc}\\b`).test(r.userText));
    if (next && next.receivedAt < until) earlyRetries++;
  }
  for (const r of reqs) {
    if (
      limited.some(
        (l) =>
          (l.finishedAt ?? l.receivedAt) < r.receivedAt && r.receivedAt < (l.finishedAt ?? 0) + (l.retryAfterMs ?? 0),
      )
    )
      earlyAnywhere++;
  }
  const early = { earlyRetries, earlyAnywhere };
  console.log(
    JSON.stringify({
      documents: n,
      ok,
      rejected429: limited.length,
      ratio: limited.length / Math.max(1, ok),
      ...early,
      ms: Date.now() - started,
    }),
  );
} finally {
  await env.stop();
}
