/**
 * The seed's world with a real Prometheus, before canary touches it: the scenario, then what
 * canary would create for a release (stable and canary Deployments with a track label, track
 * selectors on the stable/canary Services, a TrafficSplit), and load from the client.
 */
import { servedTypes, catalog } from '../../sandbox/api/catalog.js';
import { ObjectStore } from '../../sandbox/store/store.js';
import { startWorld, type World } from '../../sandbox/world/index.js';
import { findPrometheus, INSTALL_HINT } from '../../sandbox/world/prometheus.js';
import { layOutPrometheusObjects, layOutScenario } from '../../sandbox/world/scenario.js';

export const PROMETHEUS_BIN = findPrometheus();

/** Registers one skipped test naming how to install Prometheus; returns false when it is missing. */
export function requirePrometheus(suite: string): boolean {
  if (PROMETHEUS_BIN) return true;
  describe(suite, () => {
    it.skip(`SKIPPED: no prometheus binary; ${INSTALL_HINT}`, () => undefined);
  });
  process.stderr.write(`${suite}: skipped, no prometheus binary; ${INSTALL_HINT}\n`);
  return false;
}

/** The seed article's query with its arguments filled in, as canary renders it. */
export const SEED_QUERY =
  'sum by(service) (increase(response_total{deployment="dependant-api-service", dst_service="myapp-canary", direction="outbound", classification="failure", status_code="500"}[30s]))';

/** Flagger's Linkerd request-success-rate (pkg/metrics/observers/linkerd.go) for a deployment. */
export function flaggerSuccessRate(deployment: string, interval = '30s'): string {
  return (
    `sum(rate(response_total{namespace="apps", deployment=~"${deployment}", classification!="failure", direction="inbound"}[${interval}])) ` +
    `/ sum(rate(response_total{namespace="apps", deployment=~"${deployment}", direction="inbound"}[${interval}])) * 100`
  );
}

export interface Release {
  store: ObjectStore;
  world: World;
}

export async function startRelease(canaryImage: string, canaryWeight: number, rps = 40): Promise<Release> {
  const store = new ObjectStore(servedTypes({ smi: ['v1alpha1', 'v1alpha2'] }));
  layOutScenario(store, 'seed');
  layOutPrometheusObjects(store);
  const world = await startWorld({ store, podStartDelayMs: 50, prometheus: {} });
  const name = 'app.kubernetes.io/name';
  for (const [track, image] of [['stable', 'ghcr.io/mccutchen/go-httpbin:2.17'], ['canary', canaryImage]] as const) {
    const labels = { [name]: 'myapp', 'canary.dev/track': track };
    store.create(catalog.deployments, 'apps', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `myapp-${track}`, namespace: 'apps' },
      spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'myapp', image }] } } },
    });
    store.mutate(catalog.services, 'apps', `myapp-${track}`, (s) => void ((s['spec'] as { selector: Record<string, string> }).selector = labels));
  }
  store.create(catalog.trafficsplits, 'apps', {
    apiVersion: 'split.smi-spec.io/v1alpha2',
    kind: 'TrafficSplit',
    metadata: { name: 'myapp', namespace: 'apps' },
    spec: { service: 'myapp', backends: [{ service: 'myapp-stable', weight: 100 - canaryWeight }, { service: 'myapp-canary', weight: canaryWeight }] },
  });
  await world.waitForDeployments(['apps/dependant-api-service', 'apps/myapp-stable', 'apps/myapp-canary']);
  world.startLoad({ rps, durationMs: 120_000 });
  return { store, world };
}

/** Polls a query until `accept` holds for its result; fails with the last result after `timeoutMs`. */
export async function eventually<T>(run: () => Promise<T>, accept: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await run();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last result: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
