/**
 * The Traefik router against the sandbox's API server with Traefik's published CRDs, with the
 * cases of Argo Rollouts' rollout/trafficrouting/traefik/traefik_test.go (each names its Go test;
 * the TraefikService is its fixture): only the two weights change, the rest is as before.
 */
import { TraefikRouter, type TraefikRouterOptions } from '../../src/routing/traefik.js';
import { UsageError } from '../../src/util/errors.js';
import { kubeSandbox, requestsFor, seed, stored, type KubeSandbox } from '../kube/support/sandbox.js';

const TS = 'traefikservices.traefik.io';

/** traefik_test.go's traefikService, in the Rollout's namespace, plus a third service canary must not touch. */
function traefikService(): Record<string, unknown> & { metadata: { name: string; namespace: string; labels?: Record<string, string> } } {
  return {
    apiVersion: 'traefik.io/v1alpha1',
    kind: 'TraefikService',
    metadata: { name: 'mocks-service', namespace: 'apps', labels: { service: 'argo-mocks' } },
    spec: {
      weighted: {
        services: [
          { name: 'stable-rollout', weight: 100, port: 80 },
          { name: 'canary-rollout', weight: 0, port: 80 },
          { name: 'maintenance', weight: 0, port: 80 },
        ],
        sticky: { cookie: { name: 'lb' } },
      },
    },
  };
}

function router(sb: KubeSandbox, o: Partial<TraefikRouterOptions> = {}): TraefikRouter {
  return new TraefikRouter({ client: sb.client, namespace: 'apps', name: 'mocks-service', stableService: 'stable-rollout', canaryService: 'canary-rollout', ...o });
}

describe('Traefik weighted TraefikService router (Argo traefik_test.go)', () => {
  let sb: KubeSandbox;
  beforeEach(async () => {
    sb = await kubeSandbox({ apis: { traefik: ['v1alpha1'] } });
  });
  afterEach(() => sb.close());

  it('TestSetWeight/SetWeight: stable 70, canary 30; everything else as before', async () => {
    seed(sb, 'traefikservices', traefikService());
    const before = structuredClone(stored(sb, 'traefikservices', 'mocks-service')!);
    const r = router(sb);
    await r.check();
    expect(await r.getWeight()).toBe(0);
    await r.setWeight(30);
    const after = stored(sb, 'traefikservices', 'mocks-service')!;
    const expected = before['spec'] as { weighted: { services: { weight: number }[] } };
    expected.weighted.services[0]!.weight = 70;
    expected.weighted.services[1]!.weight = 30;
    expect(after['spec']).toEqual(expected);
    expect(after.metadata.labels).toEqual(before.metadata.labels);
    expect(await r.getWeight()).toBe(30);
    expect(await r.verifyWeight()).toBeNull();
    sb.api.stats.reset();
    await r.setWeight(30);
    expect(requestsFor(sb, TS)).toEqual({ get: 1 });
  });

  it('TestSetWeight/SetWeightWithError: the TraefikService is missing', async () => {
    await expect(router(sb).setWeight(30)).rejects.toThrow(
      new UsageError('TraefikService apps/mocks-service not found: canary writes the weights of an existing TraefikService and does not create one'),
    );
  });

  it('TestSetWeight/SetWeightWithErrorManifest: no spec.weighted.services', async () => {
    seed(sb, 'traefikservices', { apiVersion: 'traefik.io/v1alpha1', kind: 'TraefikService', metadata: { name: 'mocks-service', namespace: 'apps' } });
    await expect(router(sb).check()).rejects.toThrow('TraefikService apps/mocks-service has no spec.weighted.services');
  });

  it('TestSetWeight/SetWeightWithErrorStableName and ...CanaryName: a Service the weighted list lacks is named', async () => {
    seed(sb, 'traefikservices', traefikService());
    await expect(router(sb, { stableService: 'fake-stable-rollout' }).setWeight(30)).rejects.toThrow(
      'TraefikService apps/mocks-service: spec.weighted.services has no service fake-stable-rollout (stable)',
    );
    await expect(router(sb, { canaryService: 'fake-canary-rollout' }).setWeight(30)).rejects.toThrow(
      'TraefikService apps/mocks-service: spec.weighted.services has no service fake-canary-rollout (canary)',
    );
  });

  it('409 conflicts on the patch are re-read and re-applied', async () => {
    seed(sb, 'traefikservices', traefikService());
    sb.api.faults.conflicts(0.5, { verbs: ['patch'] });
    for (const w of [10, 20, 30, 40, 50]) await router(sb).setWeight(w);
    expect(sb.api.stats.requests().filter((q) => q.method === 'PATCH').map((q) => q.status)).toContain(409);
    expect(await router(sb).getWeight()).toBe(50);
  });
});
