/**
 * Scenario `seed`: the world of the seed article. Namespaces `apps` (Linkerd injection on) and
 * `monitoring`; the article's three Services read from examples/seed/services.yaml; the client
 * Deployment `dependant-api-service` whose pods send the load. The Rollout itself is canary's to
 * apply; Prometheus is laid out separately (it exists in any scenario when enabled).
 * Scenario `blue-green`: the same world plus examples/blue-green/services.yaml's preview Service
 * `myapp-preview` (its active Service is the seed's `myapp`); the sandbox sends load to both.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { ObjectStore } from '../store/store.js';
import type { K8sObject } from '../store/types.js';
import { INJECT_ANNOTATION } from './deployments/mesh-injection.js';
import { admitAsIs, requireType, type Admit, type WorldTypeName } from './resources.js';

export type Scenario = 'seed' | 'blue-green' | 'empty';

/** Scenarios with the seed's namespaces, Services, client and load. */
export function hasSeedWorld(scenario: Scenario): boolean {
  return scenario !== 'empty';
}

export const SEED = {
  namespace: 'apps',
  rootService: 'myapp',
  client: 'dependant-api-service',
  clientImage: 'buoyantio/slow_cooker:1.3.0',
  monitoring: 'monitoring',
  prometheusService: 'prometheus-server',
  prometheusPort: 80,
  /** Scenario blue-green: the preview Service, which gets load too. */
  previewService: 'myapp-preview',
} as const;

/** The repository's examples/<example>/services.yaml, found from this module (src or dist) or the cwd. */
export function seedServicesFile(example = 'seed'): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here, i = 0; i < 8; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'examples', example, 'services.yaml');
    if (existsSync(candidate)) return candidate;
  }
  const fromCwd = resolve(`examples/${example}/services.yaml`);
  if (existsSync(fromCwd)) return fromCwd;
  throw new Error(`examples/${example}/services.yaml not found above ${here} or in ${process.cwd()}: run the sandbox from the canary repository`);
}

export function readSeedServices(file = seedServicesFile()): K8sObject[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const out: K8sObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    const obj = doc.toJS() as K8sObject | null;
    if (obj && obj.kind === 'Service') out.push(obj);
  }
  if (out.length === 0) throw new Error(`${file}: no Service documents`);
  return out;
}

/** Creates what a scenario holds before anyone connects; `admit` is the API server's defaulting. */
export function layOutScenario(store: ObjectStore, scenario: Scenario, admit: Admit = admitAsIs): void {
  switch (scenario) {
    case 'empty':
      return ensureNamespace(store, 'default', undefined, admit);
    case 'seed':
      return layOutSeed(store, admit);
    case 'blue-green': {
      layOutSeed(store, admit);
      const services = requireType(store, 'services');
      for (const svc of readSeedServices(seedServicesFile('blue-green'))) {
        const ns = svc.metadata.namespace ?? SEED.namespace;
        if (!store.tryGet(services, ns, svc.metadata.name)) create(store, 'services', ns, svc, admit);
      }
      return;
    }
  }
}

function layOutSeed(store: ObjectStore, admit: Admit): void {
  ensureNamespace(store, 'default', undefined, admit);
  // The article: `kubectl create namespace apps; kubectl annotate namespace apps linkerd.io/inject=enabled`.
  ensureNamespace(store, SEED.namespace, { [INJECT_ANNOTATION]: 'enabled' }, admit);
  ensureNamespace(store, SEED.monitoring, undefined, admit);
  for (const svc of readSeedServices()) create(store, 'services', svc.metadata.namespace ?? SEED.namespace, svc, admit);
  const labels = { app: SEED.client };
  create(store, 'deployments', SEED.namespace, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: SEED.client, namespace: SEED.namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'slow-cooker', image: SEED.clientImage }] },
      },
    },
  }, admit);
}

/**
 * The objects of the prometheus-community chart's server (a Deployment and the Service
 * `monitoring/prometheus-server:80`); the process behind them is the sandbox's real Prometheus,
 * reached through the API server's service proxy.
 */
export function layOutPrometheusObjects(store: ObjectStore, admit: Admit = admitAsIs): void {
  const services = requireType(store, 'services');
  const deployments = requireType(store, 'deployments');
  ensureNamespace(store, SEED.monitoring, undefined, admit);
  const prom = { app: 'prometheus', component: 'server' };
  if (!store.tryGet(deployments, SEED.monitoring, SEED.prometheusService)) {
    create(store, 'deployments', SEED.monitoring, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: SEED.prometheusService, namespace: SEED.monitoring, labels: prom },
      spec: {
        replicas: 1,
        selector: { matchLabels: prom },
        template: { metadata: { labels: prom }, spec: { containers: [{ name: 'prometheus-server', image: 'quay.io/prometheus/prometheus:v2.42.0', ports: [{ containerPort: 9090 }] }] } },
      },
    }, admit);
  }
  if (!store.tryGet(services, SEED.monitoring, SEED.prometheusService)) {
    create(store, 'services', SEED.monitoring, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: SEED.prometheusService, namespace: SEED.monitoring, labels: prom },
      spec: { type: 'ClusterIP', selector: prom, ports: [{ name: 'http', port: SEED.prometheusPort, targetPort: 9090, protocol: 'TCP' }] },
    }, admit);
  }
}

export function ensureNamespace(store: ObjectStore, name: string, annotations?: Record<string, string>, admit: Admit = admitAsIs): void {
  if (store.tryGet(requireType(store, 'namespaces'), null, name)) return;
  create(store, 'namespaces', null, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name }, ...(annotations ? { annotations } : {}) } }, admit);
}

function create(store: ObjectStore, type: WorldTypeName, namespace: string | null, obj: K8sObject, admit: Admit): K8sObject {
  const o = structuredClone(obj);
  admit(o.kind ?? '', o);
  return store.create(requireType(store, type), namespace, o);
}
