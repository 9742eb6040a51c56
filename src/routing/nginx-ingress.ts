/**
 * The canary Ingress Argo Rollouts derives from a stable Ingress for ingress-nginx
 * (rollout/trafficrouting/nginx/nginx.go): named `<rollout>-<stable ingress>-canary` (cut to 253
 * characters before the suffix), the stable Ingress's rules that send to the stable Service, with
 * that backend switched to the canary Service, its TLS, class and `kubernetes.io/ingress.class`;
 * annotations: additionalIngressAnnotations (the prefix added unless present),
 * canaryIngressAnnotations as written, then `<prefix>/canary: "true"` and `<prefix>/canary-weight`.
 * Pure: the adapter reads and writes.
 */
export const CANARY_SUFFIX = '-canary';

export interface IngressBackend {
  service?: { name?: string; port?: { number?: number; name?: string } };
  resource?: unknown;
}

export interface IngressRule {
  host?: string;
  http?: { paths?: { path?: string; pathType?: string; backend?: IngressBackend }[] };
}

export interface IngressSpec {
  ingressClassName?: string;
  tls?: unknown[];
  defaultBackend?: IngressBackend;
  rules?: IngressRule[];
}

export interface IngressObject {
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec?: IngressSpec;
}

export interface CanaryIngressConfig {
  stableService: string;
  canaryService: string;
  annotationPrefix: string;
  additionalIngressAnnotations: Readonly<Record<string, string>>;
  canaryIngressAnnotations: Readonly<Record<string, string>>;
}

/** The stable Ingress sends nothing to the stable Service: nothing to copy. */
export class NoStableBackend extends Error {}

/** Argo's GetCanaryIngressName. */
export function canaryIngressName(rollout: string, stableIngress: string): string {
  return `${`${rollout}-${stableIngress}`.slice(0, 253 - CANARY_SUFFIX.length)}${CANARY_SUFFIX}`;
}

/** What the canary Ingress should hold for `weight` percent: its annotations and spec. */
export function desiredCanaryIngress(stable: IngressObject, cfg: CanaryIngressConfig, weight: number): { annotations: Record<string, string>; spec: IngressSpec } {
  const rules: IngressRule[] = [];
  for (const rule of stable.spec?.rules ?? []) {
    const copy = structuredClone(rule);
    let uses = false;
    for (const p of copy.http?.paths ?? []) {
      if (p.backend?.service?.name === cfg.stableService) {
        p.backend.service.name = cfg.canaryService;
        uses = true;
      }
    }
    if (uses) rules.push(copy);
  }
  if (rules.length === 0) throw new NoStableBackend(`it has no rule with a path to Service ${cfg.stableService}`);
  const spec: IngressSpec = {
    ...(stable.spec?.ingressClassName !== undefined ? { ingressClassName: stable.spec.ingressClassName } : {}),
    ...(stable.spec?.tls !== undefined ? { tls: structuredClone(stable.spec.tls) } : {}),
    rules,
  };
  const annotations: Record<string, string> = {};
  const cls = stable.metadata.annotations?.['kubernetes.io/ingress.class'];
  if (cls !== undefined) annotations['kubernetes.io/ingress.class'] = cls;
  const prefix = cfg.annotationPrefix;
  for (const [k, v] of Object.entries(cfg.additionalIngressAnnotations)) annotations[k.startsWith(prefix) ? k : `${prefix}/${k}`] = v;
  for (const [k, v] of Object.entries(cfg.canaryIngressAnnotations)) annotations[k] = v;
  annotations[`${prefix}/canary`] = 'true';
  annotations[`${prefix}/canary-weight`] = String(weight);
  return { annotations, spec };
}

/** Argo's getDesiredAnnotations: annotations others added to the canary Ingress (a controller, a person) are kept. */
export function keptAnnotations(current: Readonly<Record<string, string>>, desired: Readonly<Record<string, string>>): Record<string, string> {
  return { ...current, ...desired };
}

/** The canary share a canary Ingress gives, from `<prefix>/canary-weight` (ingress-nginx reads a missing or bad one as 0). */
export function canaryIngressWeight(ingress: IngressObject, prefix: string): number {
  const v = ingress.metadata.annotations?.[`${prefix}/canary-weight`];
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, 100) : 0;
}
