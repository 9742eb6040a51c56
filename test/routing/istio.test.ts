/**
 * The Istio router against the sandbox's API server with Istio's published CRDs: only the weights
 * of the managed route change (the rest of the VirtualService is compared before/after), the
 * DestinationRule's canary and stable subsets get the track label, and what is missing is named.
 */
import type { ManagedRoute as StepRoute } from '../../src/engine/routes.js';
import { IstioRouter, type IstioRouterOptions } from '../../src/routing/istio.js';
import { UsageError } from '../../src/util/errors.js';
import { kubeSandbox, requestsFor, seed, stored, type KubeSandbox } from '../kube/support/sandbox.js';
import { admitCustomResource, publishedSchema } from '../sandbox/api/crd-schema.js';

const VS = 'virtualservices.networking.istio.io';

/** examples/istio's VirtualService plus what canary must never touch: a header route, a timeout, a fault, gateways. */
function virtualService(): Record<string, unknown> & { metadata: { name: string; namespace: string; annotations?: Record<string, string> } } {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'myapp', namespace: 'apps', annotations: { team: 'web' } },
    spec: {
      hosts: ['myapp', 'myapp.example.com'],
      gateways: ['mesh', 'istio-system/public'],
      http: [
        { name: 'debug', match: [{ headers: { 'x-debug': { exact: '1' } } }], route: [{ destination: { host: 'myapp-canary' } }] },
        {
          name: 'primary',
          route: [
            { destination: { host: 'myapp-stable', port: { number: 80 } }, weight: 100, headers: { response: { set: { 'x-track': 'any' } } } },
            { destination: { host: 'myapp-canary', port: { number: 80 } }, weight: 0 },
          ],
          timeout: '10s',
          fault: { delay: { percentage: { value: 0.1 }, fixedDelay: '5s' } },
        },
      ],
    },
  };
}

function destinationRule(): Record<string, unknown> & { metadata: { name: string; namespace: string } } {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'myapp', namespace: 'apps' },
    spec: {
      host: 'myapp',
      trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } },
      subsets: [
        { name: 'canary', labels: { 'app.kubernetes.io/name': 'myapp' } },
        { name: 'stable' },
        { name: 'legacy', labels: { version: 'v0' } },
      ],
    },
  };
}

function router(sb: KubeSandbox, o: Partial<IstioRouterOptions> = {}): IstioRouter {
  return new IstioRouter({
    client: sb.client,
    rollout: 'myapp',
    namespace: 'apps',
    virtualServices: [{ name: 'myapp', routes: ['primary'], tlsRoutes: [], tcpRoutes: [] }],
    destinationRule: null,
    stableService: 'myapp-stable',
    canaryService: 'myapp-canary',
    ...o,
  });
}

/** What the API server stores for an object as applied (the CRD's pruning and defaults). */
function admitted(o: Record<string, unknown>, kind: string): Record<string, unknown> {
  const copy = structuredClone(o);
  admitCustomResource(publishedSchema('networking.istio.io', 'v1', kind)!, copy);
  return copy;
}

