/**
 * The NGINX router against the sandbox's API server: the canary Ingress created from the stable
 * one at the first weight, patched after, deleted at 0; the stable Ingress never written; a canary
 * Ingress canary did not create refused (Argo: TestReconcileStableAndCanaryIngressFoundNoOwner).
 */
import { NginxRouter, type NginxRouterOptions } from '../../src/routing/nginx.js';
import { UsageError } from '../../src/util/errors.js';
import { kubeSandbox, requestsFor, seed, stored, type KubeSandbox } from '../kube/support/sandbox.js';

const ING = 'ingresses.networking.k8s.io';

function stableIngress(): Record<string, unknown> & { metadata: { name: string; namespace: string; annotations?: Record<string, string> } } {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'myapp', namespace: 'apps', annotations: { 'kubernetes.io/ingress.class': 'nginx' } },
    spec: {
      tls: [{ hosts: ['myapp.example.com'], secretName: 'myapp-tls' }],
      rules: [{ host: 'myapp.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'myapp-stable', port: { number: 80 } } } }] } }],
    },
  };
}

function router(sb: KubeSandbox, o: Partial<NginxRouterOptions> = {}): NginxRouter {
  return new NginxRouter({
    client: sb.client,
    namespace: 'apps',
    rollout: 'myapp',
    stableIngresses: ['myapp'],
    stableService: 'myapp-stable',
    canaryService: 'myapp-canary',
    annotationPrefix: 'nginx.ingress.kubernetes.io',
    additionalIngressAnnotations: {},
    canaryIngressAnnotations: {},
    ...o,
  });
}

describe('NGINX canary Ingress router', () => {
  let sb: KubeSandbox;
  beforeEach(async () => {
    sb = await kubeSandbox();
  });
  afterEach(() => sb.close());

  it('creates the canary Ingress at the first weight, patches it after, deletes it at 0; the stable Ingress is only read', async () => {
    seed(sb, 'ingresses', stableIngress());
    const before = structuredClone(stored(sb, 'ingresses', 'myapp'));
    const r = router(sb);
    await r.check();
    expect(await r.getWeight()).toBe(0);
    await r.setWeight(10);
    const canary = stored(sb, 'ingresses', 'myapp-myapp-canary')!;
    expect(canary.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'canary', 'canary-rollouts/rollout': 'myapp' });
    expect(canary.metadata.annotations).toEqual({ 'kubernetes.io/ingress.class': 'nginx', 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '10' });
    expect(canary['spec']).toEqual({
      tls: [{ hosts: ['myapp.example.com'], secretName: 'myapp-tls' }],
      rules: [{ host: 'myapp.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'myapp-canary', port: { number: 80 } } } }] } }],
    });
    expect(await r.getWeight()).toBe(10);

    // Someone adds an annotation to the canary Ingress: it stays across canary's writes.
    sb.store.mutate(sb.store.types.find((t) => t.resource === 'ingresses')!, 'apps', 'myapp-myapp-canary', (o) => {
      o.metadata.annotations = { ...o.metadata.annotations, 'example.com/owner': 'web' };
    });
    await r.setWeight(40);
    expect(stored(sb, 'ingresses', 'myapp-myapp-canary')!.metadata.annotations).toMatchObject({ 'nginx.ingress.kubernetes.io/canary-weight': '40', 'example.com/owner': 'web' });
    sb.api.stats.reset();
    await r.setWeight(40);
    expect(requestsFor(sb, ING)).toEqual({ get: 2 });

    await r.setWeight(0);
    expect(stored(sb, 'ingresses', 'myapp-myapp-canary')).toBeUndefined();
    expect(await r.getWeight()).toBe(0);
    expect(stored(sb, 'ingresses', 'myapp')).toEqual(before);
  });

  it('TestReconcileStableAndCanaryIngressFoundNoOwner: a canary Ingress canary did not create is refused, unless adopted', async () => {
    seed(sb, 'ingresses', stableIngress());
    seed(sb, 'ingresses', { ...stableIngress(), metadata: { name: 'myapp-myapp-canary', namespace: 'apps' } });
    await expect(router(sb).check()).rejects.toThrow(/Ingress apps\/myapp-myapp-canary exists but was not created by canary/);
    await expect(router(sb).setWeight(10)).rejects.toThrow(/was not created by canary/);
    await router(sb, { adopt: true }).setWeight(10);
    expect(stored(sb, 'ingresses', 'myapp-myapp-canary')!.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'canary' });
    expect(await router(sb).getWeight()).toBe(10);
  });

  it('TestReconcileStableIngressNotFound / FoundWrongBackend: what is missing is named', async () => {
    await expect(router(sb).check()).rejects.toThrow(new UsageError('Ingress apps/myapp not found: canary copies the stable Ingress into a canary Ingress and does not create the stable one'));
    seed(sb, 'ingresses', stableIngress());
    await expect(router(sb, { stableService: 'web-stable' }).setWeight(10)).rejects.toThrow(
      'Ingress apps/myapp: it has no rule with a path to Service web-stable, so there is nothing to send to the canary',
    );
  });

  it('stableIngresses: one canary Ingress per stable Ingress', async () => {
    seed(sb, 'ingresses', stableIngress());
    seed(sb, 'ingresses', { ...stableIngress(), metadata: { name: 'myapp-internal', namespace: 'apps' } });
    const r = router(sb, { stableIngresses: ['myapp', 'myapp-internal'] });
    expect(r.describe()).toBe('Ingress apps/myapp-myapp-canary, Ingress apps/myapp-myapp-internal-canary');
    await r.setWeight(25);
    expect(stored(sb, 'ingresses', 'myapp-myapp-internal-canary')!.metadata.annotations!['nginx.ingress.kubernetes.io/canary-weight']).toBe('25');
    await r.setWeight(0);
    expect(stored(sb, 'ingresses', 'myapp-myapp-canary')).toBeUndefined();
    expect(stored(sb, 'ingresses', 'myapp-myapp-internal-canary')).toBeUndefined();
  });
});
