/**
 * Which VirtualService routes carry the weight and what the patch writes, ported from Argo Rollouts'
 * rollout/trafficrouting/istio/istio_test.go (each case names its Go test; the VirtualServices are
 * its fixtures). Argo's test applies its patches to an object; here the JSON patch is applied the
 * same way so that the resulting weights can be compared.
 */
import { parse } from 'yaml';
import type { JsonPatchOp } from '../../src/kube/client.js';
import type { WeightDestination } from '../../src/engine/ports.js';
import { canaryWeight, experimentDestinations, hostName, managedRoutes, RouteMismatch, weightOps, type RouteSelector, type SplitSides, type VsSpec } from '../../src/routing/istio-routes.js';
import { virtualServiceRef } from '../../src/routing/istio.js';

const HOSTS: SplitSides = { canaryService: 'canary', stableService: 'stable', canarySubset: null, stableSubset: null, additionalSubsets: [] };
const sel = (o: Partial<RouteSelector> = {}): RouteSelector => ({ routes: [], tlsRoutes: [], tcpRoutes: [], ...o });

const split = (weights: string) => `
    route:
    - destination:
        host: 'stable'
      weight: ${weights.split('/')[1]}
    - destination:
        host: canary
      weight: ${weights.split('/')[0]}`;

/** istio_test.go regularVsvc, regularTlsVsvc, regularTcpVsvc, regularMixedVsvc, regularTlsSniVsvc, singleRouteVsvc. */
const regularVsvc = `
http:
  - name: primary${split('0/100')}
  - name: secondary${split('0/100')}`;
const regularTlsVsvc = `
tls:
  - match:
    - port: 3000${split('0/100')}
  - match:
    - port: 3001${split('0/100')}`;
const regularTcpVsvc = regularTlsVsvc.replace('tls:', 'tcp:');
const regularMixedVsvc = regularVsvc + regularTlsVsvc + regularTcpVsvc;
const regularTlsSniVsvc = `
tls:
  - match:
    - sniHosts:
      - foo.bar.com
      - bar.foo.com
    - sniHosts:
      - localhost${split('0/100')}
  - match:
    - port: 3001
      sniHosts:
      - localhost${split('0/100')}`;
const singleRouteVsvc = `
http:
  - route:
    - destination:
        host: 'stable'
      weight: 100
    - destination:
        host: canary
      weight: 0`;

/** TestHttpReconcileMultipleDestRule's VirtualService: subsets stable and canary, and an additional subset stable-subset. */
const multipleDestRuleVsvc = `
http:
  - name: primary
    route:
    - destination: {host: rollout, subset: stable}
      weight: 80
    - destination: {host: rollout, subset: canary}
      weight: 0
    - destination: {host: rollout, subset: stable-subset}
      weight: 20`;

/** RFC 6902 add/replace/remove on a copy, as the API server applies canary's patch. */
function apply(spec: VsSpec, ops: JsonPatchOp[]): VsSpec {
  const doc = { spec: structuredClone(spec) } as Record<string, unknown>;
  for (const op of ops) {
    const keys = op.path.split('/').slice(1);
    const last = keys.pop()!;
    const parent = keys.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, doc);
    if (op.op === 'remove') (parent as unknown as unknown[]).splice(Number(last), 1);
    else if (op.op === 'add' && last === '-') (parent as unknown as unknown[]).push(op.value);
    else if (op.op !== 'test') parent[last] = op.value;
  }
  return doc['spec'] as VsSpec;
}

function reconcile(yaml: string, selector: RouteSelector, weight: number, sides = HOSTS, experiments: WeightDestination[] = []): VsSpec {
  const spec = parse(yaml) as VsSpec;
  return apply(spec, weightOps(spec, managedRoutes(spec, selector, sides), sides, weight, experiments));
}

const weights = (route: { route?: { destination?: { host?: string; subset?: string }; weight?: number }[] }) =>
  Object.fromEntries((route.route ?? []).map((d) => [d.destination?.subset ?? d.destination?.host, d.weight]));

