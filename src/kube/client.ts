/**
 * The one wrapper every adapter uses to talk to the API server. Each call has a deadline
 * (`--request-timeout`), transient failures are retried with backoff on the injected Clock, and
 * every failure becomes a typed error naming the object: forbidden (with the missing permission),
 * API not served (with what to install), unreachable (retryable), or the server's Status.
 * Objects stay plain JSON: nothing is dropped or converted on the way through.
 */
import type { Clock } from '../util/clock.js';
import { ApiCallError, cannotReach, forbidden, notServed, parseStatus, unauthorized, unreachable, type CallInfo } from './errors.js';
import { describeTarget, resourcePath, type ApiResource } from './resources.js';
import { backoffMs, DEFAULT_RETRY, FIRST_CONTACT_ATTEMPTS, isNoServer, isTransientStatus, isTransientTransport, serverDelayMs, type RetryPolicy } from './retry.js';
import { deadline } from './deadline.js';
import { TransportError, type Transport, type WireRequest, type WireResponse } from './transport.js';
import { keepWatching, type KeepWatchingOptions, type WatchTarget } from './watch.js';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export type JsonPatchOp = { op: 'add' | 'replace' | 'test'; path: string; value: unknown } | { op: 'remove'; path: string };

/** Content types set explicitly: client-node would send json-patch by default. */
export type Patch = { type: 'merge'; body: unknown } | { type: 'strategic'; body: unknown } | { type: 'json'; ops: JsonPatchOp[] };

