/**
 * The sandbox's world on a real control plane: Kubernetes' own kube-apiserver, controller manager
 * and etcd (control-plane.ts), the projects' published CRDs (crds/), examples/rbac.yaml's
 * ServiceAccount with a token from TokenRequest, Linkerd's proxy injector as a mutating webhook,
 * and the node agent (agent/): a replica of the cluster in a sandbox ObjectStore on which the
 * world's kubelet, mesh, load and real Prometheus run.
 *
 *   const sb = await startRealSandbox({ scenario: 'seed' });
 *   // KUBECONFIG=sb.kubeconfigPath canary run examples/seed ...   (as ServiceAccount apps/canary)
 *   await sb.close();
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { catalog, servedTypes, type ServedApis } from '../sandbox/api/catalog.js';
import { objectPath, type Cluster } from '../sandbox/cluster.js';
import { ObjectStore } from '../sandbox/store/store.js';
import type { K8sObject, ResourceType } from '../sandbox/store/types.js';
import { NODE_NAME } from '../sandbox/world/deployments/kubelet.js';
import type { ImageTable } from '../sandbox/world/images.js';
import { startWorld, type LoadSpec, type World } from '../sandbox/world/index.js';

export type { Cluster } from '../sandbox/cluster.js';
import { hasSeedWorld, layOutPrometheusObjects, layOutScenario, SEED, type Scenario } from '../sandbox/world/scenario.js';
import { Applier, readManifests } from './agent/apply.js';
import { startEgressProxy, type EgressTarget } from './agent/egress.js';
import { startInjector, registerInjector } from './agent/injector.js';
import { Kube, KubeError } from './agent/kube.js';
import { Mirror } from './agent/mirror.js';
import { registerNode } from './agent/node.js';
import { startControlPlane, type ControlPlane } from './control-plane.js';

/** What the published CRDs serve (test/cluster/crds/): linkerd-smi's TrafficSplit, Gateway API's standard channel, Istio's VirtualService and DestinationRule. */
export const REAL_APIS: Required<ServedApis> = { smi: ['v1alpha1', 'v1alpha2'], gatewayApi: ['v1', 'v1beta1'], istio: ['v1', 'v1beta1', 'v1alpha3'], traefik: ['v1alpha1'] };
/** What a test gets unless it asks: the routers of the seed and the Gateway API example (Istio's and Traefik's CRDs are large and only their tests need them). */
const DEFAULT_APIS: ServedApis = { smi: REAL_APIS.smi, gatewayApi: REAL_APIS.gatewayApi };

export interface RealSandboxOptions {
  scenario?: Scenario;
  /** Which CRDs to install: each of `smi` and `gatewayApi` must be the published versions (REAL_APIS) or empty. */
  apis?: ServedApis;
  prometheus?: boolean;
  load?: false | LoadSpec;
  podStartDelayMs?: number;
  crashBackoffMs?: number;
  images?: ImageTable;
  seed?: number;
  /** Where to write the ServiceAccount's kubeconfig; default a temporary directory removed by close(). */
  kubeconfigPath?: string;
  /** Also write the cluster admin's kubeconfig (system:masters) here; default only in the control plane's temporary directory. */
  adminKubeconfigPath?: string;
  log?: (message: string) => void;
}

export interface RealSandbox extends Cluster {
  backend: 'real';
  controlPlane: ControlPlane;
  kube: Kube;
  mirror: Mirror;
}

/** Types replicated from the real API server: what the world and the e2e harness read. */
const MIRRORED = ['namespaces', 'services', 'pods', 'endpointslices', 'deployments', 'replicasets', 'jobs', 'configmaps', 'leases', 'events', 'trafficsplits', 'httproutes', 'virtualservices', 'destinationrules', 'ingresses', 'traefikservices', 'ingressroutes'] as const;

