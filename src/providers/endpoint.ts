/**
 * Where a provider request actually goes: straight to the address, or through the API server's
 * service proxy when the address is an in-cluster name this machine cannot resolve.
 */
import { lookup } from 'node:dns/promises';
import { inClusterTarget, type ServiceProxy } from '../kube/service-proxy.js';
import type { TlsOptions } from './http.js';

/** auto = the service proxy for an in-cluster name that does not resolve here; direct otherwise. */
export type Via = 'auto' | 'direct' | 'proxy';

export const PROXY_NOTE = "(through the Kubernetes API server's service proxy)";

export interface Endpoint {
  /** Replaces the address's origin; the address's path and query go after it. */
  baseUrl: string;
  headers: Record<string, string>;
  tls: TlsOptions;
  proxied: boolean;
}

export type EndpointOutcome = { ok: true; endpoint: Endpoint } | { ok: false; message: string };

export interface EndpointOptions {
  via?: Via;
  serviceProxy?: ServiceProxy;
  /** Whether a host name resolves on this machine; defaults to a DNS lookup. */
  resolvesHost?: (host: string) => Promise<boolean>;
}

export class EndpointResolver {
  private readonly via: Via;
  private readonly resolves = new Map<string, Promise<boolean>>();

  constructor(private readonly options: EndpointOptions = {}) {
    this.via = options.via ?? 'auto';
  }

  /** `label` names the object in messages, e.g. `Prometheus http://prometheus.monitoring.svc:80`. */
  async resolve(url: URL, directTls: TlsOptions, label: string): Promise<EndpointOutcome> {
    const direct: EndpointOutcome = { ok: true, endpoint: { baseUrl: url.origin, headers: {}, tls: directTls, proxied: false } };
    if (this.via === 'direct') return direct;
    const target = inClusterTarget(url);
    if (!target) {
      if (this.via === 'auto') return direct;
      return { ok: false, message: `${label}: the service proxy needs an in-cluster address such as http://NAME.NAMESPACE.svc:PORT` };
    }
    if (this.via === 'auto' && (await this.hostResolves(url.hostname))) return direct;
    if (!this.options.serviceProxy) {
      return {
        ok: false,
        message: `${label} is an in-cluster address that does not resolve here, and there is no kubeconfig to reach it through the Kubernetes API server's service proxy: pass a reachable address with --prometheus-address (e.g. after kubectl port-forward)`,
      };
    }
    const route = this.options.serviceProxy.route(target);
    const tls: TlsOptions = { insecure: route.insecure ?? false, ca: route.ca, cert: route.cert, key: route.key };
    return { ok: true, endpoint: { baseUrl: route.baseUrl.replace(/\/+$/, ''), headers: { ...route.headers }, tls, proxied: true } };
  }

  private hostResolves(host: string): Promise<boolean> {
    let known = this.resolves.get(host);
    if (!known) {
      const check = this.options.resolvesHost ?? ((h: string) => lookup(h).then(() => true, () => false));
      known = check(host);
      this.resolves.set(host, known);
    }
    return known;
  }
}
