/**
 * A small meshed world for mesh and load tests: namespace `apps` (Linkerd injection on), the client
 * Deployment `dependant-api-service`, `myapp-stable` and `myapp-canary` Deployments with a `track`
 * label, and the seed's three Services (canary and stable selecting by track, as canary sets them).
 */
import type { Clock } from '../../../../src/util/clock.js';
import type { ObjectStore } from '../../store/store.js';
import type { K8sObject } from '../../store/types.js';
import { startWorkloads, type Workloads } from '../deployments/index.js';
import type { ImageTable } from '../images.js';
import { Mesh } from '../mesh/mesh.js';
import { deployment, isReady, namespace, newStore, podsOf, service, T, waitFor } from './helpers.js';

export const NAME = 'app.kubernetes.io/name';
export const CLIENT = 'dependant-api-service';

export interface MeshWorld {
  store: ObjectStore;
  workloads: Workloads;
  mesh: Mesh;
  close(): void;
}

export interface MeshWorldOptions {
  clock?: Clock;
  stableImage?: string;
  canaryImage?: string;
  canaryReplicas?: number;
  images?: ImageTable;
  /** Inject the client namespace (default true). */
  meshedClient?: boolean;
  /** The store serves EndpointSlices (as the real control plane's replica does): the mesh routes by them. */
  endpointSlices?: boolean;
}

export function appDeployment(track: 'stable' | 'canary', image: string, replicas: number): K8sObject {
  return deployment(`myapp-${track}`, { replicas, image, labels: { [NAME]: 'myapp', track } });
}

export function startMeshWorld(opts: MeshWorldOptions = {}): MeshWorld {
  const now = opts.clock ? () => new Date(opts.clock!.now()) : undefined;
  const store = newStore(now);
  if (opts.endpointSlices) store.addType(T.endpointslices);
  namespace(store, 'apps', { 'linkerd.io/inject': 'enabled' });
  namespace(store, 'clients', opts.meshedClient === false ? undefined : { 'linkerd.io/inject': 'enabled' });
  const errors: string[] = [];
  const log = (m: string) => errors.push(m);
  const workloads = startWorkloads({ store, podStartDelayMs: 1, log, ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.images ? { images: opts.images } : {}) });
  const mesh = new Mesh({ store, pods: workloads.kubelet, log, ...(opts.clock ? { clock: opts.clock } : {}) });
  store.create(T.deployments, 'clients', deployment(CLIENT, { ns: 'clients', replicas: 2, image: 'buoyantio/slow_cooker:1.3.0' }));
  store.create(T.deployments, 'apps', appDeployment('stable', opts.stableImage ?? 'ghcr.io/mccutchen/go-httpbin:2.17', 2));
  store.create(T.deployments, 'apps', appDeployment('canary', opts.canaryImage ?? 'ghcr.io/mccutchen/go-httpbin:2.17.1', opts.canaryReplicas ?? 2));
  store.create(T.services, 'apps', service('myapp', { [NAME]: 'myapp' }));
  store.create(T.services, 'apps', service('myapp-stable', { [NAME]: 'myapp', track: 'stable' }));
  store.create(T.services, 'apps', service('myapp-canary', { [NAME]: 'myapp', track: 'canary' }));
  return {
    store,
    workloads,
    mesh,
    close() {
      mesh.close();
      workloads.close();
      if (errors.length) throw new Error(`world logged errors: ${errors.join('; ')}`);
    },
  };
}

/** Waits (in real time) until every pod of the fixture is Ready. */
export async function ready(w: MeshWorld, canaryReplicas = 2): Promise<void> {
  await waitFor(w.store, 'all pods Ready', () =>
    podsOf(w.store, 'clients', { app: CLIENT }).filter(isReady).length === 2 &&
    podsOf(w.store, 'apps', { [NAME]: 'myapp', track: 'stable' }).filter(isReady).length === 2 &&
    podsOf(w.store, 'apps', { [NAME]: 'myapp', track: 'canary' }).filter(isReady).length === canaryReplicas,
  );
}

export function trafficSplit(version: 'v1alpha1' | 'v1alpha2', stable: number | string, canary: number | string): K8sObject {
  return {
    apiVersion: `split.smi-spec.io/${version}`,
    kind: 'TrafficSplit',
    metadata: { name: 'myapp', namespace: 'apps' },
    spec: { service: 'myapp', backends: [{ service: 'myapp-stable', weight: stable }, { service: 'myapp-canary', weight: canary }] },
  };
}

export function httpRoute(stable: number, canary: number, group: 'core' | '' = 'core'): K8sObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'myapp', namespace: 'apps' },
    spec: {
      parentRefs: [{ group, kind: 'Service', name: 'myapp', port: 80 }],
      rules: [{ backendRefs: [{ name: 'myapp-stable', port: 80, weight: stable }, { name: 'myapp-canary', port: 80, weight: canary }] }],
    },
  };
}

/** Sends `n` sequential requests from the client and counts answers per backend Service and per pod. */
export async function send(mesh: Mesh, n: number, path = '/get'): Promise<{ byBackend: Record<string, number>; byPod: Record<string, number>; byStatus: Record<string, number> }> {
  const byBackend: Record<string, number> = {};
  const byPod: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const r = await mesh.request({ from: { namespace: 'clients', deployment: CLIENT }, namespace: 'apps', service: 'myapp', path });
    if (r.outcome === 'no-source' || r.outcome === 'unresolved') throw new Error(`request ${i}: ${r.outcome}`);
    if (r.outcome !== 'no-backend') byBackend[r.backend.service] = (byBackend[r.backend.service] ?? 0) + 1;
    if (r.outcome === 'response') byPod[r.pod] = (byPod[r.pod] ?? 0) + 1;
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  }
  return { byBackend, byPod, byStatus };
}
