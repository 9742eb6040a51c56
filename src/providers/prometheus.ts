/**
 * The Prometheus provider (Argo metricproviders/prometheus): an instant query at now, or a range
 * query; auth from the metric (headers, basicAuth, oauth2) or from canary's own options (bearer
 * token, CA file); in-cluster addresses through the API server's service proxy. Every failure is
 * a `{ ok: false }` result whose message names the address and quotes Prometheus.
 */
import { readFile } from 'node:fs/promises';
import { evalTime } from '../expr/index.js';
import type { PrometheusSpec, Sigv4Spec } from '../manifests/types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import { call, parseHttpUrl, type CallHints } from './call.js';
import { EndpointResolver, PROXY_NOTE, type Endpoint, type Via } from './endpoint.js';
import { DEFAULT_MAX_BODY_BYTES, errorText, setHeader, type HttpRequest, type TlsOptions } from './http.js';
import { AwsCredentialChain } from './aws/credential-chain.js';
import { sign, uriEncode, type AwsCredentials } from './aws/sigv4.js';
import { authorizationCredential, hideCredentials } from './settings.js';
import { pingWithRetries, PING_TIMEOUT_MS } from './ping.js';
import { OAuth2Tokens } from './oauth2.js';
import { formatWarnings, readQueryResponse } from './prometheus-response.js';
import type { ProviderDefinition } from './definition.js';
import type { ProviderResult } from '../analysis/provider.js';
import type { ServiceProxy } from '../kube/service-proxy.js';

/** The address a metric is queried at: --prometheus-address, else its own, else ARGO_ROLLOUTS_PROMETHEUS_ADDRESS. */
export function addressOf(spec: { address: string | null }, o: PrometheusFlags): string | null {
  return o.addressOverride || spec.address || o.addressFallback || null;
}

export const prometheus: ProviderDefinition<'prometheus', PrometheusFlags> = {
  kind: 'prometheus',
  endpoint: (spec, o) => {
    const address = addressOf(spec, o);
    return address && !address.includes('{{') ? address : null;
  },
  describe: (spec, o) =>
    `prometheus ${addressOf(spec, o) ?? '(address from --prometheus-address / ARGO_ROLLOUTS_PROMETHEUS_ADDRESS)'}${spec.sigv4 ? ' (SigV4-signed)' : ''}\n  query: ${spec.query}${spec.rangeQuery ? `\n  range: ${spec.rangeQuery.start} .. ${spec.rangeQuery.end} step ${formatDuration(spec.rangeQuery.stepMs)}` : ''}`,
  permissions: () => [],
  create: ({ clock, via, serviceProxy, resolvesHost, env }, o) => {
    const p = new PrometheusProvider({ ...o, clock, via, env, ...(serviceProxy ? { serviceProxy } : {}), ...(resolvesHost ? { resolvesHost } : {}) });
    return {
      measure: (spec, signal) => p.measure(spec, signal),
      ping: async (spec, signal) => {
        const address = addressOf(spec, o) ?? '';
        // The metric's headers and auth may hold args not resolved yet: canary's own credentials only (and SigV4's, written without args).
        const sigv4 = spec.sigv4 && !JSON.stringify(spec.sigv4).includes('{{') ? spec.sigv4 : null;
        const problem = await p.ping(
          { kind: 'prometheus', address, query: 'vector(1)', timeoutMs: PING_TIMEOUT_MS, insecure: spec.insecure, headers: [], basicAuth: null, oauth2: null, rangeQuery: null, sigv4 },
          signal,
        );
        return problem ? { ok: false, message: problem, hint: 'check the address, or pass --prometheus-address' } : { ok: true, message: `${address} answers` };
      },
    };
  },
};

/** canary's own Prometheus settings, from its flags and environment. */
export interface PrometheusFlags {
  /** `--prometheus-address`: replaces the address of every metric. */
  addressOverride?: string;
  /** `ARGO_ROLLOUTS_PROMETHEUS_ADDRESS`: used when a metric has no address. */
  addressFallback?: string;
  /** `CANARY_PROMETHEUS_TOKEN`: sent as a Bearer token unless the metric sets its own Authorization. */
  bearerToken?: string;
  /** `--prometheus-ca-file`: PEM bundle trusted for https addresses. */
  caFile?: string;
}

