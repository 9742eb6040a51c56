import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../src/kube/client.js';
import { kubeTransport } from '../../src/kube/transport.js';
import { LeaseLock } from '../../src/kube/lease.js';
import { KubeWorkloads } from '../../src/kube/workloads.js';
import { preflight, type PreflightCheck, type PreflightInput } from '../../src/wiring/preflight.js';
import { describePermission, requiredPermissions, type PermissionInputs } from '../../src/kube/permissions.js';
import { MetricProviders } from '../../src/providers/registry.js';
import { routeOf } from '../../src/routing/registry.js';
import type { ResolvedRollout } from '../../src/manifests/types.js';
import { resolved } from '../support/engine.js';
import { systemClock } from '../../src/util/clock.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import type { AccessRule } from '../sandbox/api/index.js';
import { specFrom } from '../support/spec.js';

const SEED = rolloutFrom('examples/seed/rollout.yaml');
const GATEWAY = rolloutFrom('examples/gateway-api/rollout.yaml');
/** examples/istio, subset-level: a destinationRule adds its permissions to the VirtualService's. */
const ISTIO = withDestinationRule(rolloutFrom('examples/istio/rollout.yaml'));
const NGINX = rolloutFrom('examples/nginx/rollout.yaml');
const TRAEFIK = rolloutFrom('examples/traefik/rollout.yaml');
const JOB_METRIC = specFrom(readFileSync('examples/providers/job.yaml', 'utf8')).spec.templates[0]!.metrics[0]!.provider;
/** Every optional feature: --apply-services, a secretKeyRef arg, Prometheus through the service proxy, a job metric. */
const EXTRAS: Omit<PermissionInputs, 'namespace' | 'routing'> = {
  applyServices: true,
  experiments: true,
  secretNamespaces: ['apps'],
  proxyNamespaces: ['monitoring'],
  providers: new MetricProviders({ clock: systemClock, via: 'direct', env: {} }).permissions([JOB_METRIC], 'apps'),
};

function rolloutFrom(file: string): ResolvedRollout {
  return resolved(specFrom(readFileSync(file, 'utf8')).spec.rollouts[0]!);
}

function withDestinationRule(r: ResolvedRollout): ResolvedRollout {
  if (r.strategy.kind !== 'canary' || r.strategy.trafficRouting.kind !== 'istio') throw new Error('examples/istio must route with Istio');
  r.strategy.trafficRouting.destinationRule = { name: 'myapp', canarySubsetName: 'canary', stableSubsetName: 'stable', additionalSubsetNames: [] };
  return r;
}

/** examples/rbac.yaml as the sandbox authorizer's rules: one rule per (namespace, verb, resource). */
function rbacGrants(): AccessRule[] {
  const grants: AccessRule[] = [];
  for (const doc of parseAllDocuments(readFileSync('examples/rbac.yaml', 'utf8'))) {
    const role = doc.toJS() as { kind: string; metadata: { namespace: string }; rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[] };
    if (role.kind !== 'Role') continue;
    for (const r of role.rules ?? [])
      for (const group of r.apiGroups)
        for (const resource of r.resources)
          for (const verb of r.verbs) grants.push({ verbs: [verb], apiGroups: [group], resources: [resource], namespaces: [role.metadata.namespace] });
  }
  return grants;
}

const grantName = (g: AccessRule) => {
  const [resource, sub] = g.resources[0]!.split('/');
  return describePermission({ verb: g.verbs[0]!, group: g.apiGroups[0]!, resource: resource!, ...(sub ? { subresource: sub } : {}), namespace: g.namespaces![0]!, why: '' });
};

