import { KubeClient } from '../../src/kube/client.js';
import { kubeTransport, type Transport } from '../../src/kube/transport.js';
import { GatewayApiRouter, type GatewayRouterOptions } from '../../src/routing/gateway-api.js';
import { systemClock } from '../../src/util/clock.js';
import { UnreachableError, UsageError } from '../../src/util/errors.js';
import type { K8sObject } from '../sandbox/store/types.js';
import { kubeSandbox, requestsFor, seed, stored, typeOf, type KubeSandbox } from '../kube/support/sandbox.js';
import { admitCustomResource, publishedSchema } from '../sandbox/api/crd-schema.js';
import { routeDigest, type ManagedRoute } from '../../src/engine/routes.js';

const HR = 'httproutes.gateway.networking.k8s.io';

/** The example route plus what canary must never touch: another rule, another backend, a filter. */
function route(): Record<string, unknown> & { metadata: { name: string; namespace: string } } {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'myapp', namespace: 'apps' },
    spec: {
      parentRefs: [{ group: 'core', kind: 'Service', name: 'myapp', port: 80 }],
      rules: [
        {
          matches: [{ headers: [{ name: 'x-debug', value: '1' }] }],
          backendRefs: [{ name: 'debug', port: 80, weight: 1 }],
        },
        {
          backendRefs: [
            { name: 'myapp-stable', port: 80, weight: 100 },
            { name: 'mirror-sink', port: 80, weight: 0 },
            { name: 'myapp-canary', port: 80, weight: 0 },
          ],
          filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'x-via', value: 'canary' }] } }],
        },
      ],
    },
  };
}

function router(sb: KubeSandbox, o: Partial<GatewayRouterOptions> = {}): GatewayApiRouter {
  return new GatewayApiRouter({
    client: sb.client,
    namespace: 'apps',
    routes: ['myapp'],
    headerRoutes: ['myapp'],
    rollout: 'myapp',
    servicesNamespace: 'apps',
    stableService: 'myapp-stable',
    canaryService: 'myapp-canary',
    ...o,
  });
}

const rules = (sb: KubeSandbox) => (stored(sb, 'httproutes', 'myapp')!['spec'] as { rules: { backendRefs: { name: string; weight?: number }[] }[] }).rules;