export interface PrometheusOptions extends PrometheusFlags {
  via?: Via;
  /** Where AWS settings are read for authentication.sigv4 (AWS_REGION, AWS_PROFILE, keys...). */
  env?: NodeJS.ProcessEnv;
  serviceProxy?: ServiceProxy;
  resolvesHost?: (host: string) => Promise<boolean>;
  clock?: Clock;
  /** Answers larger than this are refused rather than read whole (default 10 MB). */
  maxBodyBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const TRANSPORT_HINTS: CallHints = {
  tls: 'set insecure: true on the metric, or trust its CA with --prometheus-ca-file',
  timeout: (after) => `query timed out after ${after}`,
  tooLarge: (limit) => `query failed: the answer is larger than ${limit}; aggregate the query (e.g. sum by (...)) so it returns fewer series`,
  failed: 'query failed',
};

export class PrometheusProvider {
  private readonly clock: Clock;
  private readonly endpoints: EndpointResolver;
  private readonly tokens: OAuth2Tokens;
  private readonly aws: AwsCredentialChain;
  private ca: Promise<{ ok: true; pem: Buffer } | { ok: false; message: string }> | null = null;

  constructor(private readonly options: PrometheusOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.endpoints = new EndpointResolver({ via: options.via, serviceProxy: options.serviceProxy, resolvesHost: options.resolvesHost });
    this.tokens = new OAuth2Tokens(this.clock);
    this.aws = new AwsCredentialChain({ env: options.env ?? {}, clock: this.clock });
  }

  /** One measurement. Rejects only when `signal` aborts. */
  async measure(spec: PrometheusSpec, signal: AbortSignal): Promise<ProviderResult> {
    const metadata: Record<string, string> = { resolvedQuery: spec.query };
    const fail = (message: string): ProviderResult => ({ ok: false, message, metadata });

    const address = this.options.addressOverride || spec.address || this.options.addressFallback || null;
    if (!address) {
      return fail('prometheus address is not configured: set provider.prometheus.address, ARGO_ROLLOUTS_PROMETHEUS_ADDRESS or --prometheus-address');
    }
    const url = parseHttpUrl(address);
    if (!url) return fail(`prometheus address "${address}" is not a URL with a scheme and host, e.g. http://prometheus.monitoring.svc:9090`);
    const shown = address.replace(/\/+$/, '');
    const direct = await this.directTls(spec.insecure);
    if (!direct.ok) return fail(`Prometheus ${shown}: ${direct.message}`);
    const resolved = await this.endpoints.resolve(url, direct.tls, `Prometheus ${shown}`);
    if (!resolved.ok) return fail(resolved.message);
    const endpoint = resolved.endpoint;
    const label = endpoint.proxied ? `Prometheus ${shown} ${PROXY_NOTE}` : `Prometheus ${shown}`;

    const timeoutMs = spec.timeoutMs > 0 ? spec.timeoutMs : DEFAULT_TIMEOUT_MS;
    const headers = await this.headers(spec, direct.tls, timeoutMs, signal);
    if (!headers.ok) return fail(`${label}: ${headers.message}`);
    for (const [k, v] of Object.entries(endpoint.headers)) setHeader(headers.headers, k, v);

    const request = this.request(spec, url, endpoint);
    if (!request.ok) return fail(`${label}: ${request.message}`);
    let req: HttpRequest = { method: 'GET', url: request.url, params: request.params, headers: headers.headers, timeoutMs, tls: endpoint.tls, maxBodyBytes: this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES };
    // The credentials a request carries that are no argument the run's redactor knows (an oauth2
    // token, canary's own bearer token, SigV4's session token): hidden should a server quote them back.
    let sent: string[] = [authorizationCredential(headers.headers)];
    if (spec.sigv4) {
      const signed = await this.sign(spec.sigv4, req, signal);
      if (!signed.ok) return fail(`${label}: ${signed.message}`);
      req = signed.request;
      sent = [...sent, signed.credentials.secretAccessKey, signed.credentials.sessionToken ?? ''];
    }
    const res = await call(label, req, this.clock, signal, TRANSPORT_HINTS);
    if (!res.ok) return { ...fail(hideCredentials(res.message, sent)), ...(res.transient ? { transient: res.transient } : {}) };
    const answer = readQueryResponse(res.status, res.statusText, res.contentType, res.body);
    if (!answer.ok) return { ...fail(hideCredentials(`${label}: query failed: ${answer.message}`, sent)), ...(res.transient ? { transient: res.transient } : {}) };
    if (answer.warnings.length > 0) metadata['warnings'] = formatWarnings(answer.warnings);
    return { ok: true, value: answer.value, valueText: answer.valueText, metadata };
  }

