/**
 * The sandbox's object storage: what etcd + the generic registry are to a real API server.
 * In-process controllers (deployments, mesh) use it directly; the HTTP layer serves it to clients.
 */
export type K8sObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
};

/** One served resource type, as discovery describes it. */
export interface ResourceType {
  group: string; // '' for the core group
  versions: string[]; // served versions; the first is the preferred one
  resource: string; // plural, e.g. 'deployments'
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Has a /status subresource: writes to the main resource keep status, /status writes keep spec. */
  statusSubresource?: boolean;
  /** Verbs for discovery. */
  verbs?: string[];
  /**
   * Carries metadata.generation, bumped on spec changes. Unset: types with a status subresource
   * and every non-core type do (the store's original rule); Pods, Services and Leases set false.
   */
  generation?: boolean;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: K8sObject;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}
