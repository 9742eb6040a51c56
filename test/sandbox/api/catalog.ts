/**
 * The resource types the sandbox can serve, described as the real API server describes them
 * (discovery, name rules, field selectors, delete answers). The store holds the served subset
 * (`servedTypes()`); the HTTP layer serves whatever the store holds, so installing a "CRD" at run
 * time is `store.addType(catalog.httproutes)`.
 */
import type { ResourceType } from '../store/types.js';

/** How metadata.name is validated (apimachinery's name validators). */
export type NameRule = 'dns1123-subdomain' | 'dns1123-label' | 'dns1035-label';

export interface CatalogType extends ResourceType {
  /** Compiled into the real server (strategic merge patch, server-side printing); false for CRDs. */
  builtin: boolean;
  nameRule: NameRule;
  /** Field selectors accepted besides metadata.name and metadata.namespace. */
  fieldSelectors: string[];
  /** Subresources served (discovery lists them as `resource/sub`). */
  subresources: Subresource[];
  /** A DELETE answers the deleted object (ReturnDeletedObject in the real registry) or a Status. */
  deleteAnswer: 'object' | 'status';
  /** Objects live in another type's storage and are converted (events.k8s.io/v1 over core/v1 events). */
  storage?: { group: string; resource: string };
  /** Not stored at all: answered by the server (SelfSubjectAccessReview). */
  virtual?: 'selfsubjectaccessreview';
}

export type Subresource = 'status' | 'scale' | 'proxy';

const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

type Spec = Omit<CatalogType, 'verbs' | 'fieldSelectors' | 'subresources' | 'deleteAnswer' | 'nameRule' | 'builtin' | 'statusSubresource'> &
  Partial<Pick<CatalogType, 'verbs' | 'fieldSelectors' | 'subresources' | 'deleteAnswer' | 'nameRule' | 'builtin'>>;

function define(spec: Spec): CatalogType {
  const subresources = spec.subresources ?? [];
  return {
    verbs: CRUD,
    fieldSelectors: [],
    deleteAnswer: 'status',
    nameRule: 'dns1123-subdomain',
    builtin: true,
    ...spec,
    subresources,
    statusSubresource: subresources.includes('status'),
  };
}

const EVENT_FIELDS = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
];

