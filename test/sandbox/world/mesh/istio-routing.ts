/**
 * What an Istio sidecar does with a request to a Service that a VirtualService names in `hosts`
 * (mesh traffic: no `gateways`, or `mesh` among them): the first HTTP route whose match fits, then
 * one destination by weight; a destination's `subset` narrows its host's pods to the labels of the
 * subset in the host's DestinationRule. Pure functions of the cached objects.
 */
import type { K8sObject } from '../../store/types.js';

export interface IstioBackend {
  namespace: string;
  service: string;
  /** The subset's labels; undefined without a subset. */
  labels?: Record<string, string>;
  weight: number;
}

interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

interface HttpMatch {
  uri?: StringMatch;
  method?: StringMatch;
  headers?: Record<string, StringMatch>;
}

interface VsHttpRoute {
  match?: HttpMatch[];
  route?: { destination?: { host?: string; subset?: string }; weight?: number }[];
}

export interface IstioRequest {
  namespace: string;
  service: string;
  method: string;
  path: string;
  headers: Record<string, string>;
}

/** The VirtualService route for the request: its name and weighted backends; undefined when no VirtualService applies. */
export function resolveVirtualService(
  req: IstioRequest,
  virtualServices: Iterable<K8sObject>,
  destinationRules: Iterable<K8sObject>,
): { name: string; rule: number; backends: IstioBackend[] } | undefined {
  for (const vs of [...virtualServices].sort(byAge)) {
    const spec = (vs['spec'] ?? {}) as { hosts?: string[]; gateways?: string[]; http?: VsHttpRoute[] };
    const ns = vs.metadata.namespace ?? 'default';
    if (spec.gateways?.length && !spec.gateways.includes('mesh')) continue;
    if (!(spec.hosts ?? []).some((h) => sameService(h, ns, req))) continue;
    const rule = (spec.http ?? []).findIndex((r) => !r.match?.length || r.match.some((m) => matches(m, req)));
    if (rule < 0) continue;
    const destinations = spec.http![rule]!.route ?? [];
    const backends = destinations.map((d) => {
      const { service, namespace } = serviceOf(d.destination?.host ?? '', ns);
      const labels = d.destination?.subset ? subsetLabels(destinationRules, service, namespace, d.destination.subset) : undefined;
      // A lone destination without a weight takes everything; otherwise a missing weight is 0.
      const weight = typeof d.weight === 'number' ? d.weight : destinations.length === 1 ? 100 : 0;
      return { namespace, service, weight, ...(labels ? { labels } : {}) };
    });
    return { name: vs.metadata.name, rule, backends };
  }
  return undefined;
}

/** `myapp`, `myapp.apps`, `myapp.apps.svc`, `myapp.apps.svc.cluster.local`, short names in the VirtualService's namespace. */
function serviceOf(host: string, namespace: string): { service: string; namespace: string } {
  const [service, ns] = host.split('.');
  return { service: service ?? '', namespace: ns ?? namespace };
}

function sameService(host: string, vsNamespace: string, req: IstioRequest): boolean {
  const s = serviceOf(host, vsNamespace);
  return s.service === req.service && s.namespace === req.namespace;
}

/** A subset nobody defined selects no pod: Istio answers 503 (no healthy upstream). */
function subsetLabels(rules: Iterable<K8sObject>, service: string, namespace: string, subset: string): Record<string, string> {
  for (const dr of [...rules].sort(byAge)) {
    const spec = (dr['spec'] ?? {}) as { host?: string; subsets?: { name?: string; labels?: Record<string, string> }[] };
    const s = serviceOf(spec.host ?? '', dr.metadata.namespace ?? 'default');
    if (s.service !== service || s.namespace !== namespace) continue;
    const found = (spec.subsets ?? []).find((x) => x.name === subset);
    if (found) return found.labels ?? {};
  }
  return { 'sandbox.istio/undefined-subset': subset };
}

function matches(m: HttpMatch, req: IstioRequest): boolean {
  if (m.uri && !stringMatches(m.uri, req.path.split('?')[0]!)) return false;
  if (m.method && !stringMatches(m.method, req.method)) return false;
  for (const [name, want] of Object.entries(m.headers ?? {})) {
    const v = req.headers[name.toLowerCase()];
    if (v === undefined || !stringMatches(want, v)) return false;
  }
  return true;
}

function stringMatches(m: StringMatch, value: string): boolean {
  if (m.exact !== undefined) return value === m.exact;
  if (m.prefix !== undefined) return value.startsWith(m.prefix);
  if (m.regex !== undefined) return new RegExp(`^(?:${m.regex})$`).test(value);
  return true;
}

function byAge(a: K8sObject, b: K8sObject): number {
  return (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name);
}
