/**
 * The resource types the world's controllers read and write, by identity (group + resource). Their
 * definitions (versions, subresources, generation rules) are the API server's catalogue, read from
 * the store at run time: the world works with whatever versions the sandbox serves.
 */
import type { ObjectStore } from '../store/store.js';
import type { K8sObject, ResourceType } from '../store/types.js';

/**
 * What the API server does to an object on create before storing it (defaulting). The world's
 * controllers write to the store directly, so the sandbox passes the API server's defaulter here
 * to make controller-created ReplicaSets, Pods and Services look like a real cluster's.
 */
export type Admit = (kind: string, obj: K8sObject) => void;

export const admitAsIs: Admit = () => undefined;

const WORLD_TYPES = {
  namespaces: { group: '', resource: 'namespaces' },
  services: { group: '', resource: 'services' },
  pods: { group: '', resource: 'pods' },
  events: { group: '', resource: 'events' },
  deployments: { group: 'apps', resource: 'deployments' },
  replicasets: { group: 'apps', resource: 'replicasets' },
  jobs: { group: 'batch', resource: 'jobs' },
  trafficsplits: { group: 'split.smi-spec.io', resource: 'trafficsplits' },
  httproutes: { group: 'gateway.networking.k8s.io', resource: 'httproutes' },
  endpointslices: { group: 'discovery.k8s.io', resource: 'endpointslices' },
  virtualservices: { group: 'networking.istio.io', resource: 'virtualservices' },
  ingresses: { group: 'networking.k8s.io', resource: 'ingresses' },
  traefikservices: { group: 'traefik.io', resource: 'traefikservices' },
  ingressroutes: { group: 'traefik.io', resource: 'ingressroutes' },
  destinationrules: { group: 'networking.istio.io', resource: 'destinationrules' },
} as const;

export type WorldTypeName = keyof typeof WORLD_TYPES;

/**
 * The store's definition of a world type, or undefined when the store does not serve it (the
 * sandbox was started without SMI or without Gateway API: the mesh then has nothing to read).
 */
export function servedType(store: ObjectStore, name: WorldTypeName): ResourceType | undefined {
  const want = WORLD_TYPES[name];
  return store.types.find((t) => t.group === want.group && t.resource === want.resource);
}

export function requireType(store: ObjectStore, name: WorldTypeName): ResourceType {
  const t = servedType(store, name);
  if (!t) {
    const w = WORLD_TYPES[name];
    throw new Error(`the sandbox store does not serve ${w.resource}${w.group ? '.' + w.group : ''}, which the world needs: build the store from servedTypes() in test/sandbox/api/catalog.ts`);
  }
  return t;
}

/** True when `type` is the world type `name` (same group and resource, any version). */
export function isType(type: ResourceType, name: WorldTypeName): boolean {
  const want = WORLD_TYPES[name];
  return type.group === want.group && type.resource === want.resource;
}
