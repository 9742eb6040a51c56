/**
 * Every permission canary uses, in one table: preflight asks the API server about each of them
 * (SelfSubjectAccessReview), and examples/rbac.yaml grants exactly these (a test holds them equal).
 * Only verbs the adapters actually send are listed: watches need no `list`, saves are patches.
 */
import type { TrafficRouting } from '../manifests/types.js';
import { assertNever } from '../util/assert-never.js';

export interface Permission {
  verb: string;
  /** '' for the core group. */
  group: string;
  resource: string;
  subresource?: string;
  namespace: string;
  /** Which part of canary needs it, for the report. */
  why: string;
}

export interface PermissionInputs {
  /** Where the Rollout runs. */
  namespace: string;
  routing: TrafficRouting;
  /** `run --apply-services`: Services are created from the manifests. */
  applyServices: boolean;
  /** Namespaces of Secrets read for `valueFrom.secretKeyRef` args; empty when none is used. */
  secretNamespaces: readonly string[];
  /** Namespaces whose Services (Prometheus) are reached through the API server's service proxy. */
  proxyNamespaces: readonly string[];
}

const rule = (group: string, resource: string, verbs: string[], namespace: string, why: string, subresource?: string): Permission[] =>
  verbs.map((verb) => ({ verb, group, resource, namespace, why, ...(subresource ? { subresource } : {}) }));

export function requiredPermissions(i: PermissionInputs): Permission[] {
  const ns = i.namespace;
  return [
    ...rule('apps', 'deployments', ['get', 'watch', 'create', 'update', 'patch'], ns, 'stable and canary Deployments'),
    ...rule('', 'pods', ['list', 'watch'], ns, 'pod readiness and problems'),
    ...rule('', 'services', ['get', 'watch', 'patch', ...(i.applyServices ? ['create'] : [])], ns, 'the stable/canary Service selectors'),
    ...rule('', 'configmaps', ['get', 'watch', 'create', 'patch'], ns, 'the run state'),
    ...rule('coordination.k8s.io', 'leases', ['get', 'create', 'update'], ns, 'the runner lock'),
    ...rule('', 'events', ['create', 'patch'], ns, 'Events on the stable Deployment'),
    ...routingPermissions(i.routing, ns),
    ...[...new Set(i.secretNamespaces)].flatMap((n) => rule('', 'secrets', ['get'], n, 'secretKeyRef analysis args')),
    ...[...new Set(i.proxyNamespaces)].flatMap((n) => rule('', 'services', ['get', 'create'], n, 'Prometheus through the service proxy', 'proxy')),
  ];
}

function routingPermissions(r: TrafficRouting, namespace: string): Permission[] {
  switch (r.kind) {
    case 'smi':
      return rule('split.smi-spec.io', 'trafficsplits', ['get', 'create', 'patch'], namespace, 'the TrafficSplit weights');
    case 'gatewayAPI':
      return rule('gateway.networking.k8s.io', 'httproutes', ['get', 'patch'], r.namespace ?? namespace, 'the HTTPRoute weights');
    case 'none':
      return [];
    default:
      return assertNever(r, 'trafficRouting');
  }
}

/** `patch deployments.apps in apps`, `get services/proxy in monitoring`. */
export function describePermission(p: Permission): string {
  const resource = (p.group ? `${p.resource}.${p.group}` : p.resource) + (p.subresource ? `/${p.subresource}` : '');
  return `${p.verb} ${resource} in ${p.namespace}`;
}
