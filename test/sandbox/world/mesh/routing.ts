/**
 * Client-side routing as a Linkerd proxy does it for a request to a Service: a TrafficSplit whose
 * spec.service is that Service (linkerd-smi turns it into a ServiceProfile, which wins over any
 * HTTPRoute), else an HTTPRoute attached to the Service (GAMMA: parentRef kind Service, group
 * core/""), else an Istio VirtualService naming the Service (as a sidecar would), else the Service itself;
 * a request addressed to an Ingress or IngressRoute host goes by those first (ingress-nginx, Traefik). Pure functions of the cached objects.
 */
import type { BackendRef } from '../../../../src/routing/http-route-rules.js';
import type { K8sObject } from '../../store/types.js';
import { parseWeight } from '../quantity.js';
import { pickWeighted, type Random } from '../random.js';
import { resolveVirtualService } from './istio-routing.js';
import { resolveIngress } from './nginx-routing.js';
import { resolveTraefik } from './traefik-routing.js';

export interface Backend {
  namespace: string;
  service: string;
  /** An Istio subset: only the Service's pods with these labels. */
  labels?: Record<string, string>;
}

export interface WeightedBackend extends Backend {
  weight: number;
}

/** A RequestMirror filter: `percent` of the requests are copied to `backend`, whose answer is dropped. */
export interface Mirror extends Backend {
  percent: number;
}

export type Route =
  | { kind: 'service' }
  | { kind: 'trafficsplit'; name: string; backends: WeightedBackend[] }
  | { kind: 'httproute'; name: string; rule: number; backends: WeightedBackend[]; mirrors: Mirror[] }
  | { kind: 'virtualservice'; name: string; rule: number; backends: WeightedBackend[] }
  | { kind: 'ingress'; name: string; backends: WeightedBackend[] }
  | { kind: 'ingressroute'; name: string; backends: WeightedBackend[] };

export interface RouteInputs {
  namespace: string;
  service: string;
  port: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  trafficSplits: Iterable<K8sObject>;
  httpRoutes: Iterable<K8sObject>;
  virtualServices?: Iterable<K8sObject>;
  destinationRules?: Iterable<K8sObject>;
  ingresses?: Iterable<K8sObject>;
  ingressRoutes?: Iterable<K8sObject>;
  traefikServices?: Iterable<K8sObject>;
}

export function resolveRoute(input: RouteInputs): Route {
  // Addressed to an Ingress host: ingress-nginx routes it before any mesh rule for a Service.
  const ingress = resolveIngress(input, input.ingresses ?? []);
  if (ingress) return { kind: 'ingress', ...ingress };
  const ingressRoute = resolveTraefik(input, input.ingressRoutes ?? [], input.traefikServices ?? []);
  if (ingressRoute) return { kind: 'ingressroute', ...ingressRoute };
  const split = oldest([...input.trafficSplits].filter((ts) => rootService(ts, input.namespace) === input.service));
  if (split) {
    const backends = ((split['spec'] as { backends?: { service?: string; weight?: unknown }[] } | undefined)?.backends ?? [])
      .filter((b) => typeof b.service === 'string')
      .map((b) => ({ namespace: input.namespace, service: b.service!, weight: parseWeight(b.weight) ?? 0 }));
    // linkerd-smi writes no dstOverrides for a split whose weights sum to zero: the Service serves.
    if (backends.some((b) => b.weight > 0)) return { kind: 'trafficsplit', name: split.metadata.name, backends };
  }
  for (const route of sortOldest([...input.httpRoutes])) {
    if (!attachedTo(route, input)) continue;
    const rules = ((route['spec'] as { rules?: HttpRule[] } | undefined)?.rules ?? [{}]);
    const chosen = bestRule(rules, input);
    if (chosen === undefined) continue;
    const refs = (rules[chosen]!.backendRefs ?? []).filter(isService);
    // A rule without backends sends traffic to its parent Service.
    if (refs.length === 0) return { kind: 'service' };
    const ns = route.metadata.namespace ?? input.namespace;
    return {
      kind: 'httproute',
      name: route.metadata.name,
      rule: chosen,
      backends: refs.map((r) => ({ namespace: r.namespace ?? ns, service: r.name, weight: typeof r.weight === 'number' ? r.weight : 1 })),
      mirrors: mirrorsOf(rules[chosen]!, ns),
    };
  }
  const vs = resolveVirtualService(input, input.virtualServices ?? [], input.destinationRules ?? []);
  if (vs) return { kind: 'virtualservice', ...vs };
  return { kind: 'service' };
}

