/**
 * How the HTTP providers reach their backend: the address resolved (straight, or through the API
 * server's service proxy for an in-cluster name this machine cannot resolve), then one call with
 * a deadline and a capped body (call.ts). The label names the backend in every message.
 */
import type { Clock } from '../util/clock.js';
import { call, type CallHints, type Reply } from './call.js';
import { EndpointResolver, PROXY_NOTE, type Via } from './endpoint.js';
import { setHeader } from './http.js';
import type { ServiceProxy } from '../kube/service-proxy.js';

export interface TransportOptions {
  clock: Clock;
  via: Via;
  serviceProxy?: ServiceProxy;
  resolvesHost?: (host: string) => Promise<boolean>;
}

export interface Send {
  method: 'GET' | 'POST';
  /** Appended to the address's own path, e.g. `/render`. */
  path: string;
  params?: Record<string, string>;
  /** A query string already encoded (Graphite's), used instead of params. */
  rawQuery?: string;
  body?: string;
  headers: Record<string, string>;
  timeoutMs: number;
  insecure: boolean;
}

export class ProviderTransport {
  readonly clock: Clock;
  private readonly endpoints: EndpointResolver;

  constructor(options: TransportOptions) {
    this.clock = options.clock;
    this.endpoints = new EndpointResolver({ via: options.via, serviceProxy: options.serviceProxy, resolvesHost: options.resolvesHost });
  }

  /** `label` names the backend (`Graphite http://graphite:8080`); the label returned adds how it was reached. */
  async send(label: string, address: URL, req: Send, signal: AbortSignal, hints: CallHints): Promise<{ label: string; reply: Reply }> {
    const resolved = await this.endpoints.resolve(address, { insecure: req.insecure }, label);
    if (!resolved.ok) return { label, reply: { ok: false, message: resolved.message, transient: null } };
    const e = resolved.endpoint;
    const shown = e.proxied ? `${label} ${PROXY_NOTE}` : label;
    const headers = { ...req.headers };
    for (const [k, v] of Object.entries(e.headers)) setHeader(headers, k, v);
    const url = `${e.baseUrl}${address.pathname.replace(/\/+$/, '')}${req.path}${req.rawQuery !== undefined ? `?${req.rawQuery}` : ''}`;
    const reply = await call(shown, { method: req.method, url, ...(req.params ? { params: req.params } : {}), ...(req.body !== undefined ? { body: req.body } : {}), headers, timeoutMs: req.timeoutMs, tls: e.tls }, this.clock, signal, hints);
    return { label: shown, reply };
  }
}
