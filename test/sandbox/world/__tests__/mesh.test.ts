import { LATENCY_BOUNDS_MS } from '../mesh/linkerd-metrics.js';
import { startMeshServer } from '../mesh/mesh-server.js';
import { CLIENT, httpRoute, NAME, ready, send, startMeshWorld, trafficSplit, type MeshWorld } from './mesh-fixture.js';
import { podsOf, T, waitFor } from './helpers.js';

/**
 * Shares are measured over N sequential requests with the world's seeded PRNG, so the numbers are
 * the same on every run; the tolerance is what a fair coin would need at about 3 sigma.
 */
const N = 2000;
const TOLERANCE = 3; // percentage points

function share(counts: Record<string, number>, key: string): number {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return (100 * (counts[key] ?? 0)) / total;
}

describe('mesh routing', () => {
  let w: MeshWorld;
  beforeEach(async () => {
    w = startMeshWorld();
    await ready(w);
  });
  afterEach(() => w.close());

  it('without a TrafficSplit or HTTPRoute, the root Service spreads over every selected pod', async () => {
    const { byBackend, byPod } = await send(w.mesh, 400);
    expect(byBackend).toEqual({ myapp: 400 });
    expect(Object.keys(byPod)).toHaveLength(4); // 2 stable + 2 canary pods match app.kubernetes.io/name=myapp
  });

  describe.each([
    ['v1alpha1 quantities', 'v1alpha1' as const, (w: number) => `${w * 10}m`],
    ['v1alpha1 integers', 'v1alpha1' as const, (w: number) => w],
    ['v1alpha2 integers', 'v1alpha2' as const, (w: number) => w],
  ])('TrafficSplit %s', (_label, version, weight) => {
    it.each([0, 10, 50, 100])('canary weight %i gets that share of requests', async (canary) => {
      w.store.create(T.trafficsplits, 'apps', trafficSplit(version, weight(100 - canary), weight(canary)));
      const { byBackend } = await send(w.mesh, N);
      const measured = share(byBackend, 'myapp-canary');
      if (canary === 0 || canary === 100) expect(measured).toBe(canary);
      else expect(Math.abs(measured - canary)).toBeLessThanOrEqual(TOLERANCE);
      expect(Object.keys(byBackend).every((b) => b === 'myapp-stable' || b === 'myapp-canary')).toBe(true);
    });
  });

  describe.each([['core'], ['']] as const)('HTTPRoute with parentRef group %j', (group) => {
    it.each([0, 10, 50, 100])('canary weight %i gets that share of requests', async (canary) => {
      w.store.create(T.httproutes, 'apps', httpRoute(100 - canary, canary, group));
      const { byBackend } = await send(w.mesh, N);
      const measured = share(byBackend, 'myapp-canary');
      if (canary === 0 || canary === 100) expect(measured).toBe(canary);
      else expect(Math.abs(measured - canary)).toBeLessThanOrEqual(TOLERANCE);
    });
  });

  it('RequestMirror: a copy of `percent` of the requests goes to the mirror Service, counted as traffic, its answer dropped', async () => {
    const route = httpRoute(100, 0);
    const rule = (route['spec'] as { rules: Record<string, unknown>[] }).rules[0]!;
    rule['filters'] = [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'myapp-canary', port: 80 }, percent: 25 } }];
    w.store.create(T.httproutes, 'apps', route);
    const { byBackend } = await send(w.mesh, N);
    await w.mesh.mirrors();
    // Every answer came from stable; the canary saw about a quarter of the requests as copies.
    expect(byBackend).toEqual({ 'myapp-stable': N });
    const mirrored = w.mesh.metrics.responses({ direction: 'outbound', deployment: CLIENT, dst_service: 'myapp-canary' });
    expect(Math.abs((100 * mirrored) / N - 25)).toBeLessThanOrEqual(TOLERANCE);
    expect(w.mesh.metrics.responses({ direction: 'inbound', deployment: 'myapp-canary' })).toBe(mirrored);
  });

  it('weight changes apply to the very next request', async () => {
    w.store.create(T.trafficsplits, 'apps', trafficSplit('v1alpha2', 100, 0));
    expect((await send(w.mesh, 50)).byBackend).toEqual({ 'myapp-stable': 50 });
    w.store.mutate(T.trafficsplits, 'apps', 'myapp', (ts) => void ((ts['spec'] as any).backends = [{ service: 'myapp-stable', weight: 0 }, { service: 'myapp-canary', weight: 100 }]));
    expect((await send(w.mesh, 50)).byBackend).toEqual({ 'myapp-canary': 50 });
  });

  it('a TrafficSplit wins over an HTTPRoute on the same Service (ServiceProfile precedence)', async () => {
    w.store.create(T.httproutes, 'apps', httpRoute(0, 100));
    w.store.create(T.trafficsplits, 'apps', trafficSplit('v1alpha2', 100, 0));
    expect((await send(w.mesh, 100)).byBackend).toEqual({ 'myapp-stable': 100 });
  });

  it('a TrafficSplit whose weights are all zero leaves the root Service serving', async () => {
    w.store.create(T.trafficsplits, 'apps', trafficSplit('v1alpha2', 0, 0));
    expect((await send(w.mesh, 20)).byBackend).toEqual({ myapp: 20 });
  });

  it('an HTTPRoute rule whose weights are all zero answers 500', async () => {
    w.store.create(T.httproutes, 'apps', httpRoute(0, 0));
    expect((await send(w.mesh, 10)).byStatus).toEqual({ 500: 10 });
  });

  it('honours Service selector edits live', async () => {
    // Before canary adds the track label, myapp-canary selects stable and canary pods alike.
    w.store.mutate(T.services, 'apps', 'myapp-canary', (s) => void ((s['spec'] as any).selector = { [NAME]: 'myapp' }));
    w.store.create(T.trafficsplits, 'apps', trafficSplit('v1alpha2', 0, 100));
    const before = await send(w.mesh, 400);
    const stablePods = new Set(podsOf(w.store, 'apps', { track: 'stable' }).map((p) => p.metadata.name));
    expect(Object.keys(before.byPod).filter((p) => stablePods.has(p)).length).toBe(2);

    w.store.mutate(T.services, 'apps', 'myapp-canary', (s) => void ((s['spec'] as any).selector = { [NAME]: 'myapp', track: 'canary' }));
    const after = await send(w.mesh, 400);
    expect(Object.keys(after.byPod).filter((p) => stablePods.has(p))).toEqual([]);
    expect(Object.keys(after.byPod)).toHaveLength(2);
  });

  it('a backend without Ready pods fails as Linkerd reports it: 503, classification failure', async () => {
    w.store.create(T.trafficsplits, 'apps', trafficSplit('v1alpha2', 0, 100));
    w.store.mutate(T.deployments, 'apps', 'myapp-canary', (d) => void ((d['spec'] as any).replicas = 0));
    await waitFor(w.store, 'canary pods gone', () => podsOf(w.store, 'apps', { track: 'canary' }).length === 0);
    expect((await send(w.mesh, 5)).byStatus).toEqual({ 503: 5 });
    expect(w.mesh.metrics.responses({ direction: 'outbound', deployment: CLIENT, dst_service: 'myapp-canary' }, 'failure', 503)).toBe(5);
  });

  it('the bad release (go-httpbin:2.18) answers 500 to about 30% of requests', async () => {
    w.close();
    w = startMeshWorld({ canaryImage: 'ghcr.io/mccutchen/go-httpbin:2.18' });
    await ready(w);
    w.store.create(T.trafficsplits, 'apps', trafficSplit('v1alpha2', 0, 100));
    const { byStatus } = await send(w.mesh, N);
    expect(Math.abs(share(byStatus, '500') - 30)).toBeLessThanOrEqual(TOLERANCE);
    expect(Object.keys(byStatus).sort()).toEqual(['200', '500']);
  });

  it('requests from an unmeshed client are not split and are counted inbound only', async () => {
    w.close();
    w = startMeshWorld({ meshedClient: false });
    await ready(w);
    w.store.create(T.trafficsplits, 'apps', trafficSplit('v1alpha2', 0, 100));
    const { byBackend } = await send(w.mesh, 40);
    expect(byBackend).toEqual({ myapp: 40 });
    expect(w.mesh.metrics.responses({ direction: 'outbound' })).toBe(0);
    expect(w.mesh.metrics.responses({ direction: 'inbound', tls: 'no_identity' })).toBe(40);
  });

  it('writes Linkerd route status on HTTPRoutes attached to a Service', async () => {
    w.store.create(T.httproutes, 'apps', httpRoute(90, 10));
    const route = await waitFor(w.store, 'route status', () => {
      const r = w.store.get(T.httproutes, 'apps', 'myapp');
      return (r['status'] as any)?.parents?.length ? r : undefined;
    });
    expect((route['status'] as any).parents).toEqual([
      {
        controllerName: 'linkerd.io/policy-controller',
        parentRef: { group: 'core', kind: 'Service', name: 'myapp', namespace: 'apps', port: 80 },
        conditions: [
          expect.objectContaining({ type: 'Accepted', status: 'True', reason: 'Accepted' }),
          expect.objectContaining({ type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs' }),
        ],
      },
    ]);
    w.store.delete(T.services, 'apps', 'myapp-canary');
    await waitFor(w.store, 'ResolvedRefs False', () => {
      const c = (w.store.get(T.httproutes, 'apps', 'myapp')['status'] as any).parents[0].conditions[1];
      return c.status === 'False' && c.reason === 'BackendNotFound';
    });
  });
});