export const catalog = {
  namespaces: define({
    group: '', versions: ['v1'], resource: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false,
    shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status'],
    nameRule: 'dns1123-label', fieldSelectors: ['status.phase'], deleteAnswer: 'object', generation: false,
  }),
  configmaps: define({
    group: '', versions: ['v1'], resource: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'],
  }),
  secrets: define({
    group: '', versions: ['v1'], resource: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true, fieldSelectors: ['type'],
  }),
  services: define({
    group: '', versions: ['v1'], resource: 'services', singular: 'service', kind: 'Service', namespaced: true, shortNames: ['svc'],
    categories: ['all'], subresources: ['status', 'proxy'], nameRule: 'dns1035-label', fieldSelectors: ['spec.clusterIP', 'spec.type'],
    deleteAnswer: 'object', generation: false,
  }),
  pods: define({
    group: '', versions: ['v1'], resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'],
    subresources: ['status'], deleteAnswer: 'object', generation: false,
    fieldSelectors: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  }),
  events: define({
    group: '', versions: ['v1'], resource: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'], fieldSelectors: EVENT_FIELDS,
  }),
  serviceaccounts: define({
    group: '', versions: ['v1'], resource: 'serviceaccounts', singular: 'serviceaccount', kind: 'ServiceAccount', namespaced: true,
    shortNames: ['sa'], deleteAnswer: 'object',
  }),
  deployments: define({
    group: 'apps', versions: ['v1'], resource: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true,
    shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'], generation: true,
  }),
  replicasets: define({
    group: 'apps', versions: ['v1'], resource: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true,
    shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'], fieldSelectors: ['status.replicas'], generation: true,
  }),
  jobs: define({
    group: 'batch', versions: ['v1'], resource: 'jobs', singular: 'job', kind: 'Job', namespaced: true, categories: ['all'],
    subresources: ['status'], fieldSelectors: ['status.successful'], generation: true,
  }),
  leases: define({
    group: 'coordination.k8s.io', versions: ['v1'], resource: 'leases', singular: 'lease', kind: 'Lease', namespaced: true, generation: false,
  }),
  /** Not served by the sandbox (no EndpointSlice controller); the real control plane's node agent mirrors them. */
  endpointslices: define({
    group: 'discovery.k8s.io', versions: ['v1'], resource: 'endpointslices', singular: 'endpointslice', kind: 'EndpointSlice', namespaced: true, generation: false,
  }),
  ingresses: define({
    group: 'networking.k8s.io', versions: ['v1'], resource: 'ingresses', singular: 'ingress', kind: 'Ingress', namespaced: true, shortNames: ['ing'],
    subresources: ['status'], generation: true,
  }),
  eventsV1: define({
    group: 'events.k8s.io', versions: ['v1'], resource: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'],
    storage: { group: '', resource: 'events' }, fieldSelectors: EVENT_FIELDS, generation: false,
  }),
  selfsubjectaccessreviews: define({
    group: 'authorization.k8s.io', versions: ['v1'], resource: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview',
    kind: 'SelfSubjectAccessReview', namespaced: false, verbs: ['create'], virtual: 'selfsubjectaccessreview', generation: false,
  }),
  // Custom resources: served only when their CRD is "installed" (see servedTypes).
  trafficsplits: define({
    group: 'split.smi-spec.io', versions: ['v1alpha4', 'v1alpha3', 'v1alpha2', 'v1alpha1'], resource: 'trafficsplits', singular: 'trafficsplit',
    kind: 'TrafficSplit', namespaced: true, shortNames: ['ts'], builtin: false,
  }),
  httproutes: define({
    group: 'gateway.networking.k8s.io', versions: ['v1', 'v1beta1'], resource: 'httproutes', singular: 'httproute', kind: 'HTTPRoute',
    namespaced: true, categories: ['gateway-api'], subresources: ['status'], builtin: false,
  }),
  gateways: define({
    group: 'gateway.networking.k8s.io', versions: ['v1', 'v1beta1'], resource: 'gateways', singular: 'gateway', kind: 'Gateway',
    namespaced: true, shortNames: ['gtw'], categories: ['gateway-api'], subresources: ['status'], builtin: false,
  }),
  virtualservices: define({
    group: 'networking.istio.io', versions: ['v1', 'v1beta1', 'v1alpha3'], resource: 'virtualservices', singular: 'virtualservice', kind: 'VirtualService',
    namespaced: true, shortNames: ['vs'], categories: ['istio-io', 'networking-istio-io'], subresources: ['status'], builtin: false,
  }),
  destinationrules: define({
    group: 'networking.istio.io', versions: ['v1', 'v1beta1', 'v1alpha3'], resource: 'destinationrules', singular: 'destinationrule', kind: 'DestinationRule',
    namespaced: true, shortNames: ['dr'], categories: ['istio-io', 'networking-istio-io'], subresources: ['status'], builtin: false,
  }),
  traefikservices: define({
    group: 'traefik.io', versions: ['v1alpha1'], resource: 'traefikservices', singular: 'traefikservice', kind: 'TraefikService', namespaced: true, builtin: false,
  }),
  ingressroutes: define({
    group: 'traefik.io', versions: ['v1alpha1'], resource: 'ingressroutes', singular: 'ingressroute', kind: 'IngressRoute', namespaced: true, builtin: false,
  }),
} as const satisfies Record<string, CatalogType>;

export type SmiVersion = 'v1alpha1' | 'v1alpha2' | 'v1alpha3' | 'v1alpha4';
export type GatewayApiVersion = 'v1' | 'v1beta1';
export type IstioVersion = 'v1' | 'v1beta1' | 'v1alpha3';
export type TraefikVersion = 'v1alpha1';