describe('preflight against the sandbox with examples/rbac.yaml', () => {
  let sb: Sandbox;
  let client: KubeClient;
  beforeAll(async () => {
    sb = await startSandbox({ scenario: 'seed', prometheus: false, load: false, apis: { smi: ['v1alpha1', 'v1alpha2'], gatewayApi: ['v1', 'v1beta1'], istio: ['v1', 'v1beta1', 'v1alpha3'], traefik: ['v1alpha1'] } });
    const kc = new KubeConfig();
    kc.loadFromString(sb.kubeconfig);
    client = new KubeClient(kubeTransport(kc), { clock: systemClock });
  });
  afterAll(() => sb.close());
  afterEach(() => sb.api.authorizer.allowAll());

  const input = (rollout: ResolvedRollout, over: Partial<PreflightInput> = {}): PreflightInput => ({
    client,
    namespace: 'apps',
    rollout,
    router: routeOf(rollout, 'apps').create(client),
    workloads: new KubeWorkloads({ client, namespace: 'apps', rollout }),
    lock: new LeaseLock({ client, namespace: 'apps', rollout: rollout.name, identity: 'me@laptop pid 1', clock: systemClock }),
    permissions: EXTRAS,
    probes: [{ name: 'prometheus', run: async () => 'Prometheus 2.x answers' }],
    ...over,
  });
  const byName = (checks: PreflightCheck[], name: string) => checks.find((c) => c.name === name);

  it('the Role grants exactly the permissions preflight checks (SMI, Gateway API, Istio, NGINX and Traefik, secrets, --apply-services, service proxy, job metrics)', () => {
    const checked = new Set(
      [SEED, GATEWAY, ISTIO, NGINX, TRAEFIK].flatMap((r) => requiredPermissions({ ...EXTRAS, namespace: 'apps', routing: routeOf(r, 'apps').permissions() })).map(describePermission),
    );
    expect([...new Set(rbacGrants().map(grantName))].sort()).toEqual([...checked].sort());
  });

  it('with only the Role\'s rules, every check passes', async () => {
    sb.api.authorizer.setRules(rbacGrants());
    const checks = await preflight(input(SEED));
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual(['cluster', 'routing API', 'permissions', 'route', 'deployments', 'service myapp-stable', 'service myapp-canary', 'service myapp', 'lock', 'prometheus']);
    expect(byName(checks, 'routing API')!.message).toBe('TrafficSplit split.smi-spec.io/v1alpha2 (served: v1alpha2, v1alpha1)');
    expect(byName(checks, 'permissions')!.message).toMatch(/^all \d+ permissions canary uses are granted$/);
    const gateway = await preflight(input(GATEWAY, { router: null }));
    expect(gateway.filter((c) => !c.ok)).toEqual([]);
    const istio = await preflight(input(ISTIO, { router: null }));
    expect(istio.filter((c) => !c.ok)).toEqual([]);
    expect(byName(istio, 'routing API')!.message).toBe('VirtualService networking.istio.io/v1 (served: v1, v1beta1, v1alpha3)');
    const nginx = await preflight(input(NGINX, { router: null }));
    expect(nginx.filter((c) => !c.ok)).toEqual([]);
    expect(byName(nginx, 'routing API')!.message).toBe('Ingress networking.k8s.io/v1 (served: v1)');
    const traefik = await preflight(input(TRAEFIK, { router: null }));
    expect(traefik.filter((c) => !c.ok)).toEqual([]);
    expect(byName(traefik, 'routing API')!.message).toBe('TraefikService traefik.io/v1alpha1 (served: v1alpha1)');
  });

  it('without any one of the Role\'s rules, preflight names exactly that permission', async () => {
    const all = rbacGrants();
    for (const missing of all) {
      sb.api.authorizer.setRules(all.filter((g) => g !== missing));
      const rollout = missing.apiGroups[0] === 'gateway.networking.k8s.io' ? GATEWAY : missing.apiGroups[0] === 'networking.istio.io' ? ISTIO : missing.apiGroups[0] === 'networking.k8s.io' ? NGINX : missing.apiGroups[0] === 'traefik.io' ? TRAEFIK : SEED;
      const checks = await preflight(input(rollout, { router: null }));
      const perms = byName(checks, 'permissions')!;
      expect(perms.ok).toBe(false);
      expect(perms.message).toMatch(new RegExp(`^missing 1 of \\d+ permissions: ${grantName(missing).replace(/[./]/g, '\\$&')}$`));
      expect(perms.hint).toContain('examples/rbac.yaml');
    }
  });

  it('reports a foreign route, a missing Service, a live lock and a failing probe, with hints', async () => {
    await client.create(createRouterApi(), 'apps', {
      apiVersion: 'split.smi-spec.io/v1alpha2',
      kind: 'TrafficSplit',
      metadata: { name: 'myapp', namespace: 'apps' },
      spec: { service: 'myapp', backends: [{ service: 'myapp-stable', weight: 100 }] },
    });
    const other = new LeaseLock({ client, namespace: 'apps', rollout: 'myapp', identity: 'bob@ci pid 7', clock: systemClock });
    await other.acquire();
    const rollout = rolloutFrom('examples/seed/rollout.yaml');
    if (rollout.strategy.kind === 'canary') rollout.strategy.canaryService = 'myapp-preview';
    try {
      const checks = await preflight(input(rollout, { probes: [{ name: 'prometheus', run: () => Promise.reject(Object.assign(new Error('Prometheus http://x: connection refused'), { hint: 'port-forward it' })) }] }));
      expect(byName(checks, 'route')).toMatchObject({ ok: false, message: 'TrafficSplit apps/myapp exists but was not created by canary (no app.kubernetes.io/managed-by=canary label)', hint: expect.stringContaining('--adopt') });
      expect(byName(checks, 'service myapp-preview')).toEqual({ name: 'service myapp-preview', ok: false, message: 'Service apps/myapp-preview not found', hint: 'create it, or pass --apply-services with its manifest' });
      expect(byName(checks, 'lock')).toMatchObject({ ok: false, message: expect.stringMatching(/^held by bob@ci pid 7 \(renewed \d+s ago\)$/) });
      expect(byName(checks, 'prometheus')).toEqual({ name: 'prometheus', ok: false, message: 'Prometheus http://x: connection refused', hint: 'port-forward it' });
      const applying = await preflight(input(rollout, { servicesToApply: ['myapp-preview'] }));
      expect(byName(applying, 'service myapp-preview')).toMatchObject({ ok: true, message: 'Service apps/myapp-preview: absent, --apply-services creates it' });
    } finally {
      await other.release();
      await client.delete(createRouterApi(), 'apps', 'myapp');
    }
  });

  it('an unreachable cluster is one failing check', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: 'c', server: 'http://127.0.0.1:1', skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
    const dead = new KubeClient(kubeTransport(kc), { clock: systemClock, retry: { attempts: 1 } });
    const checks = await preflight(input(SEED, { client: dead }));
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ name: 'cluster', ok: false, message: expect.stringMatching(/^GET \/version: get failed: connect ECONNREFUSED/), hint: expect.stringContaining('http://127.0.0.1:1') });
  });
});

function createRouterApi() {
  return { group: 'split.smi-spec.io', version: 'v1alpha2', plural: 'trafficsplits', kind: 'TrafficSplit', namespaced: true };
}