describe('Istio VirtualService router', () => {
  let sb: KubeSandbox;
  beforeEach(async () => {
    sb = await kubeSandbox({ apis: { istio: ['v1', 'v1beta1', 'v1alpha3'] } });
  });
  afterEach(() => sb.close());

  it('writes only the two weights of the managed route: everything else is as before', async () => {
    seed(sb, 'virtualservices', virtualService());
    const before = stored(sb, 'virtualservices', 'myapp')!;
    const r = router(sb);
    await r.check();
    expect(await r.getWeight()).toBe(0);
    await r.setWeight(30);
    const after = stored(sb, 'virtualservices', 'myapp')!;
    const expected = structuredClone(before['spec']) as { http: { route: { weight?: number }[] }[] };
    expected.http[1]!.route[0]!.weight = 70;
    expected.http[1]!.route[1]!.weight = 30;
    expect(after['spec']).toEqual(expected);
    expect(after.metadata.annotations).toEqual(before.metadata.annotations);
    expect(JSON.stringify(after['spec'])).toBe(JSON.stringify(expected)); // same keys in the same order
    expect(await r.getWeight()).toBe(30);
    expect(await r.verifyWeight()).toBeNull();
    const patch = sb.api.stats.requests().find((q) => q.method === 'PATCH');
    expect(patch?.url).toMatch(/^\/apis\/networking.istio.io\/v1\/namespaces\/apps\/virtualservices\/myapp/);
  });

  it('a second write of the same weight sends no patch', async () => {
    seed(sb, 'virtualservices', virtualService());
    await router(sb).setWeight(40);
    const rv = stored(sb, 'virtualservices', 'myapp')!.metadata.resourceVersion;
    sb.api.stats.reset();
    await router(sb).setWeight(40);
    expect(requestsFor(sb, VS)).toEqual({ get: 1 });
    expect(stored(sb, 'virtualservices', 'myapp')!.metadata.resourceVersion).toBe(rv);
  });

  describe('experiment destinations (Argo TestReconcileVirtualServiceExperimentStep: add, change, delete)', () => {
    type Route = { destination: { host: string; port?: unknown }; weight?: number };
    const primary = () => (stored(sb, 'virtualservices', 'myapp')!['spec'] as { http: { route: Route[] }[] }).http[1]!.route;
    const recorded = () => stored(sb, 'virtualservices', 'myapp')!.metadata.annotations?.['canary-rollouts/experiment-backends'];

    it("added with their weights and recorded; changed in place; removed with the record, the user's routes and annotations as before", async () => {
      seed(sb, 'virtualservices', virtualService());
      const before = stored(sb, 'virtualservices', 'myapp')!;
      const r = router(sb);
      await r.setWeight(10, [{ service: 'exp-svc', weight: 20 }]);
      expect(primary().map((d) => [d.destination.host, d.weight])).toEqual([['myapp-stable', 70], ['myapp-canary', 10], ['exp-svc', 20]]);
      expect(recorded()).toBe('["exp-svc"]');
      expect(await r.additional.inPlace()).toEqual([{ service: 'exp-svc', weight: 20 }]);
      expect(await r.getWeight()).toBe(10);

      await r.setWeight(10, [{ service: 'exp-svc', weight: 10 }]);
      expect(primary().map((d) => [d.destination.host, d.weight])).toEqual([['myapp-stable', 80], ['myapp-canary', 10], ['exp-svc', 10]]);

      await r.setWeight(10);
      expect(primary().map((d) => [d.destination.host, d.weight])).toEqual([['myapp-stable', 90], ['myapp-canary', 10]]);
      expect(recorded()).toBeUndefined();
      expect(await r.additional.inPlace()).toEqual([]);
      const after = stored(sb, 'virtualservices', 'myapp')!;
      expect(after.metadata.annotations).toEqual(before.metadata.annotations);
      expect((after['spec'] as { http: unknown[] }).http[0]).toEqual((before['spec'] as { http: unknown[] }).http[0]);
    });

    it('a later runner (a new router) finds the recorded destinations and removes them', async () => {
      seed(sb, 'virtualservices', virtualService());
      await router(sb).setWeight(10, [{ service: 'exp-a', weight: 20 }, { service: 'exp-b', weight: 20 }]);
      const next = router(sb);
      expect(await next.additional.inPlace()).toEqual([{ service: 'exp-a', weight: 20 }, { service: 'exp-b', weight: 20 }]);
      await next.setWeight(0);
      expect(primary().map((d) => [d.destination.host, d.weight])).toEqual([['myapp-stable', 100], ['myapp-canary', 0]]);
      expect(recorded()).toBeUndefined();
    });

    it('canary and experiments over 100% are refused before any write, naming the VirtualService', async () => {
      seed(sb, 'virtualservices', virtualService());
      sb.api.stats.reset();
      await expect(router(sb).setWeight(90, [{ service: 'exp-svc', weight: 20 }])).rejects.toThrow('VirtualService apps/myapp: canary 90% and experiment weights exp-svc 20% exceed 100%');
      expect(sb.api.stats.requests().filter((q) => q.method === 'PATCH')).toEqual([]);
    });
  });

  it('409 conflicts on the patch are re-read and re-applied', async () => {
    seed(sb, 'virtualservices', virtualService());
    sb.api.faults.conflicts(0.5, { verbs: ['patch'] });
    for (const w of [10, 20, 30, 40, 50]) await router(sb).setWeight(w);
    expect(sb.api.stats.requests().filter((q) => q.method === 'PATCH').map((q) => q.status)).toContain(409);
    const route = (stored(sb, 'virtualservices', 'myapp')!['spec'] as { http: { route: { weight: number }[] }[] }).http[1]!.route;
    expect(route.map((d) => d.weight)).toEqual([50, 50]);
  });

  it('subset-level: the canary and stable subsets get the track label, other subsets and fields stay', async () => {
    const vs = virtualService();
    (vs['spec'] as { http: unknown[] }).http[1] = {
      name: 'primary',
      route: [
        { destination: { host: 'myapp', subset: 'stable' }, weight: 100 },
        { destination: { host: 'myapp', subset: 'canary' }, weight: 0 },
      ],
    };
    seed(sb, 'virtualservices', vs);
    seed(sb, 'destinationrules', destinationRule());
    const r = router(sb, { destinationRule: { name: 'myapp', canarySubsetName: 'canary', stableSubsetName: 'stable', additionalSubsetNames: [] } });
    await r.check();
    await r.setWeight(10);
    const expected = admitted(destinationRule(), 'DestinationRule')['spec'] as { subsets: { labels?: Record<string, string> }[] };
    expected.subsets[0]!.labels = { 'app.kubernetes.io/name': 'myapp', 'canary-rollouts/track': 'canary' };
    expected.subsets[1]!.labels = { 'canary-rollouts/track': 'stable' };
    expect(stored(sb, 'destinationrules', 'myapp')!['spec']).toEqual(expected);
    expect(await r.getWeight()).toBe(10);
  });

  it('refuses, naming what is missing: the VirtualService, a route, a Service, a subset', async () => {
    await expect(router(sb).check()).rejects.toThrow(new UsageError('VirtualService apps/myapp not found: canary writes the weights of an existing VirtualService and does not create one'));
    seed(sb, 'virtualservices', virtualService());
    await expect(router(sb, { virtualServices: [{ name: 'myapp', routes: ['main'], tlsRoutes: [], tcpRoutes: [] }] }).check()).rejects.toThrow(
      'VirtualService apps/myapp: it has no HTTP route named "main" (it has "debug", "primary")',
    );
    await expect(router(sb, { canaryService: 'web-canary' }).check()).rejects.toThrow(
      'VirtualService apps/myapp: its HTTP route "primary" has no destination with host web-canary (the canary Service)',
    );
    seed(sb, 'destinationrules', destinationRule());
    const dr = { name: 'myapp', canarySubsetName: 'preview', stableSubsetName: 'stable', additionalSubsetNames: [] };
    // The VirtualService check comes first: point it at subsets the route has.
    await expect(router(sb, { destinationRule: dr }).check()).rejects.toThrow(/has no destination with the canary subset "preview"/);
  });

  it('a VirtualService in another namespace (name.namespace) is read there', async () => {
    const vs = virtualService();
    vs.metadata.namespace = 'monitoring';
    seed(sb, 'virtualservices', vs);
    const r = router(sb, { virtualServices: [{ name: 'myapp.monitoring', routes: ['primary'], tlsRoutes: [], tcpRoutes: [] }] });
    expect(r.describe()).toBe('VirtualService monitoring/myapp');
    await r.setWeight(20);
    expect(await r.getWeight()).toBe(20);
  });

  describe('header and mirror routes (Argo istio_test.go TestHttpReconcileHeaderRouteHostBased, TestHttpReconcileMirrorRoute)', () => {
    const header: StepRoute = { kind: 'header', name: 'set-header', match: [{ headerName: 'agent', headerValue: { kind: 'exact', value: 'firefox' } }] };
    const mirror: StepRoute = {
      kind: 'mirror',
      name: 'test-mirror-1',
      percentage: 90,
      match: [{ method: { kind: 'exact', value: 'GET' }, path: { kind: 'prefix', value: '/' }, headers: [] }],
    };
    const http = (sb: KubeSandbox) => (stored(sb, 'virtualservices', 'myapp')!['spec'] as { http: Record<string, unknown>[] }).http;

    it('header route first, to the canary host and port; mirror route with the weighted destinations; both removed, the user\'s routes as before', async () => {
      seed(sb, 'virtualservices', virtualService());
      const before = structuredClone(http(sb));
      const r = router(sb);
      await r.routes.set([header, mirror]);
      const now = http(sb);
      expect(now.map((x) => x['name'])).toEqual([expect.stringMatching(/^canary\.myapp\.set-header-[0-9a-f]{8}$/), expect.stringMatching(/^canary\.myapp\.test-mirror-1-[0-9a-f]{8}$/), 'debug', 'primary']);
      expect(now[0]).toMatchObject({ match: [{ headers: { agent: { exact: 'firefox' } } }], route: [{ destination: { host: 'myapp-canary', port: { number: 80 } }, weight: 100 }] });
      expect(now[1]).toMatchObject({
        match: [{ method: { exact: 'GET' }, uri: { prefix: '/' } }],
        route: [{ destination: { host: 'myapp-stable' }, weight: 100 }, { destination: { host: 'myapp-canary' }, weight: 0 }],
        mirror: { host: 'myapp-canary', port: { number: 80 } },
        mirrorPercentage: { value: 90 },
      });
      expect(now.slice(2)).toEqual(before);
      expect((await r.routes.inPlace()).map((x) => x.name)).toEqual(['set-header', 'test-mirror-1']);

      // The weights follow in the mirror route; the named route is still found by name.
      await r.setWeight(20);
      expect((http(sb)[1]!['route'] as { weight: number }[]).map((d) => d.weight)).toEqual([80, 20]);
      expect(await r.getWeight()).toBe(20);

      sb.api.stats.reset();
      await r.routes.set([header, mirror]);
      expect(requestsFor(sb, VS)).toEqual({ get: 1 });

      await r.routes.set([]);
      const after = http(sb);
      expect(after.map((x) => x['name'])).toEqual(['debug', 'primary']);
      expect(await r.routes.inPlace()).toEqual([]);
    });

    it('subset-level: the header route goes to the canary subset', async () => {
      const vs = virtualService();
      (vs['spec'] as { http: unknown[] }).http = [
        { name: 'primary', route: [{ destination: { host: 'myapp', subset: 'stable' }, weight: 100 }, { destination: { host: 'myapp', subset: 'canary' }, weight: 0 }] },
      ];
      seed(sb, 'virtualservices', vs);
      seed(sb, 'destinationrules', destinationRule());
      const r = router(sb, { destinationRule: { name: 'myapp', canarySubsetName: 'canary', stableSubsetName: 'stable', additionalSubsetNames: [] } });
      await r.routes.set([header]);
      expect(http(sb)[0]).toMatchObject({ route: [{ destination: { host: 'myapp', subset: 'canary' }, weight: 100 }] });
    });
  });
});