/** Which optional APIs (CRDs) the cluster has; absent or empty = not installed. */
export interface ServedApis {
  /** linkerd-smi serves v1alpha1 and v1alpha2. */
  smi?: SmiVersion[];
  /** Gateway API standard channel serves v1 and v1beta1 (HTTPRoute and Gateway). */
  gatewayApi?: GatewayApiVersion[];
  /** Istio's base chart serves networking.istio.io v1, v1beta1 and v1alpha3 (VirtualService and DestinationRule). */
  istio?: IstioVersion[];
  /** Traefik v3's CRDs serve traefik.io v1alpha1 (TraefikService and IngressRoute). */
  traefik?: TraefikVersion[];
}

const BUILTIN: CatalogType[] = [
  catalog.namespaces,
  catalog.configmaps,
  catalog.secrets,
  catalog.services,
  catalog.pods,
  catalog.events,
  catalog.serviceaccounts,
  catalog.deployments,
  catalog.replicasets,
  catalog.jobs,
  catalog.leases,
  catalog.ingresses,
  catalog.eventsV1,
  catalog.selfsubjectaccessreviews,
];

/** The types a cluster with these optional APIs serves: the argument for `new ObjectStore(...)`. */
export function servedTypes(apis: ServedApis = {}): CatalogType[] {
  const out = BUILTIN.map(copy);
  if (apis.smi?.length) out.push(withVersions(catalog.trafficsplits, apis.smi));
  if (apis.gatewayApi?.length) {
    out.push(withVersions(catalog.httproutes, apis.gatewayApi));
    out.push(withVersions(catalog.gateways, apis.gatewayApi));
  }
  if (apis.istio?.length) {
    out.push(withVersions(catalog.virtualservices, apis.istio));
    out.push(withVersions(catalog.destinationrules, apis.istio));
  }
  if (apis.traefik?.length) {
    out.push(withVersions(catalog.traefikservices, apis.traefik));
    out.push(withVersions(catalog.ingressroutes, apis.traefik));
  }
  return out;
}

/** A catalogue type narrowed to some versions, the preferred (highest priority) one first. */
export function withVersions(type: CatalogType, versions: readonly string[]): CatalogType {
  const unknown = versions.filter((v) => !type.versions.includes(v));
  if (unknown.length) throw new Error(`${type.resource}.${type.group} has no version ${unknown.join(', ')}`);
  return { ...copy(type), versions: [...new Set(versions)].sort(compareKubeVersions) };
}

function copy(t: CatalogType): CatalogType {
  return { ...t, versions: [...t.versions], verbs: [...(t.verbs ?? CRUD)], fieldSelectors: [...t.fieldSelectors], subresources: [...t.subresources] };
}

/**
 * Kubernetes version priority (GA > beta > alpha, then by number, highest first), the order in
 * which discovery lists versions and picks the preferred one.
 */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    const stage = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [sa, ma, na] = rank(a);
  const [sb, mb, nb] = rank(b);
  return sb - sa || mb - ma || nb - na;
}

/** The catalogue entry for any served type; a plain ResourceType is described like a CRD's. */
export function describe(type: ResourceType): CatalogType {
  if (isCatalogType(type)) return type;
  const known = Object.values(catalog as Record<string, CatalogType>).find((c) => c.group === type.group && c.resource === type.resource);
  if (known) return { ...known, ...type, versions: type.versions, fieldSelectors: known.fieldSelectors, subresources: known.subresources };
  return {
    ...type,
    verbs: type.verbs ?? CRUD,
    builtin: false,
    nameRule: 'dns1123-subdomain',
    fieldSelectors: [],
    subresources: type.statusSubresource ? ['status'] : [],
    deleteAnswer: 'status',
  };
}

function isCatalogType(t: ResourceType): t is CatalogType {
  return 'builtin' in t && 'nameRule' in t && 'subresources' in t;
}

/** `deployments.apps`, `configmaps`: how the real server names a resource in messages. */
export function qualified(type: ResourceType): string {
  return type.group ? `${type.resource}.${type.group}` : type.resource;
}

export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
