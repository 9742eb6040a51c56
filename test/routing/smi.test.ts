import { SmiRouter, type SmiRouterOptions } from '../../src/routing/smi.js';
import { UnreachableError, UsageError } from '../../src/util/errors.js';
import type { SmiVersion } from '../sandbox/api/index.js';
import { kubeSandbox, requestsFor, seed, stored, type KubeSandbox } from '../kube/support/sandbox.js';

const TS = 'trafficsplits.split.smi-spec.io';

function router(sb: KubeSandbox, o: Partial<SmiRouterOptions> = {}): SmiRouter {
  return new SmiRouter({
    client: sb.client,
    namespace: 'apps',
    rollout: 'myapp',
    trafficSplitName: null,
    rootService: 'myapp',
    stableService: 'myapp-stable',
    canaryService: 'myapp-canary',
    ...o,
  });
}

describe('SMI TrafficSplit router', () => {
  let sb: KubeSandbox;
  const start = async (smi: SmiVersion[] = ['v1alpha1', 'v1alpha2']) => {
    sb = await kubeSandbox({ apis: { smi } });
  };
  afterEach(() => sb?.close());

  it('creates the split (preferred version, marker, root service, canary first) and updates it', async () => {
    await start();
    const r = router(sb);
    expect(r.describe()).toBe('TrafficSplit apps/myapp');
    expect(await r.getWeight()).toBeNull();
    await r.setWeight(10);
    const created = stored(sb, 'trafficsplits', 'myapp')!;
    expect(sb.api.stats.requests().some((q) => q.method === 'POST' && q.url.startsWith('/apis/split.smi-spec.io/v1alpha2/'))).toBe(true);
    expect(created.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'canary', 'canary-rollouts/rollout': 'myapp' });
    expect(created['spec']).toEqual({
      service: 'myapp',
      backends: [
        { service: 'myapp-canary', weight: 10 },
        { service: 'myapp-stable', weight: 90 },
      ],
    });
    await r.setWeight(40);
    expect(await r.getWeight()).toBe(40);
    expect((stored(sb, 'trafficsplits', 'myapp')!['spec'] as { backends: unknown[] }).backends).toEqual([
      { service: 'myapp-canary', weight: 40 },
      { service: 'myapp-stable', weight: 60 },
    ]);
    expect(await r.verifyWeight()).toBeNull();
  });

  it('a second write of the same weight changes nothing: no request that writes, no new resourceVersion', async () => {
    await start();
    const r = router(sb);
    await r.setWeight(25);
    const rv = stored(sb, 'trafficsplits', 'myapp')!.metadata.resourceVersion;
    sb.api.stats.reset();
    await r.setWeight(25);
    expect(stored(sb, 'trafficsplits', 'myapp')!.metadata.resourceVersion).toBe(rv);
    expect(requestsFor(sb, TS)).toEqual({ get: 1 });
  });

  it('costs one discovery per router, then one read (+ one write when the weight changes)', async () => {
    await start();
    const r = router(sb);
    sb.api.stats.reset();
    await r.setWeight(10);
    await r.setWeight(20);
    await r.getWeight();
    const s = sb.api.stats.snapshot();
    expect(requestsFor(sb, TS)).toEqual({ get: 3, create: 1, patch: 1 });
    expect(s.total).toBe(6); // + GET /apis/split.smi-spec.io once
  });

  it('refuses a TrafficSplit it did not create, and adopts it with adopt', async () => {
    await start();
    seed(sb, 'trafficsplits', {
      apiVersion: 'split.smi-spec.io/v1alpha2',
      kind: 'TrafficSplit',
      metadata: { name: 'myapp', namespace: 'apps' },
      spec: { service: 'myapp', backends: [{ service: 'myapp-stable', weight: 100 }] },
    });
    const err = await router(sb).setWeight(10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toBe('TrafficSplit apps/myapp exists but was not created by canary (no app.kubernetes.io/managed-by=canary label)');
    expect((err as UsageError).hint).toContain('--adopt');
    await expect(router(sb).check()).rejects.toThrow('was not created by canary');
    expect((stored(sb, 'trafficsplits', 'myapp')!['spec'] as { backends: unknown[] }).backends).toHaveLength(1);

    const adopting = router(sb, { adopt: true });
    await adopting.check();
    await adopting.setWeight(10);
    const after = stored(sb, 'trafficsplits', 'myapp')!;
    expect(after.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('canary');
    expect(await router(sb).getWeight()).toBe(10);
  });

  it('check() refuses a split of another root service', async () => {
    await start();
    await router(sb).setWeight(0);
    await expect(router(sb, { rootService: 'other' }).check()).rejects.toThrow(
      "TrafficSplit apps/myapp splits Service myapp, but the Rollout's root service is other",
    );
  });

  it('uses trafficSplitName, and the stable Service as root when rootService is unset', async () => {
    await start();
    await router(sb, { trafficSplitName: 'split-1', rootService: null }).setWeight(5);
    expect((stored(sb, 'trafficsplits', 'split-1')!['spec'] as { service: string }).service).toBe('myapp-stable');
  });

  it('an absent CRD is a clear, non-retryable message', async () => {
    sb = await kubeSandbox({ apis: {} });
    const err = await router(sb).check().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as UnreachableError).retryable).toBe(false);
    expect((err as Error).message).toBe(
      'TrafficSplit (split.smi-spec.io) is not served by this cluster: install linkerd-smi (`linkerd smi install | kubectl apply -f -`) or route with the Gateway API',
    );
    await expect(router(sb).setWeight(10)).rejects.toThrow('is not served by this cluster');
  });

  it.each([
    [['v1alpha1', 'v1alpha2', 'v1alpha3'], 'v1alpha2'],
    [['v1alpha1', 'v1alpha3'], 'v1alpha3'],
    [['v1alpha1'], 'v1alpha1'],
  ] as [SmiVersion[], string][])('served %j: speaks %s', async (served, expected) => {
    await start(served);
    await router(sb).setWeight(10);
    const post = sb.api.stats.requests().find((q) => q.method === 'POST');
    expect(post?.url).toMatch(new RegExp(`^/apis/split.smi-spec.io/${expected}/namespaces/apps/trafficsplits`));
  });

  it('refuses a cluster that serves only versions canary does not speak', async () => {
    await start(['v1alpha4']);
    await expect(router(sb).check()).rejects.toThrow('TrafficSplit: this cluster serves split.smi-spec.io v1alpha4, and canary speaks v1alpha2, v1alpha3, v1alpha1');
  });

  it('v1alpha1: integer weights are written; quantity strings are read ("500m" halves)', async () => {
    await start(['v1alpha1']);
    seed(sb, 'trafficsplits', {
      apiVersion: 'split.smi-spec.io/v1alpha1',
      kind: 'TrafficSplit',
      metadata: { name: 'myapp', namespace: 'apps', labels: { 'app.kubernetes.io/managed-by': 'canary' } },
      spec: { service: 'myapp', backends: [{ service: 'myapp-canary', weight: '500m' }, { service: 'myapp-stable', weight: '500m' }] },
    });
    const r = router(sb);
    expect(await r.getWeight()).toBe(50);
    await r.setWeight(50);
    const backends = (stored(sb, 'trafficsplits', 'myapp')!['spec'] as { backends: { weight: unknown }[] }).backends;
    expect(backends.map((b) => b.weight)).toEqual([50, 50]);

    // Weights as a Quantity-writing tool leaves them ("10"/"90") are the same weights: no write.
    sb.store.mutate(sb.store.types.find((t) => t.resource === 'trafficsplits')!, 'apps', 'myapp', (o) => {
      (o['spec'] as { backends: { weight: unknown }[] }).backends = [
        { service: 'myapp-canary', weight: '10' },
        { service: 'myapp-stable', weight: '90' },
      ] as never;
    });
    sb.api.stats.reset();
    await r.setWeight(10);
    expect(requestsFor(sb, TS)).toEqual({ get: 1 });
  });

  // argo-rollouts rollout/trafficrouting/smi/smi_test.go TestCreateTrafficSplitForMultipleBackends (v1alpha1, v1alpha2,
  // v1alpha3): canary 10 with ex-svc-1 5 and ex-svc-2 5 gives backends canary 10, ex-svc-1 5, ex-svc-2 5, stable 80.
  it.each([['v1alpha1'], ['v1alpha2'], ['v1alpha3']] as const)('%s: experiment backends between canary and stable, stable keeping the rest (Argo TestCreateTrafficSplitForMultipleBackends)', async (version) => {
    await start([version]);
    const r = router(sb);
    const additional = [
      { service: 'ex-svc-1', weight: 5 },
      { service: 'ex-svc-2', weight: 5 },
    ];
    await r.setWeight(10, additional);
    expect(stored(sb, 'trafficsplits', 'myapp')!['spec']).toEqual({
      service: 'myapp',
      backends: [
        { service: 'myapp-canary', weight: 10 },
        { service: 'ex-svc-1', weight: 5 },
        { service: 'ex-svc-2', weight: 5 },
        { service: 'myapp-stable', weight: 80 },
      ],
    });
    // The canary's share of the whole split, read back as written; the experiment backends as they are.
    expect(await r.getWeight()).toBe(10);
    expect(await r.additional.inPlace()).toEqual(additional);
    sb.api.stats.reset();
    await r.setWeight(10, [...additional].reverse().reverse());
    expect(requestsFor(sb, TS)).toEqual({ get: 1 });
    // The experiment over: the same canary weight without them removes them; stable gets their share back.
    await r.setWeight(10);
    expect((stored(sb, 'trafficsplits', 'myapp')!['spec'] as { backends: unknown[] }).backends).toEqual([
      { service: 'myapp-canary', weight: 10 },
      { service: 'myapp-stable', weight: 90 },
    ]);
    expect(await r.additional.inPlace()).toEqual([]);
  });

  it('refuses weights over 100 rather than a negative stable weight, naming them', async () => {
    await start();
    const r = router(sb);
    await expect(r.setWeight(90, [{ service: 'ex-a', weight: 20 }])).rejects.toThrow(new UsageError('TrafficSplit apps/myapp: canary 90% and experiment weights ex-a 20% exceed 100%'));
    expect(stored(sb, 'trafficsplits', 'myapp')).toBeUndefined();
  });
});
