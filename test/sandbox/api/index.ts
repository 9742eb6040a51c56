/**
 * The sandbox's Kubernetes API server: the ObjectStore served over HTTPS (or HTTP) on 127.0.0.1
 * with the REST, watch, discovery, authentication, authorization and service-proxy behaviour
 * that @kubernetes/client-node and kubectl rely on, plus fault injection and request accounting
 * for reliability tests. See README.md in this folder.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { ObjectStore } from '../store/store.js';
import { Authorizer, type AuthorizerOptions } from './authorizer.js';
import { catalog } from './catalog.js';
import { ClusterIpAllocator } from './defaults.js';
import { Faults } from './faults.js';
import type { ServerContext } from './handlers/context.js';
import { kubeconfigYaml } from './kubeconfig.js';
import { handleRequest } from './pipeline.js';
import { ServiceProxy } from './proxy.js';
import { Stats } from './stats.js';
import { serverTls } from './tls.js';
import { WatchHub } from './watch-hub.js';

export { catalog, servedTypes, withVersions, type CatalogType, type ServedApis, type SmiVersion, type GatewayApiVersion, type IstioVersion, type TraefikVersion } from './catalog.js';
export { ALLOW_ALL, Authorizer, type AccessRule, type ResourceAttributes } from './authorizer.js';
export { Faults, type Fault, type FaultFilter } from './faults.js';
export { Stats, type RequestLogEntry, type StatsSnapshot } from './stats.js';
export { ServiceProxy } from './proxy.js';

export interface ApiServerOptions {
  store: ObjectStore;
  /** 0 (default) picks a free port. The host is always 127.0.0.1. */
  port?: number;
  /** 'auto' (default): HTTPS with a CA made by openssl (once per process), plain HTTP when openssl is missing. */
  tls?: 'auto' | 'off';
  /** The bearer token clients must send; default: a random one. */
  token?: string;
  /** The authenticated user's name and the rules that authorize it; default: canary-user, allow everything. */
  authorizer?: AuthorizerOptions;
  /** Serve aggregated discovery (apidiscovery.k8s.io/v2) at /api and /apis; default true. */
  aggregatedDiscovery?: boolean;
  /** How often watches with allowWatchBookmarks get a BOOKMARK; default 5000 ms. */
  bookmarkIntervalMs?: number;
  /** Seed of the fault-injection PRNG; default 1. */
  faultSeed?: number;
  /** Requests kept in the request log; default 1000. */
  requestLogLimit?: number;
  /** Namespaces that exist from the start, as on a new cluster; default default, kube-system, kube-public, kube-node-lease. */
  namespaces?: string[];
  /** The clock for Table ages and deletion timestamps; default the system clock. */
  now?: () => Date;
  /** The openssl binary; default `openssl` on PATH. */
  openssl?: string;
}

export interface KubeconfigOptions {
  namespace?: string;
  contextName?: string;
  clusterName?: string;
  userName?: string;
}

export interface ApiServer {
  /** `https://127.0.0.1:PORT` (or http:// without TLS). */
  url: string;
  /** The CA that signed the server certificate (PEM); absent without TLS. */
  caPem?: string;
  token: string;
  /** A kubeconfig (YAML) for this server: certificate-authority-data, the token, one context. */
  kubeconfig(options?: KubeconfigOptions): string;
  writeKubeconfig(path: string, options?: KubeconfigOptions): Promise<void>;
  faults: Faults;
  stats: Stats;
  serviceProxy: ServiceProxy;
  authorizer: Authorizer;
  store: ObjectStore;
  /** Watch streams open right now. */
  openWatches(): number;
  /** Ends every watch, closes every socket and the listener; nothing is left running. */
  close(): Promise<void>;
}

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { store } = options;
  const tls = options.tls === 'off' ? undefined : await serverTls(options.openssl);
  const token = options.token ?? randomBytes(24).toString('hex');
  const authorizer = new Authorizer(options.authorizer);
  const faults = new Faults(options.faultSeed ?? 1);
  const stats = new Stats(options.requestLogLimit ?? 1000);
  const proxy = new ServiceProxy();
  const watches = new WatchHub();
  faults.cutter = (match) => watches.cut(match);
  const now = options.now ?? (() => new Date());
  const ctx: ServerContext = {
    store,
    authorizer,
    watches,
    ips: new ClusterIpAllocator(() => clusterIpsInUse(store)),
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 5000,
    now,
  };
  bootstrapNamespaces(store, options.namespaces ?? DEFAULT_NAMESPACES);

  let address = '';
  const pipeline = {
    ctx,
    token,
    authorizer,
    faults,
    stats,
    proxy,
    serverAddress: () => address,
    aggregatedDiscovery: options.aggregatedDiscovery ?? true,
  };
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    void handleRequest(pipeline, req, res);
  };
  const server = tls ? https.createServer({ key: tls.keyPem, cert: tls.certPem }, listener) : http.createServer(listener);
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // TLS handshakes that fail (a client that does not trust the CA) must not take the server down.
  server.on('tlsClientError', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  address = `127.0.0.1:${port}`;
  const url = `${tls ? 'https' : 'http'}://${address}`;

  const kubeconfig = (o: KubeconfigOptions = {}): string =>
    kubeconfigYaml({
      server: url,
      ...(tls ? { caPem: tls.caPem } : {}),
      token,
      user: o.userName ?? authorizer.user,
      clusterName: o.clusterName ?? 'canary-sandbox',
      contextName: o.contextName ?? 'canary-sandbox',
      ...(o.namespace ? { namespace: o.namespace } : {}),
    });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      faults.clear();
      watches.endAll();
      server.close(() => resolve());
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
    }));

  return {
    url,
    ...(tls ? { caPem: tls.caPem } : {}),
    token,
    kubeconfig,
    writeKubeconfig: (path, o) => writeFile(path, kubeconfig(o), { mode: 0o600 }),
    faults,
    stats,
    serviceProxy: proxy,
    authorizer,
    store,
    openWatches: () => watches.size,
    close,
  };
}

function bootstrapNamespaces(store: ObjectStore, names: string[]): void {
  const nsType = store.types.find((t) => t.group === '' && t.resource === 'namespaces');
  if (!nsType) return;
  for (const name of names) {
    if (store.tryGet(nsType, null, name)) continue;
    store.create(nsType, null, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }
}

function clusterIpsInUse(store: ObjectStore): Set<string> {
  const used = new Set<string>();
  if (!store.types.some((t) => t.group === '' && t.resource === 'services')) return used;
  for (const svc of store.list(catalog.services, null).items) {
    const ip = (svc['spec'] as { clusterIP?: string } | undefined)?.clusterIP;
    if (ip) used.add(ip);
  }
  return used;
}