describe('Gateway API HTTPRoute router', () => {
  let sb: KubeSandbox;
  beforeEach(async () => {
    sb = await kubeSandbox({ apis: { gatewayApi: ['v1', 'v1beta1'] } });
  });
  afterEach(() => sb.close());

  it('writes only the two weights; other rules, backends and fields are untouched', async () => {
    seed(sb, 'httproutes', route());
    const r = router(sb);
    await r.check();
    expect(await r.getWeight()).toBe(0);
    await r.setWeight(30);
    // The route as the API server stores it once canary's patch went through: with the CRD's defaults.
    const defaulted = route();
    admitCustomResource(publishedSchema('gateway.networking.k8s.io', 'v1', 'HTTPRoute')!, defaulted);
    const expected = defaulted.spec as { rules: { backendRefs: { weight: number }[] }[] };
    expected.rules[1]!.backendRefs[0]!.weight = 70;
    expected.rules[1]!.backendRefs[2]!.weight = 30;
    expect(stored(sb, 'httproutes', 'myapp')!['spec']).toEqual(expected);
    expect(await r.getWeight()).toBe(30);
    const patch = sb.api.stats.requests().find((q) => q.method === 'PATCH');
    expect(patch?.url).toMatch(/^\/apis\/gateway.networking.k8s.io\/v1\/namespaces\/apps\/httproutes\/myapp/);
  });

  it('a second write of the same weight sends no patch and keeps the resourceVersion', async () => {
    seed(sb, 'httproutes', route());
    await router(sb).setWeight(30);
    const rv = stored(sb, 'httproutes', 'myapp')!.metadata.resourceVersion;
    sb.api.stats.reset();
    await router(sb).setWeight(30);
    expect(requestsFor(sb, HR)).toEqual({ get: 1 });
    expect(stored(sb, 'httproutes', 'myapp')!.metadata.resourceVersion).toBe(rv);
  });

  it('someone editing the route between the read and the patch: the guarded patch fails, is redone, and keeps their edit', async () => {
    seed(sb, 'httproutes', route());
    let patches = 0;
    const inner = kubeTransport(sb.kc);
    const racing: Transport = {
      server: inner.server,
      stream: (req, signal, onLine) => inner.stream(req, signal, onLine),
      send: (req, signal) => {
        if (req.method === 'PATCH' && patches++ === 0) {
          sb.store.mutate(typeOf(sb, 'httproutes'), 'apps', 'myapp', (o: K8sObject) => {
            (o['spec'] as { rules: { backendRefs: { weight: number }[] }[] }).rules[0]!.backendRefs[0]!.weight = 7;
          });
        }
        return inner.send(req, signal);
      },
    };
    const client = new KubeClient(racing, { clock: systemClock });
    await router(sb, { client }).setWeight(20);
    expect(patches).toBe(2);
    const statuses = sb.api.stats.requests().filter((q) => q.method === 'PATCH').map((q) => q.status);
    expect(statuses).toEqual([422, 200]);
    expect(rules(sb)[0]!.backendRefs[0]!.weight).toBe(7);
    expect(rules(sb)[1]!.backendRefs.map((b) => b.weight)).toEqual([80, 0, 20]);
  });

  it('409 conflicts on the patch are re-read and re-applied', async () => {
    seed(sb, 'httproutes', route());
    sb.api.faults.conflicts(0.5, { verbs: ['patch'] });
    for (const w of [10, 20, 30, 40, 50]) await router(sb).setWeight(w);
    expect(sb.api.stats.requests().filter((q) => q.method === 'PATCH').map((q) => q.status)).toContain(409);
    expect(rules(sb)[1]!.backendRefs.map((b) => b.weight)).toEqual([50, 0, 50]);
  });

  it('a route without both backends is refused, naming what to add', async () => {
    const r = route();
    (r['spec'] as { rules: { backendRefs: { name: string }[] }[] }).rules[1]!.backendRefs.splice(2, 1);
    seed(sb, 'httproutes', r);
    const err = await router(sb).setWeight(10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe('HTTPRoute apps/myapp has no rule with backendRefs to both Service myapp-stable and Service myapp-canary');
    expect((err as UsageError).hint).toBe('add both to the rule to split (e.g. myapp-stable weight 100, myapp-canary weight 0)');
  });

  it('a missing route is not created: canary says so', async () => {
    await expect(router(sb).check()).rejects.toThrow('HTTPRoute apps/myapp not found: canary writes the weights of an existing route and does not create one');
  });

  it('verifyWeight: null without status; true once Accepted at the current generation; false when stale', async () => {
    seed(sb, 'httproutes', route());
    const r = router(sb);
    await r.setWeight(10);
    expect(await r.verifyWeight(10)).toBeNull();
    const accept = (observed: number) =>
      sb.store.mutate(
        typeOf(sb, 'httproutes'),
        'apps',
        'myapp',
        (o: K8sObject) => {
          o['status'] = {
            parents: [
              {
                parentRef: { group: 'core', kind: 'Service', name: 'myapp' },
                controllerName: 'linkerd.io/policy-controller',
                conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '', observedGeneration: observed, lastTransitionTime: '2026-01-01T00:00:00Z' }],
              },
            ],
          };
        },
        { subresource: 'status' },
      );
    const generation = stored(sb, 'httproutes', 'myapp')!.metadata.generation!;
    accept(generation);
    expect(await r.verifyWeight(10)).toBe(true);
    expect(await r.verifyWeight(20)).toBe(false);
    await r.setWeight(20);
    expect(stored(sb, 'httproutes', 'myapp')!.metadata.generation).toBe(generation + 1);
    expect(await r.verifyWeight(20)).toBe(false);
    accept(generation + 1);
    expect(await r.verifyWeight(20)).toBe(true);
  });

  it('verifyWeight: an Accepted condition without observedGeneration cannot tell (null), Accepted False is false', async () => {
    seed(sb, 'httproutes', route());
    const r = router(sb);
    await r.setWeight(10);
    const condition = (c: Record<string, unknown>) =>
      sb.store.mutate(
        typeOf(sb, 'httproutes'),
        'apps',
        'myapp',
        (o: K8sObject) => {
          o['status'] = { parents: [{ parentRef: { group: 'core', kind: 'Service', name: 'myapp' }, controllerName: 'linkerd.io/policy-controller', conditions: [{ type: 'Accepted', reason: 'Accepted', message: '', lastTransitionTime: '2026-01-01T00:00:00Z', ...c }] }] };
        },
        { subresource: 'status' },
      );
    condition({ status: 'True' });
    expect(await r.verifyWeight(10)).toBeNull();
    condition({ status: 'False', observedGeneration: 99 });
    expect(await r.verifyWeight(10)).toBe(false);
  });

  it('speaks v1beta1 when only v1beta1 is served', async () => {
    await sb.close();
    sb = await kubeSandbox({ apis: { gatewayApi: ['v1beta1'] } });
    seed(sb, 'httproutes', route());
    await router(sb).setWeight(10);
    expect(sb.api.stats.requests().find((q) => q.method === 'PATCH')?.url).toMatch(/^\/apis\/gateway.networking.k8s.io\/v1beta1\//);
  });

  it('an absent Gateway API is a clear message', async () => {
    await sb.close();
    sb = await kubeSandbox({ apis: {} });
    const err = await router(sb).check().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(/^HTTPRoute \(gateway.networking.k8s.io\) is not served by this cluster: install the Gateway API CRDs/);
  });
});

