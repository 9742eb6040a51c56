/**
 * What scripts and the e2e harness use of a running cluster, on either backend: the in-process
 * sandbox (`startSandbox`) or the real control plane (`startRealSandbox` in test/cluster). `store`
 * holds the cluster's objects (on the real backend, a replica kept current by watches), and writes
 * made as a cluster admin go through `create`/`mutate` so that they reach the real API server there.
 */
import http from 'node:http';
import https from 'node:https';
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

/** `/api/v1/namespaces/apps/configmaps`, `/apis/apps/v1/deployments`: a type's collection (preferred version). */
export function collectionPath(type: ResourceType, namespace?: string | null): string {
  const version = type.versions[0]!;
  const base = type.group ? `/apis/${type.group}/${version}` : `/api/${version}`;
  return namespace && type.namespaced ? `${base}/namespaces/${namespace}/${type.resource}` : `${base}/${type.resource}`;
}

export function objectPath(type: ResourceType, namespace: string | null | undefined, name: string): string {
  return `${collectionPath(type, namespace)}/${encodeURIComponent(name)}`;
}

/**
 * The in-process sandbox as a Cluster: admin writes go through its API server (defaults, CRD
 * schemas and validation apply, as on the real control plane), with its token.
 */
export function sandboxCluster(sb: Sandbox): Cluster & { sandbox: Sandbox } {
  const call = (method: string, path: string, body?: unknown): Promise<K8sObject> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const url = new URL(path, sb.api.url);
      const req = (url.protocol === 'https:' ? https : http).request(url, { method, ...(sb.api.caPem ? { ca: sb.api.caPem } : {}), headers: { authorization: `Bearer ${sb.api.token}`, accept: 'application/json', ...(payload ? { 'content-type': 'application/json' } : {}) } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += String(d)));
        res.on('end', () => ((res.statusCode ?? 0) < 300 ? resolve(JSON.parse(text) as K8sObject) : reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`))));
      });
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
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
    create: (type, namespace, obj) => call('POST', collectionPath(type, namespace), obj),
    mutate: async (type, namespace, name, fn) => {
      const current = await call('GET', objectPath(type, namespace, name));
      return call('PUT', objectPath(type, namespace, name), fn(current) ?? current);
    },
    close: () => sb.close(),
  };
}
