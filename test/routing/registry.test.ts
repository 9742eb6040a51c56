/**
 * The router registry: every trafficRouting kind has a definition, and what a Rollout's route says
 * about itself (plan line, objects, permissions, Services, API) comes from it.
 */
import type { RolloutSpec, TrafficRouting } from '../../src/manifests/types.js';
import { ROUTERS, routeOf } from '../../src/routing/registry.js';
import { kubeSandbox, type KubeSandbox } from '../kube/support/sandbox.js';

const loc = { file: 'rollout.yaml', line: 1, col: 1, path: 'spec.strategy.canary.trafficRouting' };

function rollout(trafficRouting: TrafficRouting, services: { stableService?: string | null; canaryService?: string | null } = {}): RolloutSpec {
  return {
    name: 'myapp',
    strategy: { kind: 'canary', trafficRouting, stableService: 'myapp-stable', canaryService: 'myapp-canary', ...services },
  } as unknown as RolloutSpec;
}

const SMI: TrafficRouting = { kind: 'smi', loc, rootService: null, trafficSplitName: 'ts' };
const GATEWAY: TrafficRouting = { kind: 'gatewayAPI', loc, httpRoutes: ['a', 'b'], headerRoutes: [], namespace: null };
const NONE: TrafficRouting = { kind: 'none' };
const NGINX: TrafficRouting = {
  kind: 'nginx',
  loc,
  stableIngresses: ['web', 'web-internal'],
  annotationPrefix: 'nginx.ingress.kubernetes.io',
  additionalIngressAnnotations: {},
  canaryIngressAnnotations: {},
};
const ISTIO: TrafficRouting = {
  kind: 'istio',
  loc,
  virtualServices: [
    { name: 'web', routes: ['primary'], tlsRoutes: [], tcpRoutes: [] },
    { name: 'edge.gateways', routes: [], tlsRoutes: [{ port: 443, sniHosts: ['web.example.com'] }], tcpRoutes: [] },
  ],
  destinationRule: { name: 'web', canarySubsetName: 'canary', stableSubsetName: 'stable', additionalSubsetNames: [] },
};

