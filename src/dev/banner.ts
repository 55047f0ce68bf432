import { join } from 'node:path';
import type { RunningApi } from '../api/serve.js';
import type { Config } from '../config.js';
import type { CanaryRow } from '../db/canary.js';
import type { EmbeddedPostgres } from '../db/embedded.js';
import type { Simulator } from '../simulator/index.js';
import type { DevServer } from './temporal-dev-server.js';

export interface BannerInput {
  config: Config;
  api: RunningApi;
  temporal?: DevServer;
  /** The `temporal` CLI that runs the dev server, for the user's own `temporal workflow …` commands. */
  temporalCli?: string;
  embedded?: EmbeddedPostgres;
  simulator?: Simulator;
  /** The newest canary: after a promotion, new documents use its candidate, not DOCKET_MODEL. */
  canary?: CanaryRow;
  tokensGenerated: boolean;
  dataDir: string;
  metricsAddress: string;
  tracing: boolean;
}

/** What new documents are classified with: the configuration, or a promoted or running canary's candidate. */
export function modelLine(config: Config, canary: CanaryRow | undefined): string {
  const configured = `model ${config.llm.model}, prompt ${config.llm.promptVersion}`;
  if (canary?.status === 'promoted') {
    const c = canary.candidate;
    return `model ${c.model}, prompt ${c.promptVersion} (canary #${canary.id} promoted; DOCKET_MODEL says ${config.llm.model})`;
  }
  if (canary?.status === 'active') {
    const c = canary.candidate;
    return `${configured}; canary #${canary.id}: ${(canary.share * 100).toFixed(0)}% use model ${c.model}, prompt ${c.promptVersion}`;
  }
  return configured;
}

/** The `Docket is running.` block `npm start` prints once everything answers. */
export function formatBanner(p: BannerInput): string {
  const llm = p.simulator ? `${p.simulator.baseUrl} (simulator)` : (p.config.openai.baseUrl ?? 'OpenAI');
  const lines = [
    '',
    'Docket is running.',
    `  Home           ${p.api.url}/   (links to everything below)`,
    `  API            ${p.api.url}   (OpenAPI: ${p.api.url}/openapi.json)`,
    `  Review page    ${p.api.url}/review`,
    `  Temporal       ${p.config.temporal.address}${p.temporal ? ' (embedded dev server)' : ''}`,
    `  Temporal UI    ${p.config.webUiUrl}   (review queue: DocketStatus="pending_review")`,
    ...(p.temporalCli
      ? [
          `  Temporal CLI   ${p.temporalCli}`,
          `                 e.g. npm run temporal -- workflow list --address ${p.config.temporal.address}`,
        ]
      : []),
    `  Database       ${p.embedded ? `${p.embedded.url} (embedded PGlite, data in ${join(p.dataDir, 'pg')})` : 'DATABASE_URL'}`,
    `  Metrics        http://${p.metricsAddress}/metrics   (Prometheus)`,
    `  Tracing        ${p.tracing ? 'OpenTelemetry (OTEL_* variables)' : 'off (set OTEL_EXPORTER_OTLP_ENDPOINT to export traces)'}`,
    `  LLM            ${llm}, ${modelLine(p.config, p.canary)}`,
  ];
  if (p.tokensGenerated) {
    lines.push('', `  Dev tokens (also in ${join(p.dataDir, 'dev-tokens.json')}):`);
    for (const t of p.config.api.tokens ?? []) lines.push(`    ${t.role.padEnd(10)} ${t.token}`);
  }
  if (p.simulator) {
    lines.push(
      '',
      '  ************************************************************************',
      '  *  RESULTS ARE SIMULATED: no OPENAI_API_KEY or OPENAI_BASE_URL is set,  *',
      '  *  so an offline simulator answers instead of a real model.             *',
      '  ************************************************************************',
    );
  }
  lines.push('', '  Try:  npx docket submit README.md --wait', '  Stop: Ctrl-C', '');
  return lines.join('\n');
}
