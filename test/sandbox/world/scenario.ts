/**
 * Scenario `seed`: the world of the seed article. Namespaces `apps` (Linkerd injection on) and
 * `monitoring`; the article's three Services read from examples/seed/services.yaml; the client
 * Deployment `dependant-api-service` whose pods send the load. The Rollout itself is canary's to
 * apply; Prometheus is laid out separately (it exists in any scenario when enabled).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { ObjectStore } from '../store/store.js';
import type { K8sObject } from '../store/types.js';
import { INJECT_ANNOTATION } from './deployments/mesh-injection.js';
import { requireType } from './resources.js';

export type Scenario = 'seed' | 'empty';

export const SEED = {
  namespace: 'apps',
  rootService: 'myapp',
  client: 'dependant-api-service',
  clientImage: 'buoyantio/slow_cooker:1.3.0',
  monitoring: 'monitoring',
  prometheusService: 'prometheus-server',
  prometheusPort: 80,
} as const;

/** The repository's examples/seed/services.yaml, found from this module (src or dist) or the cwd. */
export function seedServicesFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here, i = 0; i < 8; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'examples', 'seed', 'services.yaml');
    if (existsSync(candidate)) return candidate;
  }
  const fromCwd = resolve('examples/seed/services.yaml');
  if (existsSync(fromCwd)) return fromCwd;
  throw new Error(`examples/seed/services.yaml not found above ${here} or in ${process.cwd()}: run the sandbox from the canary repository`);
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

export function layOutScenario(store: ObjectStore, scenario: Scenario): void {
  switch (scenario) {
    case 'empty':
      return ensureNamespace(store, 'default');
    case 'seed':
      return layOutSeed(store);
  }
}

function layOutSeed(store: ObjectStore): void {
  const services = requireType(store, 'services');
  const deployments = requireType(store, 'deployments');
  ensureNamespace(store, 'default');
  // The article: `kubectl create namespace apps; kubectl annotate namespace apps linkerd.io/inject=enabled`.
  ensureNamespace(store, SEED.namespace, { [INJECT_ANNOTATION]: 'enabled' });
  ensureNamespace(store, SEED.monitoring);
  for (const svc of readSeedServices()) store.create(services, svc.metadata.namespace ?? SEED.namespace, svc);
  const labels = { app: SEED.client };
  store.create(deployments, SEED.namespace, {
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
  });
}

/**
 * The objects of the prometheus-community chart's server (a Deployment and the Service
 * `monitoring/prometheus-server:80`); the process behind them is the sandbox's real Prometheus,
 * reached through the API server's service proxy.
 */
export function layOutPrometheusObjects(store: ObjectStore): void {
  const services = requireType(store, 'services');
  const deployments = requireType(store, 'deployments');
  ensureNamespace(store, SEED.monitoring);
  const prom = { app: 'prometheus', component: 'server' };
  if (!store.tryGet(deployments, SEED.monitoring, SEED.prometheusService)) {
    store.create(deployments, SEED.monitoring, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: SEED.prometheusService, namespace: SEED.monitoring, labels: prom },
      spec: {
        replicas: 1,
        selector: { matchLabels: prom },
        template: { metadata: { labels: prom }, spec: { containers: [{ name: 'prometheus-server', image: 'quay.io/prometheus/prometheus:v2.42.0', ports: [{ containerPort: 9090 }] }] } },
      },
    });
  }
  if (!store.tryGet(services, SEED.monitoring, SEED.prometheusService)) {
    store.create(services, SEED.monitoring, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: SEED.prometheusService, namespace: SEED.monitoring, labels: prom },
      spec: { type: 'ClusterIP', selector: prom, ports: [{ name: 'http', port: SEED.prometheusPort, targetPort: 9090, protocol: 'TCP' }] },
    });
  }
}

export function ensureNamespace(store: ObjectStore, name: string, annotations?: Record<string, string>): void {
  const t = requireType(store, 'namespaces');
  if (store.tryGet(t, null, name)) return;
  store.create(t, null, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name }, ...(annotations ? { annotations } : {}) } });
}
