/** strategy.canary.trafficRouting: SMI, the Gateway API plugin, or none (replica-weighted). */
import type { Reader } from './reader.js';
import type { TrafficRouting } from './types.js';

export const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

const OTHER_ROUTER = (name: string) =>
  `${name} traffic routing: canary writes SMI TrafficSplits (trafficRouting.smi) or Gateway API HTTPRoutes (trafficRouting.plugins["${GATEWAY_API_PLUGIN}"])`;

export function readTrafficRouting(r: Reader): TrafficRouting {
  const tr = r.object({
    known: ['smi', 'plugins', 'maxTrafficWeight'],
    unsupported: {
      istio: OTHER_ROUTER('Istio'),
      nginx: OTHER_ROUTER('NGINX'),
      alb: OTHER_ROUTER('ALB'),
      ambassador: OTHER_ROUTER('Ambassador'),
      appMesh: OTHER_ROUTER('App Mesh'),
      traefik: OTHER_ROUTER('Traefik'),
      apisix: OTHER_ROUTER('APISIX'),
      managedRoutes: 'header and mirror routes (managedRoutes) are not supported: SMI has none, and the Gateway API plugin support covers weights only',
    },
  });
  if (!tr) return { kind: 'none' };
  const maxWeight = tr.field('maxTrafficWeight');
  if (maxWeight.present && maxWeight.int({ min: 1 }) !== 100) {
    maxWeight.error('only 100 is supported: weights are percentages of the traffic');
  }
  const smi = tr.field('smi');
  const plugins = tr.field('plugins');
  if (smi.present && plugins.present) {
    tr.error('set one router: either smi or plugins, not both');
  }
  if (smi.present) {
    const s = smi.object({ known: ['rootService', 'trafficSplitName'] });
    if (!s) return { kind: 'none' };
    return {
      kind: 'smi',
      loc: smi.loc(),
      rootService: s.field('rootService').string(),
      trafficSplitName: s.field('trafficSplitName').string(),
    };
  }
  if (plugins.present) {
    const p = plugins.object({ known: [GATEWAY_API_PLUGIN] });
    if (!p) return { kind: 'none' };
    const names = Object.keys(p.value as object);
    if (names.length === 0) {
      plugins.error(`name a traffic router plugin: canary supports "${GATEWAY_API_PLUGIN}"`);
      return { kind: 'none' };
    }
    const g = p.field(GATEWAY_API_PLUGIN).object({
      known: ['httpRoute', 'httpRoutes', 'namespace'],
      unsupported: {
        grpcRoute: 'GRPCRoute weights are not supported yet: use an HTTPRoute',
        tcpRoute: 'TCPRoute weights are not supported yet: use an HTTPRoute',
        tlsRoute: 'TLSRoute weights are not supported yet: use an HTTPRoute',
        configMap: 'the plugin ConfigMap for header routes is not used: canary sets weights only',
        useHeaderRoutes: 'header routes are not supported: canary sets weights only',
      },
    });
    if (!g) return { kind: 'none' };
    const routes: string[] = [];
    const single = g.field('httpRoute').string();
    if (single !== null) routes.push(single);
    for (const item of g.field('httpRoutes').list()) {
      const route = item.object({ known: ['name'], unsupported: { useHeaderRoutes: 'header routes are not supported: canary sets weights only' } });
      const name = route?.field('name').string({ required: true });
      if (name) routes.push(name);
    }
    if (routes.length === 0) {
      g.error('name the HTTPRoute whose weights canary writes: httpRoute: <name>');
      return { kind: 'none' };
    }
    return { kind: 'gatewayAPI', loc: plugins.loc(), httpRoutes: routes, namespace: g.field('namespace').string() };
  }
  return { kind: 'none' };
}