describe('router registry', () => {
  it('has one definition per kind, registered under its own kind', () => {
    for (const [kind, def] of Object.entries(ROUTERS)) expect(def.kind).toBe(kind);
  });

  it('describes each route for the plan, status and preflight', () => {
    const smi = routeOf(rollout(SMI), 'apps');
    expect(smi.objectKind).toBe('TrafficSplit');
    expect(smi.describe()).toBe('SMI TrafficSplit apps/ts (root Service myapp-stable)');
    expect(smi.objects()).toEqual(['ts']);
    expect(smi.writes()).toEqual(['TrafficSplit apps/ts: backends myapp-canary / myapp-stable']);
    expect(smi.services()).toEqual(['myapp-stable']);
    expect(smi.permissions().map((p) => `${p.verb} ${p.resource}.${p.group} in ${p.namespace}`)).toEqual([
      'get trafficsplits.split.smi-spec.io in apps',
      'watch trafficsplits.split.smi-spec.io in apps',
      'create trafficsplits.split.smi-spec.io in apps',
      'patch trafficsplits.split.smi-spec.io in apps',
    ]);

    const gateway = routeOf(rollout({ ...GATEWAY, namespace: 'edge' } as TrafficRouting), 'apps');
    expect(gateway.objectKind).toBe('HTTPRoute');
    expect(gateway.describe()).toBe('Gateway API HTTPRoute a, b');
    expect(gateway.objects()).toEqual(['a', 'b']);
    expect(gateway.writes()).toEqual([
      'HTTPRoute a: the weights of the myapp-canary and myapp-stable backendRefs only',
      'HTTPRoute b: the weights of the myapp-canary and myapp-stable backendRefs only',
    ]);
    expect(gateway.services()).toEqual([]);
    expect(gateway.permissions().map((p) => `${p.verb} ${p.resource} in ${p.namespace}`)).toEqual(['get httproutes in edge', 'watch httproutes in edge', 'patch httproutes in edge']);

    const istio = routeOf(rollout(ISTIO), 'apps');
    expect(istio.objectKind).toBe('VirtualService');
    expect(istio.describe()).toBe('Istio VirtualService apps/web, gateways/edge (DestinationRule apps/web, subsets canary/stable)');
    expect(istio.objects()).toEqual(['web', 'edge.gateways']);
    expect(istio.writes()).toEqual([
      'VirtualService apps/web: the weights of the subsets canary / stable destinations in routes primary, a destination per weighted experiment template (listed in annotation canary-rollouts/experiment-backends), and its own HTTP routes canary.myapp.* for header and mirror routes',
      'VirtualService gateways/edge: the weights of the subsets canary / stable destinations in TLS port 443 SNI web.example.com, a destination per weighted experiment template (listed in annotation canary-rollouts/experiment-backends), and its own HTTP routes canary.myapp.* for header and mirror routes',
      'DestinationRule apps/web: label canary-rollouts/track of subsets canary (canary) and stable (stable)',
    ]);
    expect(istio.permissions().map((p) => `${p.verb} ${p.resource} in ${p.namespace}`)).toEqual([
      'get virtualservices in apps',
      'watch virtualservices in apps',
      'patch virtualservices in apps',
      'get virtualservices in gateways',
      'watch virtualservices in gateways',
      'patch virtualservices in gateways',
      'get destinationrules in apps',
      'patch destinationrules in apps',
    ]);

    const nginx = routeOf(rollout(NGINX), 'apps');
    expect(nginx.objectKind).toBe('Ingress');
    expect(nginx.describe()).toBe('NGINX canary Ingress apps/myapp-web-canary (from web), apps/myapp-web-internal-canary (from web-internal)');
    expect(nginx.objects()).toEqual(['myapp-web-canary', 'myapp-web-internal-canary']);
    expect(nginx.writes()[0]).toBe(
      'Ingress apps/myapp-web-canary: created from Ingress web with backend myapp-canary and nginx.ingress.kubernetes.io/canary-weight, deleted when the weight is back to 0 (Ingress web is only read)',
    );
    expect(nginx.permissions().map((p) => `${p.verb} ${p.resource}.${p.group} in ${p.namespace}`)).toEqual([
      'get ingresses.networking.k8s.io in apps',
      'create ingresses.networking.k8s.io in apps',
      'patch ingresses.networking.k8s.io in apps',
      'delete ingresses.networking.k8s.io in apps',
    ]);

    const traefik = routeOf(rollout({ kind: 'traefik', loc, weightedTraefikServiceName: 'web-weighted' }), 'apps');
    expect(traefik.objectKind).toBe('TraefikService');
    expect(traefik.describe()).toBe('Traefik TraefikService apps/web-weighted');
    expect(traefik.objects()).toEqual(['web-weighted']);
    expect(traefik.writes()).toEqual(['TraefikService apps/web-weighted: the weights of the myapp-canary and myapp-stable services only']);
    expect(traefik.permissions().map((p) => `${p.verb} ${p.resource}.${p.group} in ${p.namespace}`)).toEqual(['get traefikservices.traefik.io in apps', 'patch traefikservices.traefik.io in apps']);

    const none = routeOf(rollout(NONE), 'apps');
    expect(none.objectKind).toBeNull();
    expect(none.describe()).toBe('replica-weighted (no trafficRouting)');
    expect([none.objects(), none.writes(), none.permissions(), none.services()]).toEqual([[], [], [], []]);

    // Blue-green switches the active Service's selector: no route object, no API, no permission of its own.
    const blueGreen = routeOf({ name: 'myapp', strategy: { kind: 'blueGreen', activeService: 'myapp', previewService: 'myapp-preview' } } as unknown as RolloutSpec, 'apps');
    expect(blueGreen.objectKind).toBeNull();
    expect(blueGreen.describe()).toBe('blue-green: the active Service myapp is switched to the new revision, the preview Service myapp-preview shows it before');
    expect([blueGreen.objects(), blueGreen.writes(), blueGreen.permissions(), blueGreen.services()]).toEqual([[], [], [], []]);
  });

  describe('adapters and API checks, against an API server on loopback', () => {
    let sb: KubeSandbox;
    beforeAll(async () => {
      sb = await kubeSandbox({ apis: { smi: ['v1alpha1', 'v1alpha2'] } });
    });
    afterAll(() => sb.close());

    it('builds the adapter from the routing; the Gateway API routes default to the Rollout\'s namespace; none without trafficRouting', () => {
      expect(routeOf(rollout(GATEWAY), 'apps').create(sb.client)?.describe()).toBe('HTTPRoute apps/a, HTTPRoute apps/b');
      expect(routeOf(rollout(SMI), 'apps').create(sb.client)?.describe()).toBe('TrafficSplit apps/ts');
      expect(routeOf(rollout(NONE), 'apps').create(sb.client)).toBeNull();
      expect(() => routeOf(rollout(SMI, { canaryService: null }), 'apps').create(sb.client)).toThrow(
        'Rollout apps/myapp: traffic routing needs both canaryService and stableService',
      );
    });

    it('checks the API: the version spoken, or what to install', async () => {
      await expect(routeOf(rollout(SMI), 'apps').checkApi(sb.client)).resolves.toBe('TrafficSplit split.smi-spec.io/v1alpha2 (served: v1alpha2, v1alpha1)');
      const err = await routeOf(rollout(GATEWAY), 'apps').checkApi(sb.client).catch((e: unknown) => e);
      expect(err).toMatchObject({
        message: 'HTTPRoute: the cluster does not serve gateway.networking.k8s.io',
        hint: 'install the Gateway API CRDs (standard channel) and a mesh or gateway that implements them',
      });
      await expect(routeOf(rollout(NONE), 'apps').checkApi(sb.client)).resolves.toMatch(/^no trafficRouting: replica-weighted/);
    });
  });
});