const PATCH_CONTENT_TYPE = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
} as const;

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface KubeClientOptions {
  clock: Clock;
  /** Per attempt; default 30 s (kubectl's --request-timeout). */
  requestTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Jitter source; tests pass a seeded one. */
  random?: () => number;
  /** The kubeconfig context, for messages about rejected credentials. */
  context?: string;
  fieldManager?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent<T = KubeObject> {
  type: WatchEventType;
  object: T;
}

export class KubeClient {
  readonly server: string;
  readonly clock: Clock;
  readonly requestTimeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly random: () => number;
  private readonly fieldManager: string;
  /**
   * Whether the server ever answered. A connection refused (or a name that does not resolve) before
   * that is a wrong address or a cluster that is down, not a blip: it fails within about a second,
   * naming the server instead of the object. Once in contact, the full retry policy rides out restarts.
   */
  private contacted = false;

  constructor(
    readonly transport: Transport,
    readonly options: KubeClientOptions,
  ) {
    this.server = transport.server;
    this.clock = options.clock;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.random = options.random ?? Math.random;
    this.fieldManager = options.fieldManager ?? 'canary';
  }

  get<T = KubeObject>(r: ApiResource, ns: string | null, name: string, signal?: AbortSignal): Promise<T> {
    return this.call<T>(info('get', r, ns, name), r, { method: 'GET', path: resourcePath(r, ns, name) }, signal);
  }

  /** null when the object does not exist (an API that is not served still throws). */
  async tryGet<T = KubeObject>(r: ApiResource, ns: string | null, name: string, signal?: AbortSignal): Promise<T | null> {
    try {
      return await this.get<T>(r, ns, name, signal);
    } catch (err) {
      if (err instanceof ApiCallError && err.status.code === 404) return null;
      throw err;
    }
  }

  list<T = KubeObject>(r: ApiResource, ns: string | null, opts: ListOptions = {}, signal?: AbortSignal): Promise<{ items: T[]; metadata: { resourceVersion?: string } }> {
    return this.call(info('list', r, ns), r, { method: 'GET', path: resourcePath(r, ns), query: { ...opts } }, signal);
  }

  create<T = KubeObject>(r: ApiResource, ns: string | null, body: unknown, signal?: AbortSignal): Promise<T> {
    const name = (body as KubeObject).metadata?.name;
    const wire: WireRequest = { method: 'POST', path: resourcePath(r, ns), query: { fieldManager: this.fieldManager }, body: JSON.stringify(body) };
    return this.call(info('create', r, ns, name), r, wire, signal);
  }

  /** PUT: with metadata.resourceVersion set, a stale copy is refused with 409. */
  replace<T = KubeObject>(r: ApiResource, ns: string | null, name: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const wire: WireRequest = { method: 'PUT', path: resourcePath(r, ns, name), query: { fieldManager: this.fieldManager }, body: JSON.stringify(body) };
    return this.call(info('update', r, ns, name), r, wire, signal);
  }

  patch<T = KubeObject>(r: ApiResource, ns: string | null, name: string, patch: Patch, signal?: AbortSignal): Promise<T> {
    const body = JSON.stringify(patch.type === 'json' ? patch.ops : patch.body);
    const wire: WireRequest = { method: 'PATCH', path: resourcePath(r, ns, name), query: { fieldManager: this.fieldManager }, body, contentType: PATCH_CONTENT_TYPE[patch.type] };
    return this.call(info('patch', r, ns, name), r, wire, signal);
  }

  /** `propagation`: how dependents go (Foreground: the object goes after them; the API server's default is Background). */
  async delete(r: ApiResource, ns: string | null, name: string, signal?: AbortSignal, propagation?: 'Foreground' | 'Background' | 'Orphan'): Promise<void> {
    const wire: WireRequest = { method: 'DELETE', path: resourcePath(r, ns, name), ...(propagation ? { query: { propagationPolicy: propagation } } : {}) };
    await this.call(info('delete', r, ns, name), r, wire, signal);
  }

  /**
   * Makes the next discovery of every API group that was answered from a cache (kube/view-client.ts)
   * ask the server; false when none was, as here: this client always asks.
   */
  forgetCachedDiscovery(): boolean {
    return false;
  }

  /** A non-resource path (`/version`, `/apis/GROUP`); null on 404. */
  async getPath<T>(path: string, signal?: AbortSignal): Promise<T | null> {
    try {
      return await this.call<T>({ verb: 'get', resource: null, namespace: null, what: `GET ${path}` }, null, { method: 'GET', path }, signal);
    } catch (err) {
      if (err instanceof ApiCallError && err.status.code === 404) return null;
      throw err;
    }
  }

  /**
   * One watch stream: events until the server ends it (resolves 'closed') or says the resume point
   * is too old (410: 'expired'). No retries here: watch.ts re-establishes streams.
   */
  async watchOnce<T = KubeObject>(
    r: ApiResource,
    ns: string | null,
    opts: ListOptions & { resourceVersion?: string; timeoutSeconds: number },
    onEvent: (e: WatchEvent<T>) => void,
    signal: AbortSignal,
  ): Promise<'closed' | 'expired'> {
    const call = info('watch', r, ns);
    const query = { ...opts, timeoutSeconds: String(opts.timeoutSeconds), watch: 'true', allowWatchBookmarks: 'true' };
    let expired = false;
    const limit = deadline(this.clock, opts.timeoutSeconds * 1000 + this.requestTimeoutMs, signal);
    try {
      const res = await this.transport.stream({ method: 'GET', path: resourcePath(r, ns), query }, limit.signal, (line) => {
        const e = parseEvent<T>(line);
        if (!e) return;
        if (e.type === 'ERROR') {
          const code = (e.object as { code?: number }).code;
          if (code === 410) expired = true;
          return;
        }
        onEvent(e);
      });
      if (res.status !== 200) throw this.failure(call, r, res);
      return expired ? 'expired' : 'closed';
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (limit.expired()) return 'closed';
      throw err;
    } finally {
      limit.dispose();
    }
  }

  /**
   * Calls onEvent with every change of the selection until signal aborts (watch.ts: streams resumed,
   * re-established, replayed after 410). A client reading from watches (cached-client.ts) shares them.
   */
  follow<T extends KubeObject = KubeObject>(target: WatchTarget, onEvent: (e: WatchEvent<T>) => void, signal: AbortSignal, options: KeepWatchingOptions = {}): void {
    void keepWatching<T>(this, target, onEvent, signal, options);
  }

  private async call<T>(call: CallInfo, r: ApiResource | null, wire: WireRequest, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const limit = deadline(this.clock, this.requestTimeoutMs, signal);
      let res: WireResponse;
      try {
        res = await this.transport.send(wire, limit.signal);
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        const code = limit.expired() ? 'DEADLINE' : err instanceof TransportError ? err.code : 'EUNKNOWN';
        const why = code === 'DEADLINE' ? `no answer within ${this.requestTimeoutMs / 1000}s` : (err as Error).message;
        if (!this.contacted && isNoServer(code) && (attempt >= FIRST_CONTACT_ATTEMPTS || !isTransientTransport(code))) throw cannotReach(this.server, this.options.context ?? null, why, err);
        if (!isTransientTransport(code)) throw unreachable(call, this.server, why, err, attempt, false);
        if (attempt >= this.policy.attempts) throw unreachable(call, this.server, why, err, attempt);
        await this.clock.sleep(backoffMs(this.policy, attempt, this.random), signal);
        continue;
      } finally {
        limit.dispose();
      }
      this.contacted = true;
      if (res.status >= 200 && res.status < 300) return parseJson<T>(call, this.server, res.body);
      const status = parseStatus(res.status, res.body);
      if (!isTransientStatus(status)) throw this.failure(call, r, res, status);
      if (attempt >= this.policy.attempts) {
        throw unreachable(call, this.server, `${status.code} ${status.message}`.trim(), new ApiCallError(call, status), attempt);
      }
      const wait = serverDelayMs(this.policy, status, res.headers['retry-after'], this.clock.now()) ?? backoffMs(this.policy, attempt, this.random);
      await this.clock.sleep(wait, signal);
      signal?.throwIfAborted();
    }
  }

  private failure(call: CallInfo, r: ApiResource | null, res: WireResponse, status = parseStatus(res.status, res.body)): Error {
    if (status.code === 401) return unauthorized(call, status, this.options.context ?? 'current');
    if (status.code === 403) return forbidden(call, status);
    // A plain-text 404 (or go-restful's "could not find the requested resource") means the API is not served.
    if (status.code === 404 && r && (!status.structured || status.message === 'the server could not find the requested resource')) {
      return notServed(call, r, status);
    }
    return new ApiCallError(call, status, { retryable: status.code === 409 });
  }
}

function info(verb: string, r: ApiResource, ns: string | null, name?: string): CallInfo {
  return { verb, resource: r, namespace: r.namespaced ? ns : null, what: describeTarget(r, r.namespaced ? ns : null, name) };
}

function parseJson<T>(call: CallInfo, server: string, body: string): T {
  try {
    return (body ? JSON.parse(body) : {}) as T;
  } catch (err) {
    throw unreachable(call, server, `the answer is not JSON (is ${server} a Kubernetes API server?)`, err, 1, false);
  }
}

function parseEvent<T>(line: string): WatchEvent<T> | null {
  try {
    const e = JSON.parse(line) as WatchEvent<T>;
    return e && typeof e.type === 'string' && e.object ? e : null;
  } catch {
    return null;
  }
}
