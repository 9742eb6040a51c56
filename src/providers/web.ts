/**
 * Argo's web provider: one HTTP request, the JSON answer (or the text, when it is not JSON) is the
 * result, narrowed by `jsonPath`. In-cluster URLs go through the API server's service proxy like
 * Prometheus addresses do. Every failure is a `{ ok: false }` result naming the URL.
 */
import type { WebSpec } from '../manifests/types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { EndpointResolver, PROXY_NOTE, type Via } from './endpoint.js';
import { call } from './call.js';
import { DEFAULT_MAX_BODY_BYTES, looksLikeHtml, setHeader, snippet } from './http.js';
import type { PingResult, ProviderDefinition } from './definition.js';
import { compileJsonPath, selectFirst } from './json-path.js';
import { OAuth2Tokens } from './oauth2.js';
import { authorizationCredential, hideCredentials } from './settings.js';
import type { ProviderResult } from '../analysis/provider.js';
import type { ServiceProxy } from '../kube/service-proxy.js';

export const web: ProviderDefinition<'web', Record<string, never>> = {
  kind: 'web',
  endpoint: (spec) => (spec.url.includes('{{') ? null : spec.url),
  describe: (spec) => `web ${spec.method} ${spec.url}${spec.jsonPath ? ` jsonPath ${spec.jsonPath}` : ''}`,
  permissions: () => [],
  create: ({ clock, via, serviceProxy, resolvesHost }) => {
    const w = new WebProvider({ clock, via, ...(serviceProxy ? { serviceProxy } : {}), ...(resolvesHost ? { resolvesHost } : {}) });
    return { measure: (spec, signal) => w.measure(spec, signal), ping: (spec) => w.ping(spec) };
  },
};

export interface WebOptions {
  via?: Via;
  serviceProxy?: ServiceProxy;
  resolvesHost?: (host: string) => Promise<boolean>;
  clock?: Clock;
  maxBodyBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class WebProvider {
  private readonly clock: Clock;
  private readonly endpoints: EndpointResolver;
  private readonly tokens: OAuth2Tokens;

  constructor(private readonly options: WebOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.tokens = new OAuth2Tokens(this.clock);
    this.endpoints = new EndpointResolver({ via: options.via, serviceProxy: options.serviceProxy, resolvesHost: options.resolvesHost });
  }

  /**
   * Preflight: the URL can be reached (directly, or through the service proxy). No request is sent:
   * a web metric's request (a POST, a write to a test system) may not be safe to repeat.
   */
  async ping(spec: WebSpec): Promise<PingResult> {
    let url: URL;
    try {
      url = new URL(spec.url);
    } catch {
      return { ok: false, message: `web metric url "${spec.url}" is not a URL with a scheme and host`, hint: 'fix the url in the AnalysisTemplate' };
    }
    const resolved = await this.endpoints.resolve(url, { insecure: spec.insecure }, `web ${spec.url}`);
    if (!resolved.ok) return { ok: false, message: resolved.message, hint: 'use an address this machine reaches, or run with a kubeconfig' };
    return { ok: true, message: `${spec.url}${resolved.endpoint.proxied ? ` ${PROXY_NOTE}` : ''}: not asked before the run (a web request may not be safe to repeat)` };
  }

  /** One measurement. Rejects only when `signal` aborts. */
  async measure(spec: WebSpec, signal: AbortSignal): Promise<ProviderResult> {
    const metadata: Record<string, string> = {};
    const fail = (message: string): ProviderResult => ({ ok: false, message, metadata });
    let url: URL;
    try {
      url = new URL(spec.url);
    } catch {
      return fail(`web metric url "${spec.url}" is not a URL with a scheme and host`);
    }
    if (spec.body !== null && spec.jsonBody !== null) return fail(`web ${spec.url}: use either body or jsonBody, not both`);
    if ((spec.body !== null || spec.jsonBody !== null) && spec.method === 'GET') {
      return fail(`web ${spec.url}: body and jsonBody can only be sent with method POST or PUT`);
    }
    const path = compileJsonPath(spec.jsonPath ?? '{$}');
    if (!path.ok) return fail(`web ${spec.url}: ${path.message}`);

    const resolved = await this.endpoints.resolve(url, { insecure: spec.insecure }, `web ${spec.url}`);
    if (!resolved.ok) return fail(resolved.message);
    const endpoint = resolved.endpoint;
    const label = endpoint.proxied ? `web ${spec.url} ${PROXY_NOTE}` : `web ${spec.url}`;

    const headers: Record<string, string> = {};
    for (const h of spec.headers) setHeader(headers, h.key, h.value);
    const body = spec.jsonBody !== null ? JSON.stringify(spec.jsonBody) : (spec.body ?? undefined);
    if (spec.jsonBody !== null) setHeader(headers, 'Content-Type', 'application/json');
    for (const [k, v] of Object.entries(endpoint.headers)) setHeader(headers, k, v);

    const timeoutMs = spec.timeoutMs > 0 ? spec.timeoutMs : DEFAULT_TIMEOUT_MS;
    if (spec.oauth2) {
      // As Argo's oauth2 client transport: the token's Authorization replaces one set in headers.
      const token = await this.tokens.token(spec.oauth2, { insecure: spec.insecure }, timeoutMs, signal);
      if (!token.ok) return fail(`${label}: ${token.message}`);
      setHeader(headers, 'Authorization', `Bearer ${token.token}`);
    }
    const res = await call(
      label,
      { method: spec.method, url: endpoint.baseUrl + url.pathname + url.search, body, headers, timeoutMs, tls: endpoint.tls, maxBodyBytes: this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES },
      this.clock,
      signal,
      { tls: 'set insecure: true on the metric to skip verification', timeout: (after) => `no answer within ${after} (timeoutSeconds)` },
    );
    // An oauth2 token is no argument the run's redactor knows: hidden should the server quote it back.
    const hide = (m: string) => hideCredentials(m, [authorizationCredential(headers)]);
    if (!res.ok) return fail(hide(res.message));
    if (res.status < 200 || res.status >= 300) {
      const detail = looksLikeHtml(res.contentType, res.body) ? '(an HTML page)' : snippet(res.body);
      return fail(hide(`${label}: received non 2xx response code: ${res.status} ${res.statusText}${detail ? `: ${detail}` : ''}`));
    }
    let data: unknown;
    try {
      data = JSON.parse(res.body);
    } catch {
      // Not JSON: like Argo, the text itself is the result.
      return { ok: true, value: res.body, valueText: res.body, metadata };
    }
    const selected = selectFirst(data, path.segments);
    if (!selected.ok) return fail(`${label}: could not find jsonPath ${spec.jsonPath ?? '{$}'} in the answer: ${selected.message}`);
    return { ok: true, value: selected.value, valueText: JSON.stringify(selected.value) ?? 'null', metadata, json: true };
  }
}