describe('Linkerd metrics exposition', () => {
  let w: MeshWorld;
  beforeEach(async () => {
    w = startMeshWorld({ canaryImage: 'ghcr.io/mccutchen/go-httpbin:2.18' });
    await ready(w);
    w.store.create(T.trafficsplits, 'apps', trafficSplit('v1alpha1', '500m', '500m'));
  });
  afterEach(() => w.close());

  const labelsOf = (line: string): Record<string, string> => {
    const m = /^[a-z_]+\{(.*)\} \d+(\.\d+)?$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    return Object.fromEntries([...m[1]!.matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]));
  };

  it('carries the labels the seed query and Flagger select on', async () => {
    await send(w.mesh, 200);
    const text = w.mesh.metrics.exposition();
    const lines = text.trimEnd().split('\n');
    for (const l of lines) expect(l).toMatch(/^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+\{[^}]*\} \d+(\.\d+)?)$/);

    const samples = lines.filter((l) => !l.startsWith('#'));
    const outboundCanaryFailures = samples
      .filter((l) => l.startsWith('response_total{'))
      .map(labelsOf)
      .filter((l) => l['direction'] === 'outbound' && l['dst_service'] === 'myapp-canary' && l['classification'] === 'failure');
    expect(outboundCanaryFailures.length).toBeGreaterThan(0);
    for (const l of outboundCanaryFailures) {
      expect(l).toMatchObject({
        namespace: 'clients',
        deployment: CLIENT,
        direction: 'outbound',
        authority: 'myapp.apps.svc.cluster.local:80',
        tls: 'true',
        dst_namespace: 'apps',
        dst_service: 'myapp-canary',
        dst_deployment: 'myapp-canary',
        classification: 'failure',
        status_code: '500',
      });
      expect(l['pod']).toMatch(new RegExp(`^${CLIENT}-`));
    }
    const inbound = samples.filter((l) => l.startsWith('response_total{')).map(labelsOf).filter((l) => l['direction'] === 'inbound');
    expect(new Set(inbound.map((l) => l['deployment']))).toEqual(new Set(['myapp-stable', 'myapp-canary']));
    expect(inbound.every((l) => l['tls'] === 'true' && l['client_id'] === 'default.clients.serviceaccount.identity.linkerd.cluster.local')).toBe(true);
    // Stable never fails, so it has no failure series at all (as on a real proxy).
    expect(inbound.some((l) => l['deployment'] === 'myapp-stable' && l['classification'] === 'failure')).toBe(false);

    const les = samples.filter((l) => l.startsWith('response_latency_ms_bucket{')).map((l) => labelsOf(l)['le']);
    expect([...new Set(les)]).toEqual([...LATENCY_BOUNDS_MS.map(String), '+Inf']);
    expect(samples.some((l) => l.startsWith('response_latency_ms_bucket{') && 'classification' in labelsOf(l))).toBe(false);
    expect(samples.filter((l) => l.startsWith('request_total{')).every((l) => !('status_code' in labelsOf(l)))).toBe(true);
  });

  it('counts agree: outbound = inbound, request_total = response_total', async () => {
    await send(w.mesh, 300);
    const m = w.mesh.metrics;
    expect(m.responses({ direction: 'outbound', deployment: CLIENT })).toBe(300);
    expect(m.responses({ direction: 'inbound' })).toBe(300);
    const canaryFailOut = m.responses({ direction: 'outbound', dst_service: 'myapp-canary' }, 'failure', 500);
    const canaryFailIn = m.responses({ direction: 'inbound', deployment: 'myapp-canary' }, 'failure', 500);
    expect(canaryFailOut).toBe(canaryFailIn);
    expect(canaryFailOut).toBeGreaterThan(0);
    expect(m.responses({ direction: 'inbound', deployment: 'myapp-stable' }, 'failure')).toBe(0);
  });

  it('drops a pod\'s series when the pod is deleted', async () => {
    await send(w.mesh, 100);
    const pod = podsOf(w.store, 'apps', { track: 'canary' })[0]!.metadata.name;
    expect(w.mesh.metrics.exposition()).toContain(`pod="${pod}"`);
    w.store.delete(T.pods, 'apps', pod);
    expect(w.mesh.metrics.exposition()).not.toContain(`pod="${pod}"`);
  });

  it('serves /metrics and external requests over loopback HTTP', async () => {
    await send(w.mesh, 20);
    const server = await startMeshServer(w.mesh);
    try {
      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('version=0.0.4');
      expect(await res.text()).toContain('response_total{');
      expect(server.scrapes()).toBe(1);
      const get = await fetch(`${server.serviceUrl('apps', 'myapp-stable', 80)}/status/418`);
      expect(get.status).toBe(418);
      const missing = await fetch(`${server.serviceUrl('apps', 'nope', 80)}/get`);
      expect(missing.status).toBe(503);
    } finally {
      await server.close();
    }
  });
});
