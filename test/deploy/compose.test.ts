import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { CONFIG_ENV_VARS } from '../../src/config.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/shared/names.js';

// Static checks of docker-compose.yml and the Dockerfile: no Docker engine is needed, so they run everywhere.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  container_name?: string;
  ports?: (string | number | { published?: string | number; target?: number })[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const dockerfile = read('Dockerfile');

function service(name: string): Service {
  const found = compose.services[name];
  assert.ok(found, `docker-compose.yml has no service "${name}"`);
  return found;
}

/** Host port → container port, from short (`"3000:3000"`) or long syntax. */
function portMap(svc: Service): Map<string, string> {
  const map = new Map<string, string>();
  for (const port of svc.ports ?? []) {
    if (typeof port === 'object') {
      map.set(String(port.published), String(port.target));
    } else {
      const parts = String(port).split(':');
      const target = parts.pop() ?? '';
      map.set(parts.pop() ?? target, target);
    }
  }
  return map;
}

/** The environment of a service as name → raw value (null: passed through from the shell). */
function environment(svc: Service): Map<string, string | null> {
  const env = svc.environment ?? {};
  if (Array.isArray(env)) {
    return new Map(
      env.map((entry) => {
        const eq = entry.indexOf('=');
        return eq === -1 ? [entry, null] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return new Map(Object.entries(env).map(([key, value]) => [key, value === null ? null : String(value)]));
}

const commandText = (svc: Service) => [svc.command ?? []].flat().join(' ');

/** Every `src/...ts` path a command line or Dockerfile names. */
const sourcePaths = (text: string) => [...text.matchAll(/\bsrc\/[\w./-]+\.ts\b/g)].map((m) => m[0]);

describe('docker-compose.yml', () => {
  it('defines the database, Temporal, its UI and setup, the workers and the API', () => {
    for (const name of ['postgresql', 'temporal', 'temporal-ui', 'temporal-setup', 'worker', 'api']) service(name);
    assert.match(service('postgresql').image ?? '', /^postgres:16/);
  });

  it('publishes the API on 3000, the Web UI on 8233 and the Temporal frontend on 7233', () => {
    assert.equal(portMap(service('api')).get('3000'), '3000');
    assert.equal(portMap(service('temporal-ui')).get('8233'), '8080');
    assert.equal(portMap(service('temporal')).get('7233'), '7233');
  });

  it('keeps the worker scalable: built from the repo, no fixed container name, no host port', () => {
    const worker = service('worker');
    assert.ok(worker.build, 'the worker is built from this repository');
    assert.equal(worker.container_name, undefined);
    assert.equal(worker.ports, undefined);
  });

  it('sets only configuration variables of src/config.ts on the worker and the API', () => {
    const known = new Set<string>(CONFIG_ENV_VARS);
    for (const name of ['worker', 'api']) {
      const env = environment(service(name));
      assert.ok(env.size > 0, `${name} has an environment`);
      const unknown = [...env.keys()].filter((key) => !known.has(key));
      assert.deepEqual(unknown, [], `${name} sets variables that src/config.ts does not read`);
    }
  });

  it('never sets a Docket variable to an empty default, which the config schema would reject', () => {
    for (const name of ['worker', 'api']) {
      for (const [key, value] of environment(service(name))) {
        assert.doesNotMatch(value ?? '', /^\$\{\w+:?-\}$/, `${name}: ${key} defaults to an empty string`);
      }
    }
  });

  it('wires the API for containers: bound to all interfaces, tokens required', () => {
    const env = environment(service('api'));
    assert.equal(env.get('HOST'), '0.0.0.0');
    assert.equal(env.get('PORT'), '3000');
    assert.match(env.get('DOCKET_API_TOKENS') ?? '', /^\$\{DOCKET_API_TOKENS:\?/);
    for (const name of ['worker', 'api']) {
      const env = environment(service(name));
      assert.equal(env.get('TEMPORAL_ADDRESS'), 'temporal:7233');
      assert.match(env.get('DATABASE_URL') ?? '', /^postgres(ql)?:\/\/.+@postgresql:5432\//);
    }
  });

  it('starts the worker and the API only after the search attributes are registered', () => {
    for (const name of ['worker', 'api']) {
      const deps = service(name).depends_on;
      assert.ok(deps && !Array.isArray(deps), `${name} declares depends_on with conditions`);
      assert.equal(deps['temporal-setup']?.condition, 'service_completed_successfully');
    }
  });

  it('registers exactly the search attributes of src/shared/names.ts', () => {
    const script = commandText(service('temporal-setup'));
    const registered = Object.fromEntries(
      [...script.matchAll(/--name\s+(\w+)\s+--type\s+(\w+)/g)].map((m) => [m[1], m[2]]),
    );
    assert.deepEqual(registered, SEARCH_ATTRIBUTE_TYPES);
  });

  it('runs entry files that exist', () => {
    for (const name of ['worker', 'api']) {
      const paths = sourcePaths(commandText(service(name)));
      assert.equal(paths.length, 1, `${name} runs one src/ entry file`);
      for (const path of paths) assert.ok(existsSync(`${ROOT}${path}`), `${name} runs ${path}, which does not exist`);
    }
  });
});

describe('Dockerfile', () => {
  it('starts from node:20-bookworm-slim, installs with npm ci and runs as a non-root user', () => {
    assert.match(dockerfile, /^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    assert.match(dockerfile, /\bnpm ci\b/);
    const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    assert.ok(users.length > 0, 'the image sets a USER');
    assert.notEqual(users.at(-1), 'root');
  });

  it('copies files that exist and runs an entry file that exists', () => {
    const copies = [...dockerfile.matchAll(/^COPY\s+(?!--from)(.+)$/gm)].flatMap((m) => {
      const args = (m[1] ?? '').split(/\s+/).filter((arg) => !arg.startsWith('--'));
      return args.slice(0, -1);
    });
    assert.ok(copies.includes('src') && copies.includes('prompts'), 'the image gets src/ and prompts/');
    for (const path of copies)
      assert.ok(existsSync(`${ROOT}${path}`), `the Dockerfile copies ${path}, which is missing`);
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    for (const path of copies)
      assert.ok(!ignored.includes(path), `.dockerignore leaves ${path} out of the build context`);

    const cmd = dockerfile.match(/^CMD\s+(.+)$/m)?.[1] ?? '';
    const entries = sourcePaths(cmd);
    assert.deepEqual(entries, ['src/worker.ts'], 'the default command runs the worker');
    assert.ok(existsSync(`${ROOT}src/worker.ts`), 'the Dockerfile runs src/worker.ts, which does not exist');
    for (const path of sourcePaths(dockerfile)) {
      assert.ok(existsSync(`${ROOT}${path}`), `the Dockerfile mentions ${path}, which does not exist`);
    }
  });
});