export async function startRealSandbox(options: RealSandboxOptions = {}): Promise<RealSandbox> {
  const scenario = options.scenario ?? 'seed';
  const apis = checkApis(options.apis ?? DEFAULT_APIS);
  const log = options.log ?? ((m: string) => process.stderr.write(`sandbox: ${m}\n`));
  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  };
  try {
    const cp = await startControlPlane({ log });
    cleanups.push(() => cp.close());
    const kube = new Kube({ server: cp.url, caPem: cp.pki.caPem, certPem: cp.pki.adminCertPem, keyPem: cp.pki.adminKeyPem });
    cleanups.push(() => kube.close());
    const applier = new Applier(kube);

    await installCrds(kube, applier, apis);
    await registerNode(kube, NODE_NAME);

    // The replica of the cluster that the world and the proxy injector read.
    const types = servedTypes(apis);
    types.push(catalog.endpointslices);
    const store = new ObjectStore(types);
    const mirrored = MIRRORED.map((name) => types.find((t) => t.resource === catalog[name].resource && t.group === catalog[name].group)).filter((t): t is (typeof types)[number] => !!t);
    const mirror = new Mirror({ kube, store, types: mirrored, log });
    cleanups.push(() => mirror.close());
    await mirror.start();
    const injector = await startInjector(store, { certPem: await readFile(cp.pki.files.serverCert, 'utf8'), keyPem: await readFile(cp.pki.files.serverKey, 'utf8') }, log);
    cleanups.push(() => injector.close());
    await registerInjector(kube, injector.url, cp.pki.caPem);

    // The scenario's objects, as the sandbox lays them out, created through the API.
    const scratch = new ObjectStore(servedTypes(apis));
    layOutScenario(scratch, scenario);
    for (const ns of [SEED.namespace, SEED.monitoring]) if (!scratch.tryGet(catalog.namespaces, null, ns)) scratch.create(catalog.namespaces, null, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    if (options.prometheus !== false) layOutPrometheusObjects(scratch);
    for (const t of [catalog.namespaces, catalog.services]) for (const o of scratch.list(t, null).items) await applier.create(fresh(t, o));
    // Pods need their namespace's `default` ServiceAccount (the ServiceAccount admission plugin), and
    // the injector reads the namespace's linkerd.io/inject annotation from the replica.
    for (const ns of scratch.list(catalog.namespaces, null).items) {
      await until(async () => (await kube.request('GET', `/api/v1/namespaces/${ns.metadata.name}/serviceaccounts/default`)).status === 200, `ServiceAccount ${ns.metadata.name}/default`);
      await mirror.until(`namespace ${ns.metadata.name}`, () => !!store.tryGet(catalog.namespaces, null, ns.metadata.name));
    }
    for (const o of scratch.list(catalog.deployments, null).items) await applier.create(fresh(catalog.deployments, o));

    // examples/rbac.yaml verbatim, and a token for its ServiceAccount.
    await applier.createFile(repoFile('examples/rbac.yaml'));
    const token = await serviceAccountToken(kube, SEED.namespace, 'canary');

    const world = await startWorld({
      store,
      controllers: false,
      prometheus: options.prometheus === false ? false : {},
      log,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.images ? { images: options.images } : {}),
      ...(options.podStartDelayMs !== undefined ? { podStartDelayMs: options.podStartDelayMs } : {}),
      ...(options.crashBackoffMs !== undefined ? { crashBackoffMs: options.crashBackoffMs } : {}),
    });
    cleanups.push(() => world.close());

    const egress = await startEgressProxy(cp.egressSocket, (ip, port) => egressTarget(store, world, ip, port), log);
    cleanups.push(() => egress.close());

    const kubeconfig = tokenKubeconfig(cp.url, cp.pki.caPem, token, SEED.namespace);
    let kubeconfigPath = options.kubeconfigPath;
    if (!kubeconfigPath) {
      const dir = await mkdtemp(join(tmpdir(), 'canary-real-sandbox-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      kubeconfigPath = join(dir, 'kubeconfig');
    }
    await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
    if (options.adminKubeconfigPath) await writeFile(options.adminKubeconfigPath, cp.adminKubeconfig, { mode: 0o600 });

    const waitFor = [...(hasSeedWorld(scenario) ? [`${SEED.namespace}/${SEED.client}`] : []), ...(options.prometheus !== false ? [`${SEED.monitoring}/${SEED.prometheusService}`] : [])];
    await world.waitForDeployments(waitFor, 60_000 + (options.podStartDelayMs ?? 0) * 2);

    const loadSpec = options.load ?? (hasSeedWorld(scenario) ? { rps: 10, path: '/get' } : false);
    const load = loadSpec === false ? undefined : world.startLoad(loadSpec);
    // Blue-green: the dependant service calls the preview too, so prePromotionAnalysis has traffic to judge.
    if (loadSpec !== false && scenario === 'blue-green') world.startLoad({ ...loadSpec, to: `${SEED.namespace}/${SEED.previewService}` });

    const settle = (type: ResourceType, ns: string | null, name: string, rv: string) =>
      mirror.until(`${type.resource} ${ns ? `${ns}/` : ''}${name} at resourceVersion ${rv}`, () => mirror.hasSeen(type, ns, name, rv));
    return {
      backend: 'real',
      store,
      kubeconfig,
      kubeconfigPath,
      world,
      mesh: world.mesh,
      load,
      prometheus: world.prometheus,
      startLoad: (spec) => world.startLoad(spec),
      controlPlane: cp,
      adminKubeconfigPath: options.adminKubeconfigPath ?? cp.adminKubeconfigPath,
      kube,
      mirror,
      settle: () => mirror.sync(),
      async create(type, namespace, obj) {
        const stored = await applier.create({ apiVersion: obj.apiVersion ?? groupVersionOf(type), kind: obj.kind ?? type.kind, ...obj }, namespace ?? undefined);
        await settle(type, namespace, stored.metadata.name, stored.metadata.resourceVersion ?? '0');
        return store.get(type, namespace, stored.metadata.name);
      },
      async mutate(type, namespace, name, fn) {
        const path = objectPath(type, namespace ?? undefined, name);
        // The world's controllers write status meanwhile (Linkerd's policy controller on routes): a
        // 409 means read again and redo the change, as a controller's update loop does.
        for (let attempt = 1; ; attempt++) {
          const current = await kube.must<K8sObject>('GET', path);
          const next = fn(current) ?? current;
          const answer = await kube.request('PUT', path, next);
          if (answer.status === 409 && attempt < 5) continue;
          if (answer.status < 200 || answer.status > 299) throw new KubeError('PUT', path, answer.status, answer.body);
          const stored = await answer.json<K8sObject>();
          await settle(type, namespace, name, stored.metadata.resourceVersion ?? '0');
          break;
        }
        return store.get(type, namespace, name);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

function checkApis(apis: ServedApis): ServedApis {
  for (const [key, published] of [['smi', REAL_APIS.smi], ['gatewayApi', REAL_APIS.gatewayApi], ['istio', REAL_APIS.istio], ['traefik', REAL_APIS.traefik]] as const) {
    const want = apis[key] ?? [];
    if (want.length && (want.length !== published.length || want.some((v) => !(published as readonly string[]).includes(v)))) {
      throw new Error(`the real control plane installs the published CRDs as they are: ${key} serves ${published.join(', ')} (asked for ${want.join(', ')}); pass those or none`);
    }
  }
  return apis;
}

/** test/cluster/crds/<project>-<version>/*.yaml, applied and waited for (Established). */
async function installCrds(kube: Kube, applier: Applier, apis: ServedApis): Promise<void> {
  const dir = join(repoFile('test/cluster/crds'));
  const wanted = (await readdir(dir)).filter(
    (d) => (d.startsWith('linkerd-smi-') && apis.smi?.length) || (d.startsWith('gateway-api-') && apis.gatewayApi?.length) || (d.startsWith('istio-') && apis.istio?.length) || (d.startsWith('traefik-') && apis.traefik?.length),
  );
  const names: string[] = [];
  for (const d of wanted) {
    for (const f of (await readdir(join(dir, d))).filter((x) => x.endsWith('.yaml')).sort()) {
      for (const crd of await readManifests(join(dir, d, f))) {
        if (crd.kind !== 'CustomResourceDefinition') continue;
        await applier.create(crd);
        names.push(crd.metadata.name);
      }
    }
  }
  for (const name of names) {
    await until(async () => {
      const crd = await kube.must<{ status?: { conditions?: { type: string; status: string }[] } }>('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      return (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
    }, `CRD ${name} Established`);
  }
}

async function serviceAccountToken(kube: Kube, namespace: string, name: string): Promise<string> {
  const answer = await kube.must<{ status: { token: string } }>('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 86_400 },
  });
  return answer.status.token;
}

function tokenKubeconfig(server: string, caPem: string, token: string, namespace: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'canary-test-cluster', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: `system:serviceaccount:${SEED.namespace}:canary`, user: { token } }],
    contexts: [{ name: 'canary-test-cluster', context: { cluster: 'canary-test-cluster', user: `system:serviceaccount:${SEED.namespace}:canary`, namespace } }],
    'current-context': 'canary-test-cluster',
  });
}

/** Who serves a pod IP for the API server's service proxy. */
function egressTarget(store: ObjectStore, world: World, ip: string, port: number): EgressTarget | undefined {
  const pod = store.list(catalog.pods, null).items.find((p) => (p['status'] as { podIP?: string } | undefined)?.podIP === ip);
  if (!pod) return undefined;
  const ns = pod.metadata.namespace ?? 'default';
  if (ns === SEED.monitoring && pod.metadata.labels?.['app'] === 'prometheus' && world.prometheus) {
    return { kind: 'tcp', port: Number(new URL(world.prometheus.url).port) };
  }
  const handler = world.workloads.kubelet.handler(ns, pod.metadata.name);
  if (!handler) return undefined;
  void port; // any port of a serving pod reaches its one handler, as in the sandbox
  return {
    kind: 'http',
    handle: (req, res) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      handler({ method: req.method ?? 'GET', path: req.url ?? '/', headers }).then(
        (r) => {
          res.writeHead(r.status, r.headers);
          res.end(r.body);
        },
        (err: unknown) => {
          res.writeHead(500).end(String(err));
        },
      );
    },
  };
}

/** An object of the scratch store as a manifest: what the API server assigns is dropped. */
function fresh(type: ResourceType, o: K8sObject): K8sObject {
  const { uid: _u, resourceVersion: _r, creationTimestamp: _c, generation: _g, ...metadata } = o.metadata;
  const out: K8sObject = { ...o, apiVersion: groupVersionOf(type), kind: type.kind, metadata };
  delete out['status'];
  return out;
}

function groupVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.versions[0]}` : type.versions[0]!;
}

/** A file of the repository, found from this module (src or dist) or the cwd. */
export function repoFile(rel: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++, dir = dirname(dir)) if (existsSync(join(dir, rel)) && existsSync(join(dir, 'package.json'))) return join(dir, rel);
  const fromCwd = join(process.cwd(), rel);
  if (existsSync(fromCwd)) return fromCwd;
  throw new Error(`${rel} not found: run from the canary repository`);
}

async function until(ok: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await ok().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`the cluster did not show ${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
