/**
 * The sandbox's world on an ObjectStore: workload controllers and kubelet, the Linkerd-like mesh
 * and its loopback server, optionally a real Prometheus scraping it, and load generators. The API
 * server is composed on top in test/sandbox/index.ts; tests that need no HTTP API use this alone.
 */
import { systemClock, type Clock } from '../../../src/util/clock.js';
import type { ObjectStore } from '../store/store.js';
import type { K8sObject } from '../store/types.js';
import { startWorkloads, type Workloads } from './deployments/index.js';
import type { ImageTable } from './images.js';
import { LoadGenerator, type LoadOptions } from './load.js';
import { Mesh } from './mesh/mesh.js';
import { startMeshServer, type MeshServer } from './mesh/mesh-server.js';
import { startPrometheus, type Prometheus, type PrometheusOptions } from './prometheus.js';
import { requireType, type Admit } from './resources.js';
import type { Log } from './scheduler.js';

export interface WorldOptions {
  store: ObjectStore;
  clock?: Clock;
  /** Seeds every random choice (splits, errors, pod names); same seed, same run. Default 42. */
  seed?: number;
  images?: ImageTable;
  /** Pod creation to Ready, default 200 ms. */
  podStartDelayMs?: number;
  /** CrashLoopBackOff's first back-off, default 10 s (the kubelet's). */
  crashBackoffMs?: number;
  prometheus?: false | Omit<PrometheusOptions, 'targets'>;
  log?: Log;
  /** The API server's defaulting, applied to the ReplicaSets and Pods the controllers create. */
  admit?: Admit;
  /** Run the sandbox's Deployment and ReplicaSet controllers (default true); false where real ones run. */
  controllers?: boolean;
}

export interface LoadSpec {
  rps: number;
  path?: string;
  /** Client Deployment, `namespace/name` (default `apps/dependant-api-service`). */
  from?: string;
  /** Target Service, `namespace/name[:port]` (default `apps/myapp`). */
  to?: string;
  /** Host header (default the Service's cluster name): an Ingress host sends the load through ingress-nginx. */
  host?: string;
  maxRequests?: number;
  durationMs?: number;
  /** A share (0-1) of the requests sent with this header (a tagged cohort for header routes). */
  tag?: { header: string; value: string; share: number };
}

export interface World {
  workloads: Workloads;
  mesh: Mesh;
  meshServer: MeshServer;
  prometheus: Prometheus | undefined;
  /** Starts a bounded load generator; close() stops every one still running. */
  startLoad(spec: LoadSpec): LoadGenerator;
  /** Resolves when these Deployments have all their replicas available. */
  waitForDeployments(names: readonly string[], timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(opts: WorldOptions): Promise<World> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? ((m: string) => process.stderr.write(`sandbox: ${m}\n`));
  const workloads = startWorkloads({
    store: opts.store,
    clock,
    log,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.images ? { images: opts.images } : {}),
    ...(opts.podStartDelayMs !== undefined ? { podStartDelayMs: opts.podStartDelayMs } : {}),
    ...(opts.crashBackoffMs !== undefined ? { crashBackoffMs: opts.crashBackoffMs } : {}),
    ...(opts.admit ? { admit: opts.admit } : {}),
    ...(opts.controllers === false ? { controllers: false } : {}),
  });
  const mesh = new Mesh({ store: opts.store, pods: workloads.kubelet, clock, log, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
  const loads = new Set<LoadGenerator>();
  let meshServer: MeshServer | undefined;
  let prometheus: Prometheus | undefined;
  const close = async () => {
    await Promise.all([...loads].map((l) => l.stop()));
    await prometheus?.stop();
    await meshServer?.close();
    mesh.close();
    workloads.close();
  };
  try {
    meshServer = await startMeshServer(mesh);
    if (opts.prometheus !== false && opts.prometheus !== undefined) {
      prometheus = await startPrometheus({ ...opts.prometheus, targets: [new URL(meshServer.url).host] });
    }
  } catch (err) {
    await close();
    throw err;
  }
  return {
    workloads,
    mesh,
    meshServer,
    prometheus,
    startLoad(spec) {
      const [fromNs, fromName] = splitName(spec.from ?? 'apps/dependant-api-service', 'load.from');
      const [toNs, toRest] = splitName(spec.to ?? 'apps/myapp', 'load.to');
      const [service, port] = toRest.split(':') as [string, string | undefined];
      const options: LoadOptions = {
        mesh,
        clock,
        from: { namespace: fromNs, deployment: fromName },
        to: { namespace: toNs, service, ...(port ? { port: Number(port) } : {}) },
        rps: spec.rps,
        ...(spec.path ? { path: spec.path } : {}),
        ...(spec.host ? { host: spec.host } : {}),
        ...(spec.maxRequests !== undefined ? { maxRequests: spec.maxRequests } : {}),
        ...(spec.durationMs !== undefined ? { durationMs: spec.durationMs } : {}),
        ...(spec.tag ? { tag: { share: spec.tag.share, headers: { [spec.tag.header]: spec.tag.value } } } : {}),
      };
      const load = new LoadGenerator(options).start();
      loads.add(load);
      void load.done.then(() => loads.delete(load));
      return load;
    },
    waitForDeployments: (names, timeoutMs = 30_000) => waitForDeployments(opts.store, names, timeoutMs),
    close,
  };
}

function splitName(s: string, what: string): [string, string] {
  const parts = s.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new Error(`${what}: expected "namespace/name", got ${JSON.stringify(s)}`);
  return [parts[0], parts[1]];
}

/** Waits on store changes (no polling) until every named `namespace/name` Deployment is available. */
function waitForDeployments(store: ObjectStore, names: readonly string[], timeoutMs: number): Promise<void> {
  const type = requireType(store, 'deployments');
  const available = () =>
    names.every((n) => {
      const [ns, name] = splitName(n, 'deployment');
      const d = store.tryGet(type, ns, name);
      return d !== undefined && isAvailable(d);
    });
  if (available()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const stop = store.onChange(() => {
      if (!available()) return;
      stop();
      clearTimeout(timer);
      resolve();
    });
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`Deployments ${names.join(', ')} not available after ${timeoutMs} ms`));
    }, timeoutMs);
  });
}

function isAvailable(d: K8sObject): boolean {
  const spec = (d['spec'] ?? {}) as { replicas?: number };
  const status = (d['status'] ?? {}) as { availableReplicas?: number; updatedReplicas?: number; observedGeneration?: number };
  const want = spec.replicas ?? 1;
  return (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) && (status.availableReplicas ?? 0) >= want && (status.updatedReplicas ?? 0) >= want;
}
