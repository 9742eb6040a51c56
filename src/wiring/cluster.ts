/**
 * The commands' front door to a cluster: `connect()` finds it like kubectl (validating --context
 * before any client exists) and hands out the adapters for one rollout (src/kube's, and the router
 * from src/routing's registry), all sharing one client (deadline, retries, typed errors), one clock
 * and one holder identity.
 *
 *   const cluster = connect({ kubeconfig, context, namespace: flags.namespace, clock: systemClock });
 *   const ns = cluster.namespaceFor(rollout.namespace);
 *   const lock = cluster.lock(rollout.name, ns);  // lock.identity is the run's owner
 */
import type { TrafficRouter } from '../engine/ports.js';
import { cachedClient } from '../kube/cached-client.js';
import { KubeClient } from '../kube/client.js';
import { diskDiscoveryCache, type DiscoveryCache } from '../kube/discovery-cache.js';
import { KubeEventRecorder } from '../kube/events.js';
import { holderIdentity } from '../kube/identity.js';
import { loadKubeconfig, resolveNamespace, type LoadedKubeconfig } from '../kube/kubeconfig.js';
import { LeaseLock } from '../kube/lease.js';
import type { RetryPolicy } from '../kube/retry.js';
import { KubeSecretReader } from '../kube/secrets.js';
import { kubeServiceProxy, type ServiceProxy } from '../kube/service-proxy.js';
import { ConfigMapStateStore } from '../kube/state-store.js';
import { kubeTransport } from '../kube/transport.js';
import { viewClient } from '../kube/view-client.js';
import { KubeWorkloads } from '../kube/workloads.js';
import type { ResolvedRollout, RolloutSpec } from '../manifests/types.js';
import { routeOf } from '../routing/registry.js';
import { canaryCacheHome } from '../util/cache-home.js';
import type { Clock } from '../util/clock.js';
import { messageOf } from '../util/errors.js';

export interface ConnectOptions {
  /** --kubeconfig */
  kubeconfig?: string;
  /** --context */
  context?: string;
  /** -n / --namespace */
  namespace?: string;
  /** --request-timeout in ms (default 30 s). */
  requestTimeoutMs?: number;
  clock: Clock;
  /** Default process.env (KUBECONFIG, HOME, CI variables for the holder identity). */
  env?: NodeJS.ProcessEnv;
  /** Non-fatal trouble (a watch that keeps failing, Events that cannot be written), once per message. */
  warn?: (message: string) => void;
  retry?: Partial<RetryPolicy>;
  /** One line per API request (`CANARY_TRACE=1`). */
  trace?: (line: string) => void;
}

export interface Cluster {
  readonly kubeconfig: LoadedKubeconfig;
  readonly client: KubeClient;
  /** user@host pid N [CI job URL]: the Lease holder and the run's owner. */
  readonly identity: string;
  /** -n, else the Rollout's metadata.namespace, else the context's namespace, else `default`. */
  namespaceFor(rolloutNamespace: string | null): string;
  workloads(rollout: ResolvedRollout, namespace: string, options?: { adopt?: boolean }): KubeWorkloads;
  /** null without trafficRouting (replica-weighted) and for blue-green. */
  router(rollout: Pick<RolloutSpec, 'name' | 'strategy'>, namespace: string, options?: { adopt?: boolean }): TrafficRouter | null;
  stateStore(rollout: string, namespace: string): ConfigMapStateStore;
  lock(rollout: string, namespace: string, options?: { durationSeconds?: number }): LeaseLock;
  events(rollout: string, namespace: string): KubeEventRecorder;
  secrets(): KubeSecretReader;
  /** Resolves the credentials once (exec plugins run here); they are refreshed in the background. */
  serviceProxy(): Promise<ServiceProxy>;
  /**
   * The same cluster for a process that reads the same objects again and again (a runner): the
   * workloads, the router and the state store read from watches (kube/cached-client.ts) until
   * `signal` aborts. The Lease, Events and Secrets are read and written directly.
   */
  watching(signal: AbortSignal): Cluster;
  /**
   * The same cluster for a one-shot view (`canary status`): reads made at the same moment share one
   * request, and an API group's versions come from the disk cache (kube/view-client.ts). Not for a
   * process that writes: it must see its own writes and the versions served now.
   */
  viewing(): Cluster;
}

export function connect(options: ConnectOptions): Cluster {
  const env = options.env ?? process.env;
  const loaded = loadKubeconfig({
    env,
    ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context !== undefined ? { context: options.context } : {}),
  });
  const client = new KubeClient(kubeTransport(loaded.kc, options.trace ? { trace: options.trace } : {}), {
    clock: options.clock,
    context: loaded.context,
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const identity = holderIdentity(env);
  const warn = options.warn ?? (() => undefined);
  return clusterOf(loaded, client, client, identity, options, warn);
}

/** On disk under the command's $HOME (XDG_CACHE_HOME): none without one, as for a test's own environment. */
function discoveryCache(options: ConnectOptions, server: string): DiscoveryCache {
  const env = options.env ?? process.env;
  const home = canaryCacheHome(env, env.HOME ?? '');
  return home ? diskDiscoveryCache(home, server, () => options.clock.now()) : { get: () => null, put: () => undefined, forget: () => undefined };
}

/** The adapters over `reads` (the plain client, or one reading from watches); the Lease always on `direct`. */
function clusterOf(loaded: LoadedKubeconfig, direct: KubeClient, reads: KubeClient, identity: string, options: ConnectOptions, warn: (m: string) => void): Cluster {
  const client = reads;
  const warned = new Set<string>();
  const onWatchError = (err: unknown) => {
    const m = `a watch keeps failing (reads answer its last state meanwhile): ${messageOf(err)}`;
    if (!warned.has(m)) warn(m);
    warned.add(m);
  };
  return {
    kubeconfig: loaded,
    client,
    identity,
    namespaceFor: (rolloutNamespace) => resolveNamespace({ flag: options.namespace ?? null, rollout: rolloutNamespace, context: loaded.namespace }),
    workloads: (rollout, namespace, o = {}) => new KubeWorkloads({ client, namespace, rollout, adopt: o.adopt ?? false, warn }),
    router: (rollout, namespace, o = {}) => routeOf(rollout, namespace).create(client, { adopt: o.adopt ?? false }),
    stateStore: (rollout, namespace) => new ConfigMapStateStore({ client, namespace, rollout, warn }),
    lock: (rollout, namespace, o = {}) =>
      new LeaseLock({ client: direct, namespace, rollout, identity, clock: options.clock, ...(o.durationSeconds !== undefined ? { durationSeconds: o.durationSeconds } : {}) }),
    events: (rollout, namespace) => new KubeEventRecorder({ client: direct, namespace, rollout, clock: options.clock, instance: identity.split(' ')[0]!, warn }),
    secrets: () => new KubeSecretReader(direct),
    serviceProxy: () => kubeServiceProxy(loaded.kc, { clock: options.clock }),
    watching: (signal) => clusterOf(loaded, direct, cachedClient(direct, signal, { onError: onWatchError }), identity, options, warn),
    viewing: () => clusterOf(loaded, direct, viewClient(reads, discoveryCache(options, loaded.server)), identity, options, warn),
  };
}
