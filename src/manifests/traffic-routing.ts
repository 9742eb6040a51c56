/** strategy.canary.trafficRouting: SMI, the Gateway API plugin, Istio, NGINX, Traefik, or none (replica-weighted). */
import type { Reader } from './reader.js';
import { readIstio } from './traffic-routing-istio.js';
import { readNginx } from './traffic-routing-nginx.js';
import type { TrafficRouting } from './types.js';

export const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

/** The routers canary drives, by their trafficRouting key. */
const ROUTER_KEYS = ['smi', 'plugins', 'istio', 'nginx', 'traefik'] as const;

const OTHER_ROUTERS: Record<string, string> = {
  alb: 'ALB',
  ambassador: 'Ambassador',
  appMesh: 'App Mesh',
  apisix: 'APISIX',
};

export function readTrafficRouting(r: Reader): TrafficRouting {
  // managedRoutes goes with the header and mirror route steps: readStrategy reports them together.
  const tr = r.object({ known: [...ROUTER_KEYS, 'maxTrafficWeight', 'managedRoutes', ...Object.keys(OTHER_ROUTERS)] });
  // Routers canary does not drive: one message for all of them, at the first.
  const others = tr ? Object.keys(tr.value as object).filter((k) => k in OTHER_ROUTERS && tr.field(k).present) : [];
  if (tr && others.length > 0) {
    const names = others.map((k) => OTHER_ROUTERS[k]!);
    const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
    tr.field(others[0]!).error(
      `not supported by canary: ${list} traffic routing: canary writes SMI TrafficSplits (trafficRouting.smi), Gateway API HTTPRoutes (trafficRouting.plugins["${GATEWAY_API_PLUGIN}"]), Istio VirtualServices (trafficRouting.istio), NGINX canary Ingresses (trafficRouting.nginx) or Traefik TraefikServices (trafficRouting.traefik)`,
      'key',
    );
  }
  if (!tr) return { kind: 'none' };
  const maxWeight = tr.field('maxTrafficWeight');
  if (maxWeight.present && maxWeight.int({ min: 1 }) !== 100) {
    maxWeight.error('only 100 is supported: weights are percentages of the traffic');
  }
  const smi = tr.field('smi');
  const plugins = tr.field('plugins');
  const set = ROUTER_KEYS.filter((k) => tr.field(k).present);
  if (set.length > 1) {
    tr.field(set[1]!).error(`set one router: ${set.join(' and ')} are both set (canary writes the weights of one router per Rollout)`, 'key');
  }
  if (set[0] === 'istio') return readIstio(tr.field('istio'));
  if (set[0] === 'nginx') return readNginx(tr.field('nginx'));
  if (set[0] === 'traefik') return readTraefik(tr.field('traefik'));
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
      },
      ignored: {
        configMap: 'canary keeps no ConfigMap for header routes: it finds its HTTPRoute rules again by their names',
      },
    });
    if (!g) return { kind: 'none' };
    const routes: string[] = [];
    // The plugin writes header routes to `httpRoute`, and to the `httpRoutes` that set useHeaderRoutes.
    const headerRoutes: string[] = [];
    const single = g.field('httpRoute').string();
    if (single !== null) {
      routes.push(single);
      headerRoutes.push(single);
    }
    for (const item of g.field('httpRoutes').list()) {
      const route = item.object({ known: ['name', 'useHeaderRoutes'] });
      const name = route?.field('name').string({ required: true });
      if (name) routes.push(name);
      if (name && route!.field('useHeaderRoutes').bool(false)) headerRoutes.push(name);
    }
    if (routes.length === 0) {
      g.error('name the HTTPRoute whose weights canary writes: httpRoute: <name>');
      return { kind: 'none' };
    }
    return { kind: 'gatewayAPI', loc: plugins.loc(), httpRoutes: routes, headerRoutes, namespace: g.field('namespace').string() };
  }
  return { kind: 'none' };
}

/** trafficRouting.traefik (Argo's TraefikTrafficRouting): the weighted TraefikService whose two weights canary writes. */
function readTraefik(field: Reader): TrafficRouting {
  const t = field.object({ known: ['weightedTraefikServiceName'] });
  const name = t?.field('weightedTraefikServiceName').string({ required: true }) ?? null;
  return name === null ? { kind: 'none' } : { kind: 'traefik', loc: field.loc(), weightedTraefikServiceName: name };
}