/** The backend Service a request goes to; undefined when every weight is zero. */
export function pickBackend(route: Route, target: Backend, random: Random): Backend | undefined {
  switch (route.kind) {
    case 'service':
      return target;
    case 'trafficsplit':
    case 'httproute':
    case 'virtualservice':
    case 'ingress':
    case 'ingressroute': {
      const i = pickWeighted(random, route.backends.map((b) => b.weight));
      if (i < 0) return undefined;
      const b = route.backends[i]!;
      return { namespace: b.namespace, service: b.service, ...(b.labels ? { labels: b.labels } : {}) };
    }
  }
}

function rootService(ts: K8sObject, namespace: string): string | undefined {
  const s = (ts['spec'] as { service?: unknown } | undefined)?.service;
  if (typeof s !== 'string') return undefined;
  // Accept "myapp", "myapp.apps", "myapp.apps.svc" and "myapp.apps.svc.cluster.local".
  const [name, ns] = s.split('.');
  if (ns !== undefined && ns !== namespace) return undefined;
  return name;
}

/** A backendRef as HTTPRoute has it (the same shape canary writes). */
type Ref = BackendRef;

interface HttpRule {
  matches?: { path?: { type?: string; value?: string }; method?: string; headers?: { type?: string; name: string; value: string }[] }[];
  filters?: { type?: string; requestMirror?: { backendRef?: Ref; percent?: number; fraction?: { numerator?: number; denominator?: number } } }[];
  backendRefs?: Ref[];
}

const isService = (r: Ref): boolean => (r.kind ?? 'Service') === 'Service' && (r.group ?? '') === '';

/** The rule's RequestMirror filters (Gateway API: `percent`, or `fraction`; neither = every request). */
function mirrorsOf(rule: HttpRule, namespace: string): Mirror[] {
  return (rule.filters ?? []).flatMap((f) => {
    const m = f.type === 'RequestMirror' ? f.requestMirror : undefined;
    if (!m?.backendRef || !isService(m.backendRef)) return [];
    const fraction = m.fraction?.numerator !== undefined ? (100 * m.fraction.numerator) / (m.fraction.denominator ?? 100) : undefined;
    return [{ namespace: m.backendRef.namespace ?? namespace, service: m.backendRef.name, percent: m.percent ?? fraction ?? 100 }];
  });
}

function attachedTo(route: K8sObject, input: RouteInputs): boolean {
  const parents = ((route['spec'] as { parentRefs?: { group?: string; kind?: string; name?: string; namespace?: string; port?: number }[] } | undefined)?.parentRefs ?? []);
  return parents.some(
    (p) =>
      p.kind === 'Service' &&
      (p.group === undefined || p.group === '' || p.group === 'core') &&
      p.name === input.service &&
      (p.namespace ?? route.metadata.namespace) === input.namespace &&
      (p.port === undefined || p.port === input.port),
  );
}

/**
 * Gateway API precedence (HTTPRouteRule): an Exact path beats the longest PathPrefix, then a method
 * match, then the most header matches; ties go to rule order.
 */
function bestRule(rules: HttpRule[], input: RouteInputs): number | undefined {
  let best: { index: number; score: number[] } | undefined;
  const path = input.path.split('?')[0]!;
  rules.forEach((rule, index) => {
    const matches = rule.matches?.length ? rule.matches : [{}];
    for (const m of matches) {
      const pathScore = matchScore(m, path, input);
      if (pathScore === undefined) continue;
      const score = [pathScore, m.method ? 1 : 0, m.headers?.length ?? 0];
      if (!best || greater(score, best.score)) best = { index, score };
    }
  });
  return best?.index;
}

function greater(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}

function matchScore(m: NonNullable<HttpRule['matches']>[number], path: string, input: RouteInputs): number | undefined {
  if (m.method && m.method !== input.method) return undefined;
  for (const h of m.headers ?? []) {
    const v = input.headers[h.name.toLowerCase()];
    // RegularExpression as Envoy matches it: the whole value.
    if ((h.type ?? 'Exact') === 'Exact' ? v !== h.value : v === undefined || !new RegExp(`^(?:${h.value})$`).test(v)) return undefined;
  }
  const type = m.path?.type ?? 'PathPrefix';
  const value = m.path?.value ?? '/';
  switch (type) {
    case 'Exact':
      return path === value ? 1_000_000 + value.length : undefined;
    case 'PathPrefix': {
      const prefix = value.endsWith('/') && value !== '/' ? value.slice(0, -1) : value;
      const ok = prefix === '/' || path === prefix || path.startsWith(prefix + '/');
      return ok ? prefix.length : undefined;
    }
    case 'RegularExpression':
      return new RegExp(`^(?:${value})$`).test(path) ? 500_000 : undefined;
    default:
      return undefined;
  }
}

function sortOldest(objs: K8sObject[]): K8sObject[] {
  return objs.sort(
    (a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name),
  );
}

function oldest(objs: K8sObject[]): K8sObject | undefined {
  return sortOldest(objs)[0];
}
