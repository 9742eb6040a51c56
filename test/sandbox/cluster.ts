/**
 * What scripts and the e2e harness use of a running cluster, on either backend: the in-process
 * sandbox (`startSandbox`) or the real control plane (`startRealSandbox` in test/cluster). `store`
 * holds the cluster's objects (on the real backend, a replica kept current by watches), and writes
 * made as a cluster admin go through `create`/`mutate` so that they reach the real API server there.
 */
import type { Sandbox } from './index.js';
import type { ObjectStore } from './store/store.js';
import type { K8sObject, ResourceType } from './store/types.js';
import type { LoadSpec, World } from './world/index.js';
import type { LoadGenerator } from './world/load.js';
import type { Mesh } from './world/mesh/mesh.js';
import type { Prometheus } from './world/prometheus.js';

export interface Cluster {
  backend: 'sandbox' | 'real';
  store: ObjectStore;
  kubeconfig: string;
  kubeconfigPath: string;
  /** A cluster admin's kubeconfig (the sandbox has one identity, so the same file there). */
  adminKubeconfigPath: string;
  world: World;
  mesh: Mesh;
  load: LoadGenerator | undefined;
  prometheus: Prometheus | undefined;
  startLoad(spec: LoadSpec): LoadGenerator;
  /**
   * Resolves once `store` shows every write the API server had accepted when it was called (the real
   * backend re-reads the API server; the sandbox's store is the API server's own, so at once).
   */
  settle(): Promise<void>;
  /** Creates an object as a cluster admin would (`kubectl create`); resolves once `store` shows it. */
  create(type: ResourceType, namespace: string | null, obj: K8sObject): Promise<K8sObject>;
  /** Read-modify-write as a cluster admin; resolves once `store` shows the change. */
  mutate(type: ResourceType, namespace: string | null, name: string, fn: (obj: K8sObject) => K8sObject | void): Promise<K8sObject>;
  close(): Promise<void>;
}

/** The in-process sandbox as a Cluster: admin writes go straight to its store. */
export function sandboxCluster(sb: Sandbox): Cluster & { sandbox: Sandbox } {
  return {
    backend: 'sandbox',
    sandbox: sb,
    store: sb.store,
    kubeconfig: sb.kubeconfig,
    kubeconfigPath: sb.kubeconfigPath,
    adminKubeconfigPath: sb.kubeconfigPath,
    world: sb.world,
    mesh: sb.mesh,
    load: sb.load,
    prometheus: sb.prometheus,
    startLoad: (spec) => sb.startLoad(spec),
    settle: async () => undefined,
    create: async (type, namespace, obj) => sb.store.create(type, namespace, obj),
    mutate: async (type, namespace, name, fn) => sb.store.mutate(type, namespace, name, fn),
    close: () => sb.close(),
  };
}
