/**
 * The resource types the world's controllers read and write. The API server's catalogue is the
 * authority when the sandbox runs as a whole; these definitions let the world run on a bare
 * ObjectStore (unit tests) and name exactly what the world depends on.
 */
import type { ObjectStore } from '../store/store.js';
import type { ResourceType } from '../store/types.js';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function type(t: Omit<ResourceType, 'verbs'>): ResourceType {
  return { ...t, verbs: ALL_VERBS };
}

export const WORLD_TYPES = {
  namespaces: type({ group: '', versions: ['v1'], resource: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'], statusSubresource: true }),
  services: type({ group: '', versions: ['v1'], resource: 'services', singular: 'service', kind: 'Service', namespaced: true, shortNames: ['svc'], categories: ['all'], statusSubresource: true }),
  pods: type({ group: '', versions: ['v1'], resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'], statusSubresource: true }),
  events: type({ group: '', versions: ['v1'], resource: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'] }),
  deployments: type({ group: 'apps', versions: ['v1'], resource: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], statusSubresource: true }),
  replicasets: type({ group: 'apps', versions: ['v1'], resource: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], categories: ['all'], statusSubresource: true }),
  trafficsplits: type({ group: 'split.smi-spec.io', versions: ['v1alpha2', 'v1alpha1'], resource: 'trafficsplits', singular: 'trafficsplit', kind: 'TrafficSplit', namespaced: true, shortNames: ['ts'] }),
  httproutes: type({ group: 'gateway.networking.k8s.io', versions: ['v1', 'v1beta1'], resource: 'httproutes', singular: 'httproute', kind: 'HTTPRoute', namespaced: true, categories: ['gateway-api'], statusSubresource: true }),
} as const;

export type WorldTypeName = keyof typeof WORLD_TYPES;

/** Every type the world needs, for a store that serves nothing else (unit tests). */
export function worldTypes(): ResourceType[] {
  return Object.values(WORLD_TYPES).map((t) => ({ ...t, versions: [...t.versions] }));
}

/**
 * The store's own definition of a world type (its catalogue may serve other versions), or
 * undefined when the store does not serve it (e.g. the sandbox was started without Gateway API).
 */
export function servedType(store: ObjectStore, name: WorldTypeName): ResourceType | undefined {
  const want = WORLD_TYPES[name];
  return store.types.find((t) => t.group === want.group && t.resource === want.resource);
}

export function requireType(store: ObjectStore, name: WorldTypeName): ResourceType {
  const t = servedType(store, name);
  if (!t) {
    const w = WORLD_TYPES[name];
    throw new Error(`the sandbox store does not serve ${w.resource}${w.group ? '.' + w.group : ''}; the world needs it (add it to the store's resource types)`);
  }
  return t;
}

/** True when `type` is the world type `name` (same group and resource, any version). */
export function isType(type: ResourceType, name: WorldTypeName): boolean {
  const want = WORLD_TYPES[name];
  return type.group === want.group && type.resource === want.resource;
}
