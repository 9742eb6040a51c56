/**
 * Traefik, modelled where the request leaves the client: a request whose Host header is named by
 * an IngressRoute's ``Host(`...`)`` match (with ``PathPrefix(`...`)`` when the rule has one) goes to
 * that route's first service: a Service, or a TraefikService whose weighted round robin picks one
 * of its services by weight (a service without a weight counts 1, as in Traefik). Other matchers
 * are not modelled: such a rule does not match. Pure functions of the cached objects.
 */
import type { K8sObject } from '../../store/types.js';

interface RouteService {
  name?: string;
  kind?: string;
  namespace?: string;
}

export interface TraefikRequest {
  namespace: string;
  path: string;
  headers: Record<string, string>;
}

/** The IngressRoute route for the request; undefined when none names its host. */
export function resolveTraefik(
  req: TraefikRequest,
  ingressRoutes: Iterable<K8sObject>,
  traefikServices: Iterable<K8sObject>,
): { name: string; backends: { namespace: string; service: string; weight: number }[] } | undefined {
  const host = (req.headers['host'] ?? '').replace(/:\d+$/, '');
  const path = req.path.split('?')[0]!;
  for (const ir of [...ingressRoutes].sort(byAge)) {
    const routes = ((ir['spec'] as { routes?: { match?: string; services?: RouteService[] }[] } | undefined)?.routes ?? []);
    for (const route of routes) {
      if (!matches(route.match ?? '', host, path)) continue;
      const first = route.services?.[0];
      if (!first?.name) continue;
      const ns = first.namespace ?? ir.metadata.namespace ?? req.namespace;
      if ((first.kind ?? 'Service') === 'Service') return { name: ir.metadata.name, backends: [{ namespace: ns, service: first.name, weight: 1 }] };
      const ts = [...traefikServices].find((t) => t.metadata.name === first.name && (t.metadata.namespace ?? ns) === ns);
      const services = ((ts?.['spec'] as { weighted?: { services?: (RouteService & { weight?: number })[] } } | undefined)?.weighted?.services ?? []);
      const backends = services
        .filter((s) => s.name && (s.kind ?? 'Service') === 'Service')
        .map((s) => ({ namespace: s.namespace ?? ns, service: s.name!, weight: typeof s.weight === 'number' ? s.weight : 1 }));
      return { name: ir.metadata.name, backends };
    }
  }
  return undefined;
}

/** ``Host(`a`)``, ``Host(`a`) && PathPrefix(`/p`)``: every matcher must be one of these two and hold. */
function matches(rule: string, host: string, path: string): boolean {
  const parts = rule.split('&&').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return false;
  let named = false;
  for (const p of parts) {
    const m = /^(Host|PathPrefix)\(`([^`]*)`\)$/.exec(p);
    if (!m) return false;
    if (m[1] === 'Host') {
      if (m[2] !== host) return false;
      named = true;
    } else if (!path.startsWith(m[2]!)) return false;
  }
  return named;
}

function byAge(a: K8sObject, b: K8sObject): number {
  return (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name);
}