describe('Istio VirtualService routes (Argo istio_test.go)', () => {
  it('TestHttpReconcileWeightsBaseCase: only the named HTTP route is split', () => {
    const out = reconcile(regularVsvc, sel({ routes: ['primary'] }), 10);
    expect(weights(out.http![0]!)).toEqual({ stable: 90, canary: 10 });
    expect(weights(out.http![1]!)).toEqual({ stable: 100, canary: 0 });
  });

  it('TestTlsReconcileWeightsBaseCase: the TLS route on port 3000 only', () => {
    const out = reconcile(regularTlsVsvc, sel({ tlsRoutes: [{ port: 3000, sniHosts: [] }] }), 30);
    expect([weights(out.tls![0]!), weights(out.tls![1]!)]).toEqual([{ stable: 70, canary: 30 }, { stable: 100, canary: 0 }]);
  });

  it('TestTlsSniReconcileWeightsBaseCase: SNI hosts select the route whose match blocks name exactly them (no port = 0)', () => {
    const out = reconcile(regularTlsSniVsvc, sel({ tlsRoutes: [{ port: null, sniHosts: ['foo.bar.com', 'bar.foo.com', 'localhost'] }] }), 30);
    expect([weights(out.tls![0]!), weights(out.tls![1]!)]).toEqual([{ stable: 70, canary: 30 }, { stable: 100, canary: 0 }]);
  });

  it('TestTlsPortAndSniReconcileWeightsBaseCase: port and SNI host together', () => {
    const out = reconcile(regularTlsSniVsvc, sel({ tlsRoutes: [{ port: 3001, sniHosts: ['localhost'] }] }), 30);
    expect([weights(out.tls![0]!), weights(out.tls![1]!)]).toEqual([{ stable: 100, canary: 0 }, { stable: 70, canary: 30 }]);
  });

  it('TestTcpReconcileWeightsBaseCase: the TCP route on port 3000 only', () => {
    const out = reconcile(regularTcpVsvc, sel({ tcpRoutes: [{ port: 3000 }] }), 30);
    expect([weights(out.tcp![0]!), weights(out.tcp![1]!)]).toEqual([{ stable: 70, canary: 30 }, { stable: 100, canary: 0 }]);
  });

  it('TestReconcileWeightsBaseCase: HTTP, TLS and TCP routes of one VirtualService together', () => {
    const out = reconcile(regularMixedVsvc, sel({ routes: ['primary'], tlsRoutes: [{ port: 3000, sniHosts: [] }], tcpRoutes: [{ port: 3000 }] }), 20);
    for (const kind of ['http', 'tls', 'tcp'] as const) {
      expect(weights(out[kind]![0]!)).toEqual({ stable: 80, canary: 20 });
      expect(weights(out[kind]![1]!)).toEqual({ stable: 100, canary: 0 });
    }
  });

  it('TestReconcileNoChanges: the weight already written gives no operation', () => {
    const spec = parse(regularVsvc) as VsSpec;
    expect(weightOps(spec, managedRoutes(spec, sel({ routes: ['primary'] }), HOSTS), HOSTS, 0)).toEqual([]);
  });

  it('TestHttpReconcileInferredSingleRoute: one unnamed HTTP route needs no name', () => {
    const out = reconcile(singleRouteVsvc, sel(), 10);
    expect(weights(out.http![0]!)).toEqual({ stable: 90, canary: 10 });
  });

  it('TestReconcileAmbiguousRoutes: two HTTP routes and no name is refused', () => {
    expect(() => reconcile(regularVsvc, sel(), 10)).toThrow(new RouteMismatch('it has 2 HTTP routes: name the ones to split in virtualService.routes'));
  });

  it('TestTlsReconcileAmbiguousRoutes / TestTcpReconcileAmbiguousRoutes: two routes of a kind and no selector are refused', () => {
    expect(() => reconcile(regularTlsVsvc, sel(), 10)).toThrow(/it has 2 TLS routes/);
    expect(() => reconcile(regularTcpVsvc, sel(), 10)).toThrow(/it has 2 TCP routes/);
  });

  it('TestValidateHTTPRoutes: a route name the VirtualService lacks is named', () => {
    expect(() => reconcile(regularVsvc, sel({ routes: ['not-found-route'] }), 10)).toThrow('it has no HTTP route named "not-found-route" (it has "primary", "secondary")');
  });

  it('TestValidateTLSRoutes / TestValidateTCPRoutes: a port no route matches is named', () => {
    expect(() => reconcile(regularTlsVsvc, sel({ tlsRoutes: [{ port: 2002, sniHosts: [] }] }), 10)).toThrow('it has no TLS route matching port 2002');
    expect(() => reconcile(regularTcpVsvc, sel({ tcpRoutes: [{ port: 2002 }] }), 10)).toThrow('it has no TCP route matching port 2002');
  });

  it('TestValidateHosts: both Services must be destinations; `stable.namespace` is host stable', () => {
    expect(() => reconcile(regularVsvc, sel({ routes: ['primary'] }), 10, { ...HOSTS, stableService: 'not-found-stable' })).toThrow(
      'its HTTP route "primary" has no destination with host not-found-stable (the stable Service)',
    );
    expect(() => reconcile(regularVsvc, sel({ routes: ['primary'] }), 10, { ...HOSTS, canaryService: 'not-found-canary' })).toThrow(
      'its HTTP route "primary" has no destination with host not-found-canary (the canary Service)',
    );
    const qualified = regularVsvc.replaceAll("host: 'stable'", 'host: stable.namespace').replaceAll('host: canary', 'host: canary.namespace.svc.cluster.local');
    expect(weights(reconcile(qualified, sel({ routes: ['primary'] }), 10).http![0]!)).toEqual({ 'stable.namespace': 90, 'canary.namespace.svc.cluster.local': 10 });
  });

  describe('subset-level splitting', () => {
    const SUBSETS: SplitSides = { ...HOSTS, canarySubset: 'canary', stableSubset: 'stable' };
    const subsetVsvc = `
http:
  - name: primary
    route:
    - destination: {host: rollout, subset: stable}
      weight: 100
    - destination: {host: rollout, subset: canary}
      weight: 0`;

    it('TestValidateHTTPRoutesSubsets: the good case, then each missing subset named', () => {
      expect(weights(reconcile(subsetVsvc, sel({ routes: ['primary'] }), 25, SUBSETS).http![0]!)).toEqual({ stable: 75, canary: 25 });
      expect(() => reconcile(subsetVsvc, sel({ routes: ['primary'] }), 25, { ...SUBSETS, stableSubset: 'doesntexist' })).toThrow(
        'its HTTP route "primary" has no destination with the stable subset "doesntexist"',
      );
      expect(() => reconcile(subsetVsvc, sel({ routes: ['primary'] }), 25, { ...SUBSETS, canarySubset: 'doesntexist' })).toThrow(
        'its HTTP route "primary" has no destination with the canary subset "doesntexist"',
      );
    });

    it('TestHttpReconcileMultipleDestRule: an additional subset keeps its weight and stable gets the rest', () => {
      const out = reconcile(multipleDestRuleVsvc, sel({ routes: ['primary'] }), 10, { ...SUBSETS, additionalSubsets: ['stable-subset'] });
      expect(weights(out.http![0]!)).toEqual({ stable: 70, canary: 10, 'stable-subset': 20 });
    });
  });

  it('TestHostSplitExperimentStepMultipleServicesRemoved: other destinations of a managed route are removed, highest index first', () => {
    const vs = `
http:
  - name: primary
    route:
    - destination: {host: stable}
      weight: 60
    - destination: {host: experiment-a}
      weight: 10
    - destination: {host: canary}
      weight: 20
    - destination: {host: experiment-b}
      weight: 10`;
    const spec = parse(vs) as VsSpec;
    const ops = weightOps(spec, managedRoutes(spec, sel({ routes: ['primary'] }), HOSTS), HOSTS, 20);
    expect(ops.filter((o) => o.op === 'remove').map((o) => o.path)).toEqual(['/spec/http/0/route/3', '/spec/http/0/route/1']);
    expect(weights(apply(spec, ops).http![0]!)).toEqual({ stable: 80, canary: 20 });
  });

  describe('experiment destinations (Argo processRoutes with additionalDestinations)', () => {
    const yaml = (spec: VsSpec) => JSON.stringify(spec);

    it('TestHostSplitExperimentStep: the experiment Service is added at its weight, stable gets the rest; without experiments it goes again', () => {
      const added = reconcile(regularVsvc, sel({ routes: ['primary'] }), 10, HOSTS, [{ service: 'exp-svc', weight: 20 }]);
      expect(weights(added.http![0]!)).toEqual({ stable: 70, canary: 10, 'exp-svc': 20 });
      // Argo appends a host-only destination: no subset, no port.
      expect(added.http![0]!.route![2]).toEqual({ destination: { host: 'exp-svc' }, weight: 20 });
      expect(weights(added.http![1]!)).toEqual({ stable: 100, canary: 0 });
      expect(weights(reconcile(yaml(added), sel({ routes: ['primary'] }), 10).http![0]!)).toEqual({ stable: 90, canary: 10 });
    });

    it('TestHostSplitExperimentStepMultipleServicesRemoved: two experiment Services added, then both removed', () => {
      const two = [{ service: 'exp-canary', weight: 20 }, { service: 'exp-baseline', weight: 20 }];
      const added = reconcile(regularVsvc, sel({ routes: ['primary'] }), 10, HOSTS, two);
      expect(added.http![0]!.route).toHaveLength(4);
      expect(weights(added.http![0]!)).toEqual({ stable: 50, canary: 10, 'exp-baseline': 20, 'exp-canary': 20 });
      // Argo sorts the new hosts, so the route does not depend on the templates' order.
      expect(added.http![0]!.route!.slice(2).map((d) => d.destination?.host)).toEqual(['exp-baseline', 'exp-canary']);
      const removed = reconcile(yaml(added), sel({ routes: ['primary'] }), 10);
      expect(removed.http![0]!.route).toHaveLength(2);
      expect(weights(removed.http![0]!)).toEqual({ stable: 90, canary: 10 });
    });

    it('TestReconcileVirtualServiceExperimentStep: the weight of an experiment destination already there changes in place; the same again writes nothing', () => {
      const spec = parse(regularVsvc) as VsSpec;
      const managed = managedRoutes(spec, sel({ routes: ['primary'] }), HOSTS);
      const at20 = apply(spec, weightOps(spec, managed, HOSTS, 10, [{ service: 'exp-svc', weight: 20 }]));
      const ops = weightOps(at20, managed, HOSTS, 10, [{ service: 'exp-svc', weight: 10 }]);
      expect(ops).toEqual([
        { op: 'add', path: '/spec/http/0/route/0/weight', value: 80 },
        { op: 'add', path: '/spec/http/0/route/2/weight', value: 10 },
      ]);
      expect(weightOps(apply(at20, ops), managed, HOSTS, 10, [{ service: 'exp-svc', weight: 10 }])).toEqual([]);
      expect(experimentDestinations(apply(at20, ops), managed, ['exp-svc'])).toEqual([{ service: 'exp-svc', weight: 10 }]);
      expect(canaryWeight(apply(at20, ops), managed, HOSTS, ['exp-svc'])).toBe(10);
    });

    it('TestReconcileWeightsBaseCase with experiments: every managed HTTP, TLS and TCP route gets the destination', () => {
      const out = reconcile(regularMixedVsvc, sel({ routes: ['primary'], tlsRoutes: [{ port: 3000, sniHosts: [] }], tcpRoutes: [{ port: 3000 }] }), 20, HOSTS, [{ service: 'exp-svc', weight: 30 }]);
      for (const kind of ['http', 'tls', 'tcp'] as const) {
        expect(weights(out[kind]![0]!)).toEqual({ stable: 50, canary: 20, 'exp-svc': 30 });
        expect(weights(out[kind]![1]!)).toEqual({ stable: 100, canary: 0 });
      }
    });

    it('subset-level splitting (Argo test/e2e/istio/istio-subset-split-experiment-step.yaml): the experiment Service is a host destination beside the subsets; additional subsets keep theirs', () => {
      const sides: SplitSides = { ...HOSTS, canaryService: null, stableService: null, canarySubset: 'canary', stableSubset: 'stable', additionalSubsets: ['stable-subset'] };
      const out = reconcile(multipleDestRuleVsvc, sel({ routes: ['primary'] }), 10, sides, [{ service: 'exp-svc', weight: 20 }]);
      expect(out.http![0]!.route).toEqual([
        { destination: { host: 'rollout', subset: 'stable' }, weight: 50 },
        { destination: { host: 'rollout', subset: 'canary' }, weight: 10 },
        { destination: { host: 'rollout', subset: 'stable-subset' }, weight: 20 },
        { destination: { host: 'exp-svc' }, weight: 20 },
      ]);
    });

    it('processRoutes: stable never goes below 0 (Istio refuses negative weights)', () => {
      expect(weights(reconcile(regularVsvc, sel({ routes: ['primary'] }), 90, HOSTS, [{ service: 'exp-svc', weight: 20 }]).http![0]!)).toEqual({ stable: 0, canary: 90, 'exp-svc': 20 });
    });
  });

  it('reads the canary share of the first managed route; unweighted destinations count 0', () => {
    const spec = parse(regularVsvc) as VsSpec;
    const managed = managedRoutes(spec, sel({ routes: ['secondary', 'primary'] }), HOSTS);
    expect(canaryWeight(apply(spec, weightOps(spec, managed, HOSTS, 35)), managed, HOSTS)).toBe(35);
    expect(canaryWeight({ http: [{ route: [{ destination: { host: 'stable' } }, { destination: { host: 'canary' } }] }] }, [{ kind: 'http', index: 0 }], HOSTS)).toBe(0);
  });

  it("getHost: the part before the first dot; a leading dot is no host (Argo's getHost)", () => {
    expect(hostName({ destination: { host: 'myapp.apps.svc.cluster.local' } })).toBe('myapp');
    expect(hostName({ destination: { host: '.apps' } })).toBe('');
  });

  it('TestGetVirtualServiceNamespaceName (utils/istio): name.namespace, the cluster.local suffix, dotted names', () => {
    expect(virtualServiceRef('vsvc', 'default')).toEqual({ namespace: 'default', name: 'vsvc' });
    expect(virtualServiceRef('vsvc.other', 'default')).toEqual({ namespace: 'other', name: 'vsvc' });
    expect(virtualServiceRef('vsvc.other.cluster.local', 'default')).toEqual({ namespace: 'other', name: 'vsvc' });
    expect(virtualServiceRef('my.vsvc.other', 'default')).toEqual({ namespace: 'other', name: 'my.vsvc' });
  });
});
