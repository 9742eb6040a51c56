/**
 * A Linkerd-like mesh over the sandbox's pods. A request leaves a client pod, its proxy picks a
 * backend Service (TrafficSplit / HTTPRoute weights, or the Service itself), then a Ready pod
 * selected by that Service's selector as it is right now, and calls the pod's handler. Both proxies
 * count what they saw in Linkerd's metrics: the client's as `direction="outbound"` with the
 * backend actually chosen as `dst_service`, the server's as `direction="inbound"`.
 *
 * Splitting happens in the client's proxy: requests from unmeshed clients (no injection) go to
 * the Service itself and are counted only inbound, as on a real cluster. An HTTPRoute rule's
 * RequestMirror filter makes the client's proxy send a copy of `percent` of the requests to the
 * mirror Service, counted as any request, its answer dropped (mirrors(): the copies in flight).
 */
import { systemClock, type Clock } from '../../../../src/util/clock.js';
import type { ObjectStore } from '../../store/store.js';
import { selectorObjectMatches } from '../../store/selectors.js';
import type { K8sObject } from '../../store/types.js';
import { isMeshed, PROXY_DEPLOYMENT_LABEL } from '../deployments/mesh-injection.js';
import type { Handler, HttpResponse } from '../httpbin.js';
import { forkRandom, type Random } from '../random.js';
import type { Log } from '../scheduler.js';
import { LinkerdMetrics, type Labels } from './linkerd-metrics.js';
import { pickBackend, resolveRoute, type Backend } from './routing.js';
import { RouteStatusController } from './route-status.js';
import { MeshView } from './view.js';

export type Source =
  /** A Ready pod of this Deployment, round robin (a client Deployment's replicas share its load). */
  | { namespace: string; deployment: string }
  /** One named pod. */
  | { namespace: string; pod: string }
  /** Outside the mesh (an ingress without a proxy, the API server's service proxy). */
  | { external: true };

export interface MeshRequest {
  from: Source;
  namespace: string;
  service: string;
  port?: number;
  method?: string;
  /** Path and query, e.g. `/status/500`. */
  path: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export type MeshResult =
  /** A pod answered (any status, including the 500s of a bad release). */
  | { outcome: 'response'; status: number; response: HttpResponse; backend: Backend; pod: string; latencyMs: number; meshedClient: boolean }
  /** The chosen backend Service has no Ready pod (or does not exist): the proxy answers 503. */
  | { outcome: 'no-endpoints'; status: 503; backend: Backend; latencyMs: number; meshedClient: boolean }
  /** An HTTPRoute rule whose backend weights are all zero: nothing may receive it, 500. */
  | { outcome: 'no-backend'; status: 500; latencyMs: number }
  /** The client Deployment has no Ready pod: nothing was sent. */
  | { outcome: 'no-source' }
  /** The Service does not exist: the client's DNS lookup fails before any proxy sees it. */
  | { outcome: 'unresolved' };

export interface PodHandlers {
  handler(namespace: string, pod: string): Handler | undefined;
}

export interface MeshOptions {
  store: ObjectStore;
  pods: PodHandlers;
  clock?: Clock;
  seed?: number;
  log?: Log;
}

export class Mesh {
  readonly metrics = new LinkerdMetrics();
  private readonly view: MeshView;
  private readonly routeStatus: RouteStatusController;
  private readonly clock: Clock;
  private readonly splitRandom: Random;
  private readonly endpointRandom: Random;
  private readonly latencyRandom: Random;
  private readonly mirrorRandom: Random;
  private readonly mirroring = new Set<Promise<void>>();
  private readonly roundRobin = new Map<string, number>();

  constructor(private readonly opts: MeshOptions) {
    const seed = opts.seed ?? 42;
    this.clock = opts.clock ?? systemClock;
    this.splitRandom = forkRandom(seed, 'mesh-split');
    this.endpointRandom = forkRandom(seed, 'mesh-endpoints');
    this.latencyRandom = forkRandom(seed, 'mesh-latency');
    this.mirrorRandom = forkRandom(seed, 'mesh-mirror');
    this.view = new MeshView(opts.store);
    this.view.onPodDeleted((pod) => this.metrics.removePod(`${pod.metadata.namespace}/${pod.metadata.name}`));
    this.routeStatus = new RouteStatusController(opts.store, this.clock, opts.log ?? ((m) => process.stderr.write(`sandbox: ${m}\n`)));
    this.routeStatus.start();
  }

