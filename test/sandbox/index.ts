/**
 * The sandbox: a local "cluster" on loopback. The API server (test/sandbox/api) serves the store to
 * kubectl and canary; the world (test/sandbox/world) runs Deployments, pods, a Linkerd-like mesh,
 * load and a real Prometheus reachable at monitoring/prometheus-server:80 through the service proxy.
 *
 *   const sb = await startSandbox({ scenario: 'seed' });
 *   // KUBECONFIG=sb.kubeconfigPath canary run examples/seed ...
 *   await sb.close();
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/util/clock.js';
import { startApiServer, servedTypes, type ApiServer, type ApiServerOptions, type ServedApis } from './api/index.js';
import { applyDefaults, ClusterIpAllocator } from './api/defaults.js';
import { ObjectStore } from './store/store.js';
import type { K8sObject } from './store/types.js';
import type { ImageTable } from './world/images.js';
import { startWorld, type LoadSpec, type World } from './world/index.js';
import type { LoadGenerator } from './world/load.js';
import type { Mesh } from './world/mesh/mesh.js';
import type { Prometheus } from './world/prometheus.js';
import { isType, servedType, type Admit } from './world/resources.js';
import { hasSeedWorld, layOutPrometheusObjects, layOutScenario, SEED, type Scenario } from './world/scenario.js';

export type { LoadSpec } from './world/index.js';
export type { Scenario } from './world/scenario.js';

export interface SandboxOptions extends Omit<ApiServerOptions, 'store' | 'now'> {
  /** Optional APIs the cluster serves (default: linkerd-smi's v1alpha1+v1alpha2 and Gateway API v1+v1beta1). */
  apis?: ServedApis;
  /** `seed` (default): the seed article's namespaces, Services, client Deployment and load. `empty`: namespaces only. */
  scenario?: Scenario;
  /** Start a real Prometheus (default true); it must be installed (see test/sandbox/README.md). */
  prometheus?: boolean;
  /** Load from a client Deployment to a Service. Default for `seed`: 10 rps of GET /get from apps/dependant-api-service to apps/myapp; for `empty`: none. */
  load?: false | LoadSpec;
  /** Pod creation to Ready (default 200 ms). */
  podStartDelayMs?: number;
  /** First CrashLoopBackOff delay (default 10 s, the kubelet's). */
  crashBackoffMs?: number;
  /** Image profiles on top of the built-in table (test/sandbox/world/images.ts). */
  images?: ImageTable;
  /** Seeds every random choice in the world (default 42). */
  seed?: number;
  /** Where to write the kubeconfig; default a temporary directory removed by close(). */
  kubeconfigPath?: string;
  /** The world's clock (default the system clock). */
  clock?: Clock;
  /** Where the world reports controller errors (default stderr). */
  log?: (message: string) => void;
}

export interface Sandbox {
  store: ObjectStore;
  api: ApiServer;
  /** The kubeconfig YAML (also written to kubeconfigPath). */
  kubeconfig: string;
  kubeconfigPath: string;
  world: World;
  mesh: Mesh;
  /** The scenario's load generator, if any; more with startLoad(). */
  load: LoadGenerator | undefined;
  prometheus: Prometheus | undefined;
  startLoad(spec: LoadSpec): LoadGenerator;
  /** Stops load, Prometheus, the world and the API server, and removes temporary files. */
  close(): Promise<void>;
}

