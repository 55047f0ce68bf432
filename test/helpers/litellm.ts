import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { waitFor } from './wait.js';

const PROJECT_LITELLM = join(import.meta.dirname, '../../.tools/venv/bin/litellm');

/** The LiteLLM proxy binary: LITELLM_PATH, else the one `npm run setup` installs; undefined when neither exists. */
export function findLitellm(): string | undefined {
  const path = process.env['LITELLM_PATH'] ?? PROJECT_LITELLM;
  return existsSync(path) ? path : undefined;
}

/** One model group of the proxy, served by the simulator. */
export interface LitellmModel {
  /** The name Docket asks for. */
  name: string;
  /** Extra `litellm_params` (e.g. `cooldown_time`, `max_budget`). */
  params?: Record<string, unknown>;
  /** Extra `model_info` (e.g. `allowed_fails_policy`). */
  info?: Record<string, unknown>;
}

export interface StartLitellmOptions {
  /** The upstream OpenAI `baseURL` (the simulator's). */
  upstreamBaseUrl: string;
  /** The key the proxy sends upstream. */
  upstreamApiKey: string;
  models: LitellmModel[];
}

export interface LitellmProxy {
  /** `http://127.0.0.1:<port>/v1`, Docket's `OPENAI_BASE_URL`. */
  baseUrl: string;
  /** The proxy's master key, Docket's `OPENAI_API_KEY`. */
  masterKey: string;
  /** How long the proxy took to answer its liveness probe, ms (before the warm-up call). */
  startupMs: number;
  /** Everything it printed (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The proxy configuration that leaves every retry to Temporal: no retries, no fallbacks, and no cooldown of a
 * deployment unless a model asks for one (a single deployment in cooldown would answer "no deployments available"
 * for the next documents).
 */
function proxyConfig(options: StartLitellmOptions, masterKey: string): string {
  return stringify({
    model_list: options.models.map((model) => ({
      model_name: model.name,
      litellm_params: {
        model: 'openai/gpt-4o-mini',
        api_base: options.upstreamBaseUrl,
        api_key: options.upstreamApiKey,
        ...model.params,
      },
      model_info: { allowed_fails: 1_000_000, ...model.info },
    })),
    litellm_settings: { num_retries: 0, request_timeout: 30, telemetry: false },
    router_settings: { num_retries: 0 },
    general_settings: { master_key: masterKey },
  });
}

/**
 * One call through the proxy, so that its first real call is not slowed by what it loads on first use (seconds on a
 * busy machine, longer than a test's LLM timeout).
 */
async function warmUp(baseUrl: string, key: string, model: string | undefined): Promise<void> {
  if (model === undefined) return;
  const res = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'litellm warm-up' }] }),
  });
  if (res.status !== 200) throw new Error(`warm-up call answered ${res.status}: ${await res.text()}`);
}

/**
 * Starts the real LiteLLM proxy (`litellm --config`) on a free port in front of `upstreamBaseUrl`, offline: the
 * model cost map bundled with the package, no telemetry, no database. The first model gets one warm-up call.
 */
export async function startLitellm(options: StartLitellmOptions): Promise<LitellmProxy> {
  const binary = findLitellm();
  if (!binary) throw new Error('the LiteLLM proxy is not installed: run npm run setup (or set LITELLM_PATH)');
  const dir = mkdtempSync(join(tmpdir(), 'docket-litellm-'));
  const masterKey = 'sk-docket-proxy-master';
  writeFileSync(join(dir, 'config.yaml'), proxyConfig(options, masterKey));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: dir,
    LITELLM_LOCAL_MODEL_COST_MAP: 'True',
    LITELLM_TELEMETRY: 'False',
    DISABLE_ADMIN_UI: 'True',
    PYTHONUNBUFFERED: '1',
  };
  const started = Date.now();
  const child = spawn(binary, ['--config', join(dir, 'config.yaml'), '--host', '127.0.0.1', '--port', String(port)], {
    cwd: dir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      // The whole process group: the proxy's server may run in processes of its own.
      signalGroup(child.pid, 'SIGTERM');
      const killed = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(killed);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`litellm exited with ${child.exitCode}:\n${out.slice(-3000)}`);
        return (await fetch(`${origin}/health/liveliness`)).status;
      },
      (status) => status === 200,
      { timeoutMs: 90_000, intervalMs: 250 },
    );
  } catch (error) {
    await stop();
    throw new Error(`the LiteLLM proxy did not start: ${String(error)}\n${out.slice(-3000)}`);
  }
  const startupMs = Date.now() - started;
  try {
    await warmUp(`${origin}/v1`, masterKey, options.models[0]?.name);
  } catch (error) {
    await stop();
    throw new Error(`the LiteLLM proxy failed its first call: ${String(error)}\n${out.slice(-3000)}`);
  }
  return { baseUrl: `${origin}/v1`, masterKey, startupMs, output: () => out, stop };
}
