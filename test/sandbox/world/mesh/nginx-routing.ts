/**
 * ingress-nginx, modelled where the request leaves the client: a request whose Host header is the
 * host of an Ingress rule (class `nginx`, or none) in the target's namespace goes to that rule's
 * backend Service, or, with the probability `canary-weight` / `canary-weight-total` (default 100),
 * to the backend of the canary Ingress (annotation `nginx.ingress.kubernetes.io/canary: "true"`)
 * for the same host and path, as ingress-nginx splits them. Paths match as prefixes (Exact exactly);
 * the longest matching path wins. Pure functions of the cached objects.
 */
import type { K8sObject } from '../../store/types.js';

const PREFIX = 'nginx.ingress.kubernetes.io';

interface Path {
  path?: string;
  pathType?: string;
  backend?: { service?: { name?: string } };
}

interface Rule {
  host?: string;
  http?: { paths?: Path[] };
}

export interface IngressRequest {
  namespace: string;
  path: string;
  headers: Record<string, string>;
}

/** The Ingress route for the request; undefined when no Ingress has its host. */
export function resolveIngress(
  req: IngressRequest,
  ingresses: Iterable<K8sObject>,
): { name: string; backends: { namespace: string; service: string; weight: number }[] } | undefined {
  const host = (req.headers['host'] ?? '').replace(/:\d+$/, '');
  const path = req.path.split('?')[0]!;
  const candidates = [...ingresses].filter((i) => isNginx(i)).sort(byAge);
  const stable = best(candidates.filter((i) => !isCanary(i)), host, path);
  if (!stable) return undefined;
  const backends = [{ namespace: req.namespace, service: stable.service, weight: 100 }];
  const canary = best(candidates.filter(isCanary), host, path, stable.path);
  if (canary) {
    const a = canary.ingress.metadata.annotations ?? {};
    const total = positive(a[`${PREFIX}/canary-weight-total`]) ?? 100;
    const weight = Math.min(positive(a[`${PREFIX}/canary-weight`]) ?? 0, total);
    backends[0]!.weight = total - weight;
    backends.push({ namespace: req.namespace, service: canary.service, weight });
  }
  return { name: stable.ingress.metadata.name, backends };
}

function isNginx(i: K8sObject): boolean {
  const cls = (i['spec'] as { ingressClassName?: string } | undefined)?.ingressClassName ?? i.metadata.annotations?.['kubernetes.io/ingress.class'];
  return cls === undefined || cls === 'nginx';
}

function isCanary(i: K8sObject): boolean {
  return i.metadata.annotations?.[`${PREFIX}/canary`] === 'true';
}

/** The matching path with the longest prefix among the Ingresses; `samePath` restricts to that path (a canary's must be the stable's). */
function best(ingresses: K8sObject[], host: string, path: string, samePath?: string): { ingress: K8sObject; service: string; path: string } | undefined {
  let found: { ingress: K8sObject; service: string; path: string } | undefined;
  for (const ingress of ingresses) {
    for (const rule of ((ingress['spec'] as { rules?: Rule[] } | undefined)?.rules ?? [])) {
      if ((rule.host ?? '') !== host) continue;
      for (const p of rule.http?.paths ?? []) {
        const want = p.path ?? '/';
        const ok = p.pathType === 'Exact' ? path === want : path.startsWith(want);
        const service = p.backend?.service?.name;
        if (!ok || !service || (samePath !== undefined && want !== samePath)) continue;
        if (!found || want.length > found.path.length) found = { ingress, service, path: want };
      }
    }
  }
  return found;
}

function positive(v: string | undefined): number | undefined {
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

function byAge(a: K8sObject, b: K8sObject): number {
  return (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name);
}