  /** Preflight: can `vector(1)` be queried? null when yes, else what went wrong (transient failures asked again, see ping.ts). */
  ping(spec: PrometheusSpec, signal: AbortSignal = new AbortController().signal): Promise<string | null> {
    return pingWithRetries(() => this.measure({ ...spec, query: 'vector(1)', rangeQuery: null }, signal), this.clock, signal);
  }

  /**
   * authentication.sigv4 (Amazon Managed Prometheus): the request signed for service `aps` with the
   * AWS credential chain's credentials (the profile's, or the role assumed with them). The query
   * string is written here in SigV4's own encoding, so what is signed is exactly what is sent.
   */
  private async sign(sigv4: Sigv4Spec, req: HttpRequest, signal: AbortSignal): Promise<{ ok: true; request: HttpRequest; credentials: AwsCredentials } | { ok: false; message: string }> {
    const region = await this.aws.region(sigv4.region, sigv4.profile);
    if (!region) return { ok: false, message: 'SigV4: no AWS region: set authentication.sigv4.region or AWS_REGION' };
    const found = await this.aws.credentials(sigv4.profile, sigv4.roleArn, region, signal);
    if (!found.ok) return { ok: false, message: `SigV4: ${found.message}` };
    const url = new URL(req.url);
    const query = Object.entries(req.params ?? {});
    const headers = { ...req.headers };
    const signed = sign(
      { method: req.method, path: url.pathname, query, headers: [['Host', url.host]], body: '' },
      { credentials: found.credentials, region, service: 'aps', now: this.clock.now() },
    );
    for (const [k, v] of Object.entries(signed.headers)) setHeader(headers, k, v);
    const search = query.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&');
    const { params: _sent, ...rest } = req;
    return { ok: true, request: { ...rest, url: `${url.origin}${url.pathname}${search ? `?${search}` : ''}`, headers }, credentials: found.credentials };
  }

  private request(
    spec: PrometheusSpec,
    url: URL,
    endpoint: Endpoint,
  ): { ok: true; url: string; params: Record<string, string> } | { ok: false; message: string } {
    const base = endpoint.baseUrl + url.pathname.replace(/\/+$/, '');
    const now = this.clock.now();
    if (!spec.rangeQuery) return { ok: true, url: `${base}/api/v1/query`, params: { query: spec.query, time: seconds(now) } };
    const times: number[] = [];
    for (const field of ['start', 'end'] as const) {
      try {
        times.push(evalTime(spec.rangeQuery[field], now));
      } catch (err) {
        return { ok: false, message: `failed to parse rangeQuery.${field} as time: ${errorText(err)}` };
      }
    }
    const step = spec.rangeQuery.stepMs;
    if (!(step > 0)) return { ok: false, message: `rangeQuery.step must be a positive duration, got ${formatDuration(step)}` };
    return {
      ok: true,
      url: `${base}/api/v1/query_range`,
      params: { query: spec.query, start: seconds(times[0]!), end: seconds(times[1]!), step: String(step / 1000) },
    };
  }

  /** Authorization, lowest precedence first: canary's token, the metric's headers, basicAuth, oauth2. */
  private async headers(
    spec: PrometheusSpec,
    tls: TlsOptions,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<{ ok: true; headers: Record<string, string> } | { ok: false; message: string }> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.options.bearerToken) setHeader(headers, 'Authorization', `Bearer ${this.options.bearerToken}`);
    for (const h of spec.headers) setHeader(headers, h.key, h.value);
    if (spec.basicAuth) {
      const pair = `${spec.basicAuth.username}:${spec.basicAuth.password}`;
      setHeader(headers, 'Authorization', `Basic ${Buffer.from(pair).toString('base64')}`);
    }
    if (spec.oauth2) {
      const token = await this.tokens.token(spec.oauth2, tls, timeoutMs, signal);
      if (!token.ok) return token;
      setHeader(headers, 'Authorization', `Bearer ${token.token}`);
    }
    return { ok: true, headers };
  }

  private async directTls(insecure: boolean): Promise<{ ok: true; tls: TlsOptions } | { ok: false; message: string }> {
    if (!this.options.caFile) return { ok: true, tls: { insecure } };
    const file = this.options.caFile;
    this.ca ??= readFile(file).then(
      (pem) => ({ ok: true as const, pem }),
      (err: unknown) => ({ ok: false as const, message: `cannot read the CA file ${file}: ${errorText(err)}` }),
    );
    const ca = await this.ca;
    return ca.ok ? { ok: true, tls: { insecure, ca: ca.pem } } : ca;
  }
}

/** Prometheus takes times as Unix seconds with a fraction. */
function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