  async request(req: MeshRequest): Promise<MeshResult> {
    const source = this.source(req.from);
    if (source === null) return { outcome: 'no-source' };
    const target = { namespace: req.namespace, service: req.service };
    if (!this.view.get('services', req.namespace, req.service)) return { outcome: 'unresolved' };
    const port = req.port ?? 80;
    const method = req.method ?? 'GET';
    const authority = `${req.service}.${req.namespace}.svc.cluster.local:${port}`;
    const headers = { host: authority, ...lower(req.headers ?? {}) };
    const meshedClient = source !== undefined && isMeshed(source.metadata.labels);

    const route = meshedClient
      ? resolveRoute({
          namespace: req.namespace,
          service: req.service,
          port,
          method,
          path: req.path,
          headers,
          trafficSplits: this.view.list('trafficsplits', req.namespace),
          httpRoutes: this.view.list('httproutes', req.namespace),
          virtualServices: this.view.list('virtualservices', req.namespace),
          destinationRules: this.view.list('destinationrules', req.namespace),
          ingresses: this.view.list('ingresses', req.namespace),
          ingressRoutes: this.view.list('ingressroutes', req.namespace),
          traefikServices: this.view.list('traefikservices', req.namespace),
        })
      : ({ kind: 'service' } as const);
    const backend = pickBackend(route, target, this.splitRandom);
    if (route.kind === 'httproute') {
      for (const m of route.mirrors) {
        if (this.mirrorRandom() * 100 < m.percent) this.mirror(source!, authority, m, { method, path: req.path, headers });
      }
    }
    const overhead = 0.3 + this.latencyRandom() * 1.2; // two proxies and loopback, modelled

    if (!backend) {
      this.proxyAnswer(source, meshedClient, authority, target, 500, overhead);
      return { outcome: 'no-backend', status: 500, latencyMs: overhead };
    }
    const pod = this.pickEndpoint(backend);
    const handler = pod && this.opts.pods.handler(backend.namespace, pod.metadata.name);
    if (!pod || !handler) {
      this.proxyAnswer(source, meshedClient, authority, backend, 503, overhead);
      return { outcome: 'no-endpoints', status: 503, backend, latencyMs: overhead, meshedClient };
    }

    const outKey = meshedClient ? this.metrics.request(podKey(source!), { ...podLabels(source!), ...outboundLabels(authority, backend, pod) }) : undefined;
    const inKey = isMeshed(pod.metadata.labels) ? this.metrics.request(podKey(pod), { ...podLabels(pod), ...inboundLabels(authority, meshedClient ? source : undefined) }) : undefined;
    const started = this.clock.now();
    const response = await handler({ method, path: req.path, headers }, req.signal);
    const latencyMs = this.clock.now() - started + overhead;
    if (inKey) this.metrics.response(inKey, response.status, latencyMs - overhead / 2);
    if (outKey) this.metrics.response(outKey, response.status, latencyMs);
    return { outcome: 'response', status: response.status, response, backend, pod: pod.metadata.name, latencyMs, meshedClient };
  }

  /**
   * A Service's Ready pods right now: from its EndpointSlices when the cluster has them (the real
   * control plane, whose endpointslice controller follows canary's selector edits), else from the
   * Service's selector (the sandbox, which has no EndpointSlice controller).
   */
  endpoints(namespace: string, service: string): K8sObject[] {
    if (this.view.serves('endpointslices')) return this.sliceEndpoints(namespace, service);
    const svc = this.view.get('services', namespace, service);
    const selector = (svc?.['spec'] as { selector?: Record<string, string> } | undefined)?.selector;
    // A Service without a selector has no automatic endpoints.
    if (!selector || Object.keys(selector).length === 0) return [];
    const out: K8sObject[] = [];
    for (const pod of this.view.list('pods', namespace)) {
      if (pod.metadata.deletionTimestamp || !ready(pod)) continue;
      const labels = pod.metadata.labels ?? {};
      if (Object.entries(selector).every(([k, v]) => labels[k] === v)) out.push(pod);
    }
    return out.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  }

  private sliceEndpoints(namespace: string, service: string): K8sObject[] {
    const names = new Set<string>();
    for (const slice of this.view.list('endpointslices', namespace)) {
      if (slice.metadata.labels?.['kubernetes.io/service-name'] !== service) continue;
      const endpoints = (slice['endpoints'] ?? []) as { conditions?: { ready?: boolean | null }; targetRef?: { kind?: string; name?: string } }[];
      // discovery.k8s.io/v1: an unset `ready` means ready.
      for (const ep of endpoints) if (ep.conditions?.ready !== false && ep.targetRef?.kind === 'Pod' && ep.targetRef.name) names.add(ep.targetRef.name);
    }
    const out: K8sObject[] = [];
    for (const name of names) {
      const pod = this.view.get('pods', namespace, name);
      if (pod && !pod.metadata.deletionTimestamp && ready(pod)) out.push(pod);
    }
    return out.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  }

  /** Resolves once every mirrored copy sent so far has been answered (and its answer dropped). */
  async mirrors(): Promise<void> {
    while (this.mirroring.size > 0) await Promise.all([...this.mirroring]);
  }

