/**
 * The route table of docs/http-api.md, rendered from the OpenAPI document the API serves at `/openapi.json`.
 * The app is built in-process (`createApp`) with lazy connections: nothing is contacted to read its document.
 */
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { createApp } from '../src/api/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';

/** The parts of an OpenAPI 3.1 document the docs read. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, { summary?: string; responses?: Record<string, unknown> }>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The OpenAPI document of the API as `GET /openapi.json` serves it. */
export async function openApiDocument(): Promise<OpenApiDocument> {
  const config = loadConfig({ DOCKET_API_TOKENS: 'docs:admin:docs-token-0123456789', DOCKET_LOG_LEVEL: 'silent' });
  const pool = new pg.Pool({ connectionString: 'postgres://docs@127.0.0.1:1/never-connected' });
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const app = createApp({ pool, client, config, logger: createLogger({ level: 'silent' }) });
  const res = await app.request('/openapi.json');
  if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
  return (await res.json()) as OpenApiDocument;
}

/** One operation of the document. */
export interface Operation {
  method: string;
  /** As written in the docs: `/v1/documents/:id`. */
  path: string;
  summary: string;
  statuses: string[];
}

/** Every operation, in the document's order. */
export function operations(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({
      method: method.toUpperCase(),
      path: path.replace(/\{([^}]+)\}/g, ':$1'),
      summary: item[method]?.summary ?? '',
      statuses: Object.keys(item[method]?.responses ?? {}),
    })),
  );
}

/** The Markdown table: method and path, what the route does, the statuses it answers with. */
export function renderRouteTable(doc: OpenApiDocument): string {
  const rows = operations(doc).map((op) => {
    const success = op.statuses.filter((s) => s.startsWith('2'));
    const errors = op.statuses.filter((s) => !s.startsWith('2'));
    const answers = [success.join(', '), errors.join(', ')].filter(Boolean).join('; errors ');
    return `| \`${op.method} ${op.path}\` | ${op.summary.replace(/\|/g, '\\|')} | ${answers} |`;
  });
  return ['| route | does | answers |', '| --- | --- | --- |', ...rows].join('\n');
}