describe('Gateway API HTTPRoute router: header and mirror routes', () => {
  let sb: KubeSandbox;
  beforeEach(async () => {
    sb = await kubeSandbox({ apis: { gatewayApi: ['v1', 'v1beta1'] } });
  });
  afterEach(() => sb.close());

  const HEADER: ManagedRoute = { kind: 'header', name: 'tagged', match: [{ headerName: 'X-Canary', headerValue: { kind: 'exact', value: 'yes' } }] };
  const MIRROR: ManagedRoute = { kind: 'mirror', name: 'copy', percentage: 25, match: [{ method: { kind: 'exact', value: 'GET' }, path: null, headers: [] }] };
  type Rule = { name?: string; backendRefs: { name: string; weight?: number }[]; filters?: unknown[] };
  const allRules = (s: KubeSandbox) => (stored(s, 'httproutes', 'myapp')!['spec'] as { rules: Rule[] }).rules;

  it('adds its named rules after the others (accepted by the v1 CRD schema), finds them again, and removes them, leaving the rest as it was', async () => {
    seed(sb, 'httproutes', route());
    const r = router(sb);
    // The user's rules as the API server stores them once canary's patch went through: with the CRD's defaults.
    const defaulted = route();
    admitCustomResource(publishedSchema('gateway.networking.k8s.io', 'v1', 'HTTPRoute')!, defaulted);
    const before = (defaulted.spec as { rules: Rule[] }).rules;
    await r.routes.set([HEADER, MIRROR]);
    const after = allRules(sb);
    expect(after.slice(0, 2)).toEqual(before);
    expect(after.slice(2).map((x) => x.name)).toEqual([`canary.myapp.tagged-${routeDigest(HEADER)}-0`, `canary.myapp.copy-${routeDigest(MIRROR)}-0`]);
    expect(await r.routes.inPlace()).toEqual([
      { name: 'copy', digest: routeDigest(MIRROR) },
      { name: 'tagged', digest: routeDigest(HEADER) },
    ]);
    await r.routes.set([]);
    expect(allRules(sb)).toEqual(before);
    expect(await r.routes.inPlace()).toEqual([]);
  });

  it('SetWeightDoesNotClobberHTTPHeaderRouteWeight (plugin issues #158, #169): setWeight leaves the header rule alone; the mirror rule splits as its source', async () => {
    seed(sb, 'httproutes', route());
    const r = router(sb);
    await r.routes.set([HEADER, MIRROR]);
    await r.setWeight(30);
    const [, split, header, mirror] = allRules(sb);
    expect(split!.backendRefs.map((b) => b.weight)).toEqual([70, 0, 30]);
    expect(header!.backendRefs).toEqual([{ group: '', kind: 'Service', name: 'myapp-canary', port: 80, weight: 1 }]);
    expect(mirror!.backendRefs.map((b) => b.weight)).toEqual([70, 0, 30]);
    expect(await r.getWeight()).toBe(30);
    expect(await r.verifyWeight(30)).not.toBe(false);
  });

  it('writing what is in place sends no patch', async () => {
    seed(sb, 'httproutes', route());
    await router(sb).routes.set([HEADER]);
    sb.api.stats.reset();
    await router(sb).routes.set([HEADER]);
    expect(requestsFor(sb, HR)).toEqual({ get: 1 });
  });

  it('a route listed without useHeaderRoutes never gets rules, and any of ours found there is removed', async () => {
    seed(sb, 'httproutes', route());
    await router(sb).routes.set([HEADER]);
    const r = router(sb, { headerRoutes: [] });
    expect(await r.routes.inPlace()).toContainEqual({ name: '', digest: 'mismatch' });
    await r.routes.set([HEADER]);
    expect(allRules(sb)).toHaveLength(2);
    expect(await r.routes.inPlace()).toEqual([]);
  });

  it('without a rule splitting between both Services, it refuses, naming the route', async () => {
    const bare = route();
    (bare.spec as { rules: unknown[] }).rules.pop();
    seed(sb, 'httproutes', bare);
    await expect(router(sb).routes.set([HEADER])).rejects.toThrow(UsageError);
    await expect(router(sb).routes.set([HEADER])).rejects.toThrow(/HTTPRoute apps\/myapp has no rule with backendRefs to both Service myapp-stable and Service myapp-canary/);
  });

  /**
   * Weighted experiment templates (Argo's Gateway API plugin, pkg/plugin/experiment.go HandleExperiment;
   * its experiment_test.go cases with the canary at 0, where the plugin's stable (100 minus the
   * experiments) and Argo's (100 minus canary and experiments) agree).
   */
  describe('experiment backends', () => {
    const svc = (name: string, ports: { name?: string; port: number }[]) => seed(sb, 'services', { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'apps' }, spec: { ports } });
    const split = () => rules(sb)[1]!.backendRefs.map((b) => `${b.name}=${b.weight}`);

    it('TestHandleExperiment_ExperimentStatusChecking: exp-svc-1 25 and exp-svc-2 30 are added to the split rule, stable keeps 45', async () => {
      seed(sb, 'httproutes', route());
      svc('exp-svc-1', [{ name: 'metrics', port: 9090 }, { name: 'http', port: 8080 }]);
      svc('exp-svc-2', [{ port: 80 }]);
      const r = router(sb);
      const additional = [
        { service: 'exp-svc-1', weight: 25 },
        { service: 'exp-svc-2', weight: 30 },
      ];
      await r.setWeight(0, additional);
      expect(split()).toEqual(['myapp-stable=45', 'mirror-sink=0', 'myapp-canary=0', 'exp-svc-1=25', 'exp-svc-2=30']);
      // The plugin's port choice: the Service's port named http, else its first one.
      expect(rules(sb)[1]!.backendRefs.slice(3)).toEqual([
        expect.objectContaining({ name: 'exp-svc-1', namespace: 'apps', port: 8080, weight: 25 }),
        expect.objectContaining({ name: 'exp-svc-2', namespace: 'apps', port: 80, weight: 30 }),
      ]);
      expect(rules(sb)[0]!.backendRefs.map((b) => b.name)).toEqual(['debug']);
      expect(await r.additional.inPlace()).toEqual(additional);
      expect(await r.getWeight()).toBe(0);
      // With canary at 10 stable has what canary and the experiment leave (Argo's calculateWeightStatus).
      await r.setWeight(10, additional);
      expect(split()).toEqual(['myapp-stable=35', 'mirror-sink=0', 'myapp-canary=10', 'exp-svc-1=25', 'exp-svc-2=30']);
      expect(await r.getWeight()).toBe(10);
      sb.api.stats.reset();
      await r.setWeight(10, additional);
      expect(requestsFor(sb, HR)).toEqual({ get: 1 });
    });

    it('TestHandleExperiment_RemoveExperimentServices: once the experiment is over only stable and canary are split again; a backend someone else added stays', async () => {
      seed(sb, 'httproutes', route());
      svc('exp-svc', [{ port: 80 }]);
      const r = router(sb);
      await r.setWeight(0, [{ service: 'exp-svc', weight: 15 }]);
      expect(split()).toEqual(['myapp-stable=85', 'mirror-sink=0', 'myapp-canary=0', 'exp-svc=15']);
      // Someone else's backend (the plugin's issue 203): never removed.
      sb.store.mutate(typeOf(sb, 'httproutes'), 'apps', 'myapp', (o) => {
        (o['spec'] as { rules: { backendRefs: unknown[] }[] }).rules[1]!.backendRefs.push({ name: 'theirs', port: 80, weight: 0 });
      });
      await r.setWeight(0);
      expect(split()).toEqual(['myapp-stable=100', 'mirror-sink=0', 'myapp-canary=0', 'theirs=0']);
      expect(stored(sb, 'httproutes', 'myapp')!.metadata.annotations?.['canary-rollouts/experiment-backends']).toBeUndefined();
      expect(await r.additional.inPlace()).toEqual([]);
    });

    it('a new runner finds the experiment backends a dead one added (the annotation), and verifies the weights with them', async () => {
      seed(sb, 'httproutes', route());
      svc('exp-svc', [{ port: 80 }]);
      await router(sb).setWeight(20, [{ service: 'exp-svc', weight: 30 }]);
      const next = router(sb);
      expect(await next.additional.inPlace()).toEqual([{ service: 'exp-svc', weight: 30 }]);
      expect(await next.getWeight()).toBe(20);
      expect(await next.verifyWeight(20)).not.toBe(false);
      await next.setWeight(20);
      expect(split()).toEqual(['myapp-stable=80', 'mirror-sink=0', 'myapp-canary=20']);
    });

    it('refuses weights over 100 rather than a negative stable weight', async () => {
      seed(sb, 'httproutes', route());
      await expect(router(sb).setWeight(90, [{ service: 'x', weight: 20 }])).rejects.toThrow(/canary 90% and experiment weights x 20% exceed 100%/);
    });
  });
});