  /** A copy of the request to one Ready pod of the mirror Service, from the same client: counted, not answered to anyone. */
  private mirror(source: K8sObject, authority: string, backend: Backend, req: { method: string; path: string; headers: Record<string, string> }): void {
    const pod = this.pickEndpoint(backend);
    const handler = pod && this.opts.pods.handler(backend.namespace, pod.metadata.name);
    const overhead = 0.3 + this.latencyRandom() * 1.2;
    if (!pod || !handler) return this.proxyAnswer(source, true, authority, backend, 503, overhead);
    const outKey = this.metrics.request(podKey(source), { ...podLabels(source), ...outboundLabels(authority, backend, pod) });
    const inKey = isMeshed(pod.metadata.labels) ? this.metrics.request(podKey(pod), { ...podLabels(pod), ...inboundLabels(authority, source) }) : undefined;
    const started = this.clock.now();
    const p = handler(req)
      .then((response) => {
        const latencyMs = this.clock.now() - started + overhead;
        if (inKey) this.metrics.response(inKey, response.status, latencyMs - overhead / 2);
        this.metrics.response(outKey, response.status, latencyMs);
      })
      .catch(() => undefined)
      .finally(() => this.mirroring.delete(p));
    this.mirroring.add(p);
  }

  close(): void {
    this.routeStatus.close();
    this.view.close();
  }

  /** undefined = external caller; null = a named client that has no Ready pod. */
  private source(from: Source): K8sObject | undefined | null {
    if ('external' in from) return undefined;
    if ('pod' in from) {
      const pod = this.view.get('pods', from.namespace, from.pod);
      return pod && ready(pod) ? pod : null;
    }
    const d = this.view.get('deployments', from.namespace, from.deployment);
    const selector = (d?.['spec'] as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector;
    if (!d || !selector) return null;
    const candidates = [...this.view.list('pods', from.namespace)]
      .filter((p) => ready(p) && !p.metadata.deletionTimestamp && selectorObjectMatches(selector, p.metadata.labels ?? {}))
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    if (candidates.length === 0) return null;
    const key = `${from.namespace}/${from.deployment}`;
    const n = this.roundRobin.get(key) ?? 0;
    this.roundRobin.set(key, n + 1);
    return candidates[n % candidates.length]!;
  }

  private pickEndpoint(backend: Backend): K8sObject | undefined {
    const labels = Object.entries(backend.labels ?? {});
    const eps = this.endpoints(backend.namespace, backend.service).filter((p) => labels.every(([k, v]) => p.metadata.labels?.[k] === v));
    if (eps.length === 0) return undefined;
    return eps[Math.floor(this.endpointRandom() * eps.length)]!;
  }

  /** A response the client's proxy made up itself (no endpoint answered). */
  private proxyAnswer(source: K8sObject | undefined, meshed: boolean, authority: string, backend: Backend, status: number, latencyMs: number): void {
    if (!meshed || !source) return;
    const key = this.metrics.request(podKey(source), { ...podLabels(source), ...outboundLabels(authority, backend, undefined) });
    this.metrics.response(key, status, latencyMs);
  }
}

function ready(pod: K8sObject): boolean {
  const s = pod['status'] as { podIP?: string; conditions?: { type: string; status: string }[] } | undefined;
  return !!s?.podIP && (s.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function podKey(pod: K8sObject): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

/** What the linkerd-proxy scrape job adds from the pod: namespace, pod and its linkerd.io/proxy-* labels. */
function podLabels(pod: K8sObject): Record<string, string> {
  const l = pod.metadata.labels ?? {};
  return {
    namespace: pod.metadata.namespace ?? 'default',
    pod: pod.metadata.name,
    ...(l[PROXY_DEPLOYMENT_LABEL] ? { deployment: l[PROXY_DEPLOYMENT_LABEL] } : {}),
    ...(l['pod-template-hash'] ? { pod_template_hash: l['pod-template-hash'] } : {}),
  };
}

function outboundLabels(authority: string, backend: Backend, pod: K8sObject | undefined): Labels {
  const l = pod?.metadata.labels ?? {};
  return {
    direction: 'outbound',
    authority,
    tls: 'true',
    dst_namespace: backend.namespace,
    dst_service: backend.service,
    ...(l[PROXY_DEPLOYMENT_LABEL] ? { dst_deployment: l[PROXY_DEPLOYMENT_LABEL] } : {}),
    ...(l['pod-template-hash'] ? { dst_pod_template_hash: l['pod-template-hash'] } : {}),
    ...(pod ? { dst_serviceaccount: serviceAccount(pod) } : {}),
  };
}

function inboundLabels(authority: string, client: K8sObject | undefined): Labels {
  if (!client) return { direction: 'inbound', authority, tls: 'no_identity', no_tls_reason: 'no_tls_from_remote' };
  return {
    direction: 'inbound',
    authority,
    tls: 'true',
    client_id: `${serviceAccount(client)}.${client.metadata.namespace}.serviceaccount.identity.linkerd.cluster.local`,
  };
}

function serviceAccount(pod: K8sObject): string {
  return ((pod['spec'] as { serviceAccountName?: string } | undefined)?.serviceAccountName) ?? 'default';
}

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}
