import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { CONFIG_ENV_VARS } from '../../src/config.js';
import { LLM_TASK_QUEUE, TASK_QUEUE } from '../../src/shared/names.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/shared/search-attributes.js';

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
  volumes?: (string | { type?: string; source?: string; target?: string })[];
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

  it('sets only configuration variables of src/config.ts (and standard OTEL_ ones) on the worker and the API', () => {
    const known = new Set<string>(CONFIG_ENV_VARS);
    for (const name of ['worker', 'api']) {
      const env = environment(service(name));
      assert.ok(env.size > 0, `${name} has an environment`);
      // OTEL_* belong to the OpenTelemetry SDK (src/telemetry/tracing.ts), not to Docket's config schema.
      const unknown = [...env.keys()].filter((key) => !known.has(key) && !key.startsWith('OTEL_'));
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

  it('registers exactly the search attributes of src/shared/search-attributes.ts', () => {
    const script = commandText(service('temporal-setup'));
    const registered = Object.fromEntries(
      [...script.matchAll(/--name\s+(\w+)\s+--type\s+(\w+)/g)].map((m) => [m[1], m[2]]),
    );
    assert.deepEqual(registered, SEARCH_ATTRIBUTE_TYPES);
  });

  it('gives both task queues one partition (an exact rate limit, priority over the whole queue) and enables fairness', () => {
    const temporal = service('temporal');
    const env = temporal.environment as Record<string, string>;
    const mounted = [...bindMounts(temporal)].find(([, target]) => target === env['DYNAMIC_CONFIG_FILE_PATH']);
    assert.ok(mounted, 'DYNAMIC_CONFIG_FILE_PATH is a file mounted from the repository');
    type Setting = { value: unknown; constraints?: { taskQueueName?: string } }[];
    const dynamic = parse(read(mounted[0])) as Record<string, Setting>;
    for (const key of ['matching.numTaskqueueReadPartitions', 'matching.numTaskqueueWritePartitions']) {
      assert.deepEqual(
        dynamic[key],
        [
          { value: 1, constraints: { taskQueueName: LLM_TASK_QUEUE } },
          { value: 1, constraints: { taskQueueName: TASK_QUEUE } },
        ],
        key,
      );
    }
    assert.deepEqual(dynamic['matching.enableFairness'], [{ value: true }]);
  });

  it('runs entry files that exist', () => {
    for (const name of ['worker', 'api']) {
      const paths = sourcePaths(commandText(service(name)));
      assert.equal(paths.length, 1, `${name} runs one src/ entry file`);
      for (const path of paths) assert.ok(existsSync(`${ROOT}${path}`), `${name} runs ${path}, which does not exist`);
    }
  });
});

/** Bind mounts of a service as host path (relative to the repository) → container path. */
function bindMounts(svc: Service): Map<string, string> {
  const mounts = new Map<string, string>();
  for (const volume of svc.volumes ?? []) {
    const [source = '', target = ''] =
      typeof volume === 'string' ? volume.split(':') : [volume.source ?? '', volume.target ?? ''];
    if (source.startsWith('./')) mounts.set(source.slice(2), target);
  }
  return mounts;
}

/** The Prometheus names of every metric Docket records through the Temporal metric meter, from the sources. */
function docketMetricNames(): Set<string> {
  const sources = [
    'src/activities/metrics.ts',
    'src/workflows/classify-document.ts',
    'src/workflows/classify-batch.ts',
  ];
  const names = new Set<string>();
  for (const path of sources.filter((p) => existsSync(`${ROOT}${p}`))) {
    for (const [, kind, name] of read(path).matchAll(/\.create(Counter|Histogram|Gauge)\(\s*'(docket_\w+)'/g)) {
      if (kind === 'Counter') names.add(`${name}_total`);
      else if (kind === 'Histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
      else names.add(name!);
    }
  }
  return names;
}

interface Panel {
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: { expr?: string }[];
  panels?: Panel[];
}

describe('metrics and dashboards in docker-compose.yml', () => {
  const dashboard = JSON.parse(read('grafana/dashboards/docket.json')) as {
    uid: string;
    panels: Panel[];
    templating?: { list?: { query?: string | { query?: string }; datasource?: { uid?: string } }[] };
  };
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
  const queries = [
    ...panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')),
    ...(dashboard.templating?.list ?? []).map((v) => (typeof v.query === 'string' ? v.query : (v.query?.query ?? ''))),
  ];
  const prometheusConfig = parse(read('prometheus/prometheus.yml')) as {
    scrape_configs: {
      job_name: string;
      dns_sd_configs?: { names: string[]; type?: string; port?: number }[];
      static_configs?: { targets: string[] }[];
    }[];
  };

  it('runs Prometheus and Grafana, with Grafana on 3001 and Prometheus on 9090', () => {
    assert.match(service('prometheus').image ?? '', /^prom\/prometheus:v\d/);
    assert.match(service('grafana').image ?? '', /^grafana\/grafana:\d/);
    assert.equal(portMap(service('grafana')).get('3001'), '3000');
    assert.equal(portMap(service('prometheus')).get('9090'), '9090');
    const grafana = environment(service('grafana'));
    assert.equal(grafana.get('GF_AUTH_ANONYMOUS_ENABLED'), 'true');
    assert.equal(grafana.get('GF_AUTH_ANONYMOUS_ORG_ROLE'), 'Viewer', 'anonymous visitors may only view');
  });

  it('mounts configuration and provisioning files that exist in the repository', () => {
    const prometheus = bindMounts(service('prometheus'));
    assert.equal(prometheus.get('prometheus/prometheus.yml'), '/etc/prometheus/prometheus.yml');
    const grafana = bindMounts(service('grafana'));
    assert.equal(grafana.get('grafana/provisioning'), '/etc/grafana/provisioning');
    for (const path of [...prometheus.keys(), ...grafana.keys()]) {
      assert.ok(existsSync(`${ROOT}${path}`), `compose mounts ${path}, which does not exist`);
    }
    for (const path of ['datasources/prometheus.yml', 'dashboards/docket.yml']) {
      assert.ok(existsSync(`${ROOT}grafana/provisioning/${path}`), `grafana/provisioning/${path} is missing`);
    }
    const provider = parse(read('grafana/provisioning/dashboards/docket.yml')) as {
      providers: { options: { path: string } }[];
    };
    const dashboardsDir = provider.providers[0]?.options.path;
    const mounted = [...grafana].find(([, target]) => target === dashboardsDir);
    assert.ok(mounted, `the dashboard provider reads ${dashboardsDir}, which compose does not mount`);
    assert.ok(existsSync(`${ROOT}${mounted[0]}/docket.json`), 'the mounted dashboards folder holds docket.json');
  });

  it('scrapes every worker replica on the port the workers serve metrics on', () => {
    const address = environment(service('worker')).get('DOCKET_METRICS_ADDRESS') ?? '';
    assert.match(address, /^0\.0\.0\.0:\d+$/, 'workers serve metrics on all interfaces');
    const port = Number(address.split(':')[1]);
    const targets = prometheusConfig.scrape_configs.flatMap((job) => [
      ...(job.dns_sd_configs ?? []).flatMap((sd) => sd.names.map((name) => `${name}:${sd.port}`)),
      ...(job.static_configs ?? []).flatMap((sc) => sc.targets),
    ]);
    assert.ok(targets.includes(`worker:${port}`), `Prometheus scrapes worker:${port}; it has ${targets.join(', ')}`);
    assert.equal(environment(service('api')).get('DOCKET_METRICS_ADDRESS'), undefined, 'the API serves no metrics');
  });

  it('provisions the Prometheus data source the dashboard queries', () => {
    const provisioning = parse(read('grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { uid: string; type: string; url: string }[];
    };
    const source = provisioning.datasources.find((d) => d.type === 'prometheus');
    assert.ok(source, 'a Prometheus data source is provisioned');
    assert.equal(source.url, `http://prometheus:${portMap(service('prometheus')).get('9090')}`);
    for (const panel of panels) assert.equal(panel.datasource?.uid, source.uid, `panel "${panel.title}"`);
  });

  it('queries only metrics Docket emits, and charts every one of them', () => {
    const emitted = docketMetricNames();
    for (const name of ['docket_llm_calls_total', 'docket_llm_latency_bucket', 'docket_pauses_total']) {
      assert.ok(emitted.has(name), `the sources no longer record ${name}: update this test`);
    }
    const queried = new Set(queries.flatMap((q) => [...q.matchAll(/\bdocket_\w+/g)].map((m) => m[0])));
    assert.deepEqual(
      [...queried].filter((name) => !emitted.has(name)),
      [],
      'the dashboard queries docket_* metrics that Docket does not emit',
    );
    const charted = (name: string) => [...queried].some((q) => q.replace(/_(total|bucket|sum|count)$/, '') === name);
    const bases = new Set([...emitted].map((name) => name.replace(/_(total|bucket|sum|count)$/, '')));
    assert.deepEqual(
      [...bases].filter((base) => !charted(base)),
      [],
      'Docket metrics missing from the dashboard',
    );
  });

  it('charts LLM cost in dollars, latency quantiles and Temporal SDK worker metrics', () => {
    const text = queries.join('\n');
    assert.match(text, /docket_llm_cost_microusd_total[^\n]*\/ 1e6/, 'cost is converted from microdollars');
    assert.match(text, /histogram_quantile\(0\.95, sum by \(le\) \(rate\(docket_llm_latency_bucket/);
    assert.match(text, /temporal_workflow_task_execution_latency_bucket/);
    assert.match(text, /temporal_activity_execution_failed_total/);
  });

  it('passes the standard OpenTelemetry variables through to the worker and the API, unset by default', () => {
    for (const name of ['worker', 'api']) {
      const env = environment(service(name));
      for (const key of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_TRACES_EXPORTER']) {
        assert.ok(env.has(key), `${name} passes ${key} through`);
        assert.equal(env.get(key), null, `${name}: ${key} is taken from the shell, so tracing stays off unless set`);
      }
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
