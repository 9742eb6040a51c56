/**
 * Every permission canary uses, in one table (the router adds its own, from its definition):
 * preflight asks the API server about each of them (SelfSubjectAccessReview), and
 * examples/rbac.yaml grants exactly these (a test holds them equal).
 * Only verbs the adapters actually send are listed: watches need no `list`, saves are patches.
 */
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
  /** The router's own (from its definition in src/routing). */
  routing: readonly Permission[];
  /** `run --apply-services`: Services are created from the manifests. */
  applyServices: boolean;
  /** The Rollout has experiment steps: their Deployments and Services are created, listed and deleted. */
  experiments?: boolean;
  /** Namespaces of Secrets read for `valueFrom.secretKeyRef` args; empty when none is used. */
  secretNamespaces: readonly string[];
  /** Namespaces whose Services (Prometheus) are reached through the API server's service proxy. */
  proxyNamespaces: readonly string[];
  /** The metric providers' own (a job metric's Jobs, a credentials Secret), from their definitions in src/providers. */
  providers?: readonly Permission[];
}

/** One permission per verb on a resource. */
export function permissionsFor(group: string, resource: string, verbs: readonly string[], namespace: string, why: string, subresource?: string): Permission[] {
  return verbs.map((verb) => ({ verb, group, resource, namespace, why, ...(subresource ? { subresource } : {}) }));
}

export function requiredPermissions(i: PermissionInputs): Permission[] {
  const ns = i.namespace;
  const all = [
    ...permissionsFor('apps', 'deployments', ['get', 'watch', 'create', 'update', 'patch'], ns, 'stable and canary Deployments'),
    ...permissionsFor('', 'pods', ['list', 'watch'], ns, 'pod readiness and problems'),
    ...permissionsFor('', 'services', ['get', 'watch', 'patch', ...(i.applyServices ? ['create'] : [])], ns, 'the stable/canary Service selectors'),
    ...permissionsFor('', 'configmaps', ['get', 'watch', 'create', 'patch'], ns, 'the run state'),
    ...permissionsFor('coordination.k8s.io', 'leases', ['get', 'create', 'update'], ns, 'the runner lock'),
    ...permissionsFor('', 'events', ['create', 'patch'], ns, 'Events on the stable Deployment'),
    ...(i.experiments
      ? [...permissionsFor('apps', 'deployments', ['list', 'delete'], ns, 'experiment Deployments'), ...permissionsFor('', 'services', ['list', 'create', 'delete'], ns, 'experiment Services')]
      : []),
    ...i.routing,
    ...[...new Set(i.secretNamespaces)].flatMap((n) => permissionsFor('', 'secrets', ['get'], n, 'secretKeyRef analysis args')),
    ...[...new Set(i.proxyNamespaces)].flatMap((n) => permissionsFor('', 'services', ['get', 'create'], n, 'Prometheus through the service proxy', 'proxy')),
    ...(i.providers ?? []),
  ];
  // One check per permission, whoever needs it (a secretKeyRef arg and a provider's Secret are the same `get secrets`).
  const seen = new Set<string>();
  return all.filter((p) => {
    const key = describePermission(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `patch deployments.apps in apps`, `get services/proxy in monitoring`. */
export function describePermission(p: Permission): string {
  const resource = (p.group ? `${p.resource}.${p.group}` : p.resource) + (p.subresource ? `/${p.subresource}` : '');
  return `${p.verb} ${resource} in ${p.namespace}`;
}