const DEFAULT_APIS: ServedApis = { smi: ['v1alpha1', 'v1alpha2'], gatewayApi: ['v1', 'v1beta1'] };

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const scenario = options.scenario ?? 'seed';
  const now = options.clock ? () => new Date(options.clock!.now()) : undefined;
  const store = new ObjectStore(servedTypes(options.apis ?? DEFAULT_APIS), now ? { now } : {});
  const ips = new ClusterIpAllocator(() => clusterIps(store));
  const admit: Admit = (kind, obj) => applyDefaults(kind, obj, ips);

  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  };
  try {
    const { apis: _apis, scenario: _s, prometheus: _p, load: _l, podStartDelayMs: _d, crashBackoffMs: _c, images: _i, seed: _seed, kubeconfigPath: _k, clock: _clock, log: _log, ...apiOptions } =
      options;
    const api = await startApiServer({ ...apiOptions, store, ...(now ? { now } : {}) });
    cleanups.push(() => api.close());

    layOutScenario(store, scenario, admit);
    if (options.prometheus !== false) layOutPrometheusObjects(store, admit);

    const world = await startWorld({
      store,
      admit,
      prometheus: options.prometheus === false ? false : {},
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.images ? { images: options.images } : {}),
      ...(options.podStartDelayMs !== undefined ? { podStartDelayMs: options.podStartDelayMs } : {}),
      ...(options.crashBackoffMs !== undefined ? { crashBackoffMs: options.crashBackoffMs } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    cleanups.push(() => world.close());
    cleanups.push(registerServiceProxies(store, api, world));

    const namespace = hasSeedWorld(scenario) ? SEED.namespace : 'default';
    const kubeconfig = api.kubeconfig({ namespace });
    let kubeconfigPath = options.kubeconfigPath;
    if (!kubeconfigPath) {
      const dir = await mkdtemp(join(tmpdir(), 'canary-sandbox-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      kubeconfigPath = join(dir, 'kubeconfig');
    }
    await api.writeKubeconfig(kubeconfigPath, { namespace });

    const waitFor = [
      ...(hasSeedWorld(scenario) ? [`${SEED.namespace}/${SEED.client}`] : []),
      ...(options.prometheus !== false ? [`${SEED.monitoring}/${SEED.prometheusService}`] : []),
    ];
    await world.waitForDeployments(waitFor, 30_000 + (options.podStartDelayMs ?? 0) * 2);

    const loadSpec = options.load ?? (hasSeedWorld(scenario) ? { rps: 10, path: '/get' } : false);
    const load = loadSpec === false ? undefined : world.startLoad(loadSpec);
    // Blue-green: the dependant service calls the preview too, so prePromotionAnalysis has traffic to judge.
    if (loadSpec !== false && scenario === 'blue-green') world.startLoad({ ...loadSpec, to: `${SEED.namespace}/${SEED.previewService}` });

    return {
      store,
      api,
      kubeconfig,
      kubeconfigPath,
      world,
      mesh: world.mesh,
      load,
      prometheus: world.prometheus,
      startLoad: (spec) => world.startLoad(spec),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Every Service port is reachable through the API server's service proxy: Prometheus's Service at
 * the real Prometheus, every other Service at the mesh's entrance (as an unmeshed caller).
 */
function registerServiceProxies(store: ObjectStore, api: ApiServer, world: World): () => void {
  const registered = new Map<string, (() => void)[]>();
  const sync = (svc: K8sObject, gone: boolean) => {
    const ns = svc.metadata.namespace ?? 'default';
    const key = `${ns}/${svc.metadata.name}`;
    for (const undo of registered.get(key) ?? []) undo();
    registered.delete(key);
    if (gone) return;
    const ports = ((svc['spec'] as { ports?: { name?: string; port?: number }[] } | undefined)?.ports ?? []).filter((p) => typeof p.port === 'number');
    const undo: (() => void)[] = [];
    for (const p of ports) {
      const isPrometheus = ns === SEED.monitoring && svc.metadata.name === SEED.prometheusService && world.prometheus;
      const target = isPrometheus ? world.prometheus!.url : world.meshServer.serviceUrl(ns, svc.metadata.name, p.port!);
      undo.push(api.serviceProxy.register(ns, svc.metadata.name, p.port!, target));
      if (p.name) undo.push(api.serviceProxy.register(ns, svc.metadata.name, p.name, target));
    }
    registered.set(key, undo);
  };
  const services = servedType(store, 'services');
  if (services) for (const svc of store.list(services, null).items) sync(svc, false);
  const stop = store.onChange((type, ev) => {
    if (isType(type, 'services')) sync(ev.object, ev.type === 'DELETED');
  });
  return () => {
    stop();
    for (const undos of registered.values()) for (const undo of undos) undo();
    registered.clear();
  };
}

function clusterIps(store: ObjectStore): Set<string> {
  const used = new Set<string>();
  const services = servedType(store, 'services');
  if (!services) return used;
  for (const svc of store.list(services, null).items) {
    const ip = (svc['spec'] as { clusterIP?: string } | undefined)?.clusterIP;
    if (ip) used.add(ip);
  }
  return used;
}
