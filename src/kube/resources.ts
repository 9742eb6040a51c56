/**
 * The API resources canary reads and writes, described once: how the REST API spells their paths,
 * how messages name them, and what to install when a custom resource is not served.
 */

export interface ApiResource {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, as in the URL and in RBAC rules. */
  plural: string;
  kind: string;
  namespaced: boolean;
  /** For custom resources: what to do when the cluster does not serve them. */
  install?: string;
}

const core = (plural: string, kind: string): ApiResource => ({ group: '', version: 'v1', plural, kind, namespaced: true });

export const Deployments: ApiResource = { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true };
export const Pods = core('pods', 'Pod');
export const Services = core('services', 'Service');
export const ConfigMaps = core('configmaps', 'ConfigMap');
export const Secrets = core('secrets', 'Secret');
export const Events = core('events', 'Event');
export const Jobs: ApiResource = { group: 'batch', version: 'v1', plural: 'jobs', kind: 'Job', namespaced: true };
export const Leases: ApiResource = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true };
export const SelfSubjectAccessReviews: ApiResource = {
  group: 'authorization.k8s.io',
  version: 'v1',
  plural: 'selfsubjectaccessreviews',
  kind: 'SelfSubjectAccessReview',
  namespaced: false,
};

/** `apps/v1`, `v1`. */
export function apiVersionOf(r: ApiResource): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** `deployments.apps`, `configmaps`: how the API server and RBAC name a resource. */
export function qualifiedName(r: ApiResource, subresource = ''): string {
  const base = r.group ? `${r.plural}.${r.group}` : r.plural;
  return subresource ? `${base}/${subresource}` : base;
}

/** `/apis/apps/v1/namespaces/apps/deployments/myapp-stable`, `/api/v1/namespaces/apps/services/x/proxy`. */
export function resourcePath(r: ApiResource, namespace: string | null, name?: string, subresource?: string): string {
  const root = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const obj = name ? `/${encodeURIComponent(name)}` : '';
  const sub = name && subresource ? `/${subresource}` : '';
  return `${root}${ns}/${r.plural}${obj}${sub}`;
}

/** `TrafficSplit apps/myapp`, `Deployments in apps`: the object a message is about. */
export function describeTarget(r: ApiResource, namespace: string | null, name?: string): string {
  if (name) return `${r.kind} ${namespace ? `${namespace}/` : ''}${name}`;
  return `${r.kind}s${namespace ? ` in ${namespace}` : ''}`;
}
