/**
 * A client whose reads are answered from watches (watch-cache.ts) instead of the API server: the
 * first read of an object (by name) or of a selection (a list by selector) starts a watch of it,
 * and every later read costs no request. A runner that waits in a pause then asks the API server
 * nothing but the watches' occasional restarts. Writes go to the server as usual and their answers
 * into the copies, so a read after a write sees it; after a failed write (a lost race, a failed
 * `test`) the next read of that object goes to the server, so a retry works on the current object.
 *
 * Where a watch cannot be had (RBAC without list/watch, an API that is not served), reads go to the
 * server directly, exactly as the plain client's do: same answers, same errors.
 */
import { setMaxListeners } from 'node:events';
import { CanaryError } from '../util/errors.js';
import { KubeClient, type KubeObject, type ListOptions, type Patch, type WatchEvent } from './client.js';
import { resourcePath, type ApiResource } from './resources.js';
import { WatchCache, type WatchCacheOptions } from './watch-cache.js';
import type { KeepWatchingOptions, WatchTarget } from './watch.js';

export interface CachedClientOptions extends Pick<WatchCacheOptions, 'timeoutSeconds' | 'random'> {
  /** A watch that keeps failing (it is retried with backoff; reads meanwhile answer the last state). */
  onError?: (err: unknown) => void;
}

/** Reads of `base`'s cluster from watches until `signal` aborts (then every watch ends). */
export function cachedClient(base: KubeClient, signal: AbortSignal, options: CachedClientOptions = {}): KubeClient {
  return new CachedClient(base, signal, options);
}

/** Direct calls go to `base` (KubeClient's own methods call each other, e.g. tryGet calls get). */
class CachedClient extends KubeClient {
  private readonly caches = new Map<string, WatchCache>();
  /** Selections whose watch was refused for good (forbidden, not served): read directly. */
  private readonly direct = new Set<string>();
  /** Objects whose last write failed: their next read goes to the server. */
  private readonly distrusted = new Set<string>();

  constructor(
    private readonly base: KubeClient,
    private readonly stop: AbortSignal,
    private readonly cacheOptions: CachedClientOptions,
  ) {
    super(base.transport, base.options);
    // Every watch and every request in flight listens on `stop`: as many as the objects a run reads
    // (experiment steps add a Deployment per template), not a leak; Node would warn on stderr past 10.
    setMaxListeners(0, stop);
  }

  override async tryGet<T = KubeObject>(r: ApiResource, ns: string | null, name: string, signal?: AbortSignal): Promise<T | null> {
    const path = resourcePath(r, ns, name);
    if (this.distrusted.delete(path)) return this.fresh<T>(r, ns, name, await this.base.tryGet<T>(r, ns, name, signal));
    const cache = await this.cacheFor(r, ns, { name });
    if (!cache) return this.base.tryGet<T>(r, ns, name, signal);
    const obj = cache.get(name);
    return obj ? (structuredClone(obj) as T) : null;
  }

  override async get<T = KubeObject>(r: ApiResource, ns: string | null, name: string, signal?: AbortSignal): Promise<T> {
    // Absent from the copy: the server's own 404 (or the object, if it appeared since) is the answer.
    return (await this.tryGet<T>(r, ns, name, signal)) ?? this.base.get<T>(r, ns, name, signal);
  }

  override async list<T = KubeObject>(r: ApiResource, ns: string | null, opts: ListOptions = {}, signal?: AbortSignal): Promise<{ items: T[]; metadata: { resourceVersion?: string } }> {
    const cache = await this.cacheFor(r, ns, opts);
    if (!cache) return this.base.list<T>(r, ns, opts, signal);
    const rv = cache.version();
    return { items: cache.items().map((o) => structuredClone(o) as T), metadata: rv ? { resourceVersion: rv } : {} };
  }

  override create<T = KubeObject>(r: ApiResource, ns: string | null, body: unknown, signal?: AbortSignal): Promise<T> {
    const name = (body as KubeObject).metadata?.name ?? '';
    return this.written(r, ns, name, this.base.create<T>(r, ns, body, signal));
  }

  override replace<T = KubeObject>(r: ApiResource, ns: string | null, name: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.written(r, ns, name, this.base.replace<T>(r, ns, name, body, signal));
  }

  override patch<T = KubeObject>(r: ApiResource, ns: string | null, name: string, patch: Patch, signal?: AbortSignal): Promise<T> {
    return this.written(r, ns, name, this.base.patch<T>(r, ns, name, patch, signal));
  }

  override async delete(r: ApiResource, ns: string | null, name: string, signal?: AbortSignal): Promise<void> {
    await this.written(r, ns, name, this.base.delete(r, ns, name, signal).then(() => null));
  }

  /** The copy's changes for this selection (the first list's objects come as ADDED). */
  override follow<T extends KubeObject = KubeObject>(target: WatchTarget, onEvent: (e: WatchEvent<T>) => void, signal: AbortSignal, options: KeepWatchingOptions = {}): void {
    const { resource, namespace, ...rest } = target;
    const byName = /^metadata\.name=([^,]+)$/.exec(rest.fieldSelector ?? '');
    const selectors: Selection = byName && !rest.labelSelector ? { name: byName[1]! } : rest;
    const key = selectionKey(resource, namespace, selectors);
    if (this.direct.has(key)) return this.base.follow(target, onEvent, signal, options);
    const cache = this.cache(key, resource, namespace, selectors);
    const off = cache.subscribe(onEvent as (e: WatchEvent) => void);
    signal.addEventListener('abort', off, { once: true });
    cache.ready.catch((err: unknown) => {
      off();
      if (signal.aborted) return;
      options.onError?.(err);
      this.base.follow(target, onEvent, signal, options);
    });
  }

  private async written<T>(r: ApiResource, ns: string | null, name: string, write: Promise<T | null>): Promise<T> {
    try {
      const out = await write;
      this.fresh(r, ns, name, out as (T & KubeObject) | null);
      return out as T;
    } catch (err) {
      this.distrusted.add(resourcePath(r, ns, name));
      throw err;
    }
  }

  /**
   * An object as the server just answered it (null: absent) goes into every copy that holds it, and
   * a created one into the label selections it matches: a runner that reads its own write before the
   * watch delivers it must see it (else it writes again, and a loop of such writes answered from the
   * copies never yields to the watch streams).
   */
  private fresh<T>(r: ApiResource, ns: string | null, name: string, obj: T | null): T | null {
    const prefix = `${resourcePath(r, ns)}?`;
    for (const [key, cache] of this.caches) {
      if (!key.startsWith(prefix)) continue;
      const byName = key === selectionKey(r, ns, { name });
      const o = obj as (T & KubeObject) | null;
      const selects = !byName && o !== null && cache.target.labelSelector !== undefined && !cache.target.fieldSelector && matchesLabels(cache.target.labelSelector, o.metadata?.labels ?? {});
      if (!byName && !cache.get(name) && !selects) continue;
      if (o && o.metadata?.name === name) cache.wrote(structuredClone(o));
      else if (!o) cache.deleted(name);
    }
    return obj;
  }

  /** The synced copy of a selection; null when reads must go to the server. */
  private async cacheFor(r: ApiResource, ns: string | null, opts: Selection): Promise<WatchCache | null> {
    if (ns === null) return null;
    const key = selectionKey(r, ns, opts);
    if (this.direct.has(key) || this.stop.aborted) return null;
    const cache = this.cache(key, r, ns, opts);
    try {
      await cache.ready;
      if (!cache.failed) return cache;
      // Its watch was refused (a Role with get but no watch): read directly from now on.
      this.caches.delete(key);
      this.direct.add(key);
      return null;
    } catch (err) {
      if (this.caches.get(key) === cache) this.caches.delete(key);
      // Refused for good: read directly from now on. A transient failure: try a watch next time.
      if (err instanceof CanaryError && !err.retryable) this.direct.add(key);
      return null;
    }
  }

  private cache(key: string, resource: ApiResource, namespace: string, opts: Selection): WatchCache {
    let cache = this.caches.get(key);
    if (!cache) {
      const { onError, ...options } = this.cacheOptions;
      cache = new WatchCache(this.base, { resource, namespace, ...opts }, this.stop, { ...options, ...(onError ? { onError } : {}) });
      this.caches.set(key, cache);
    }
    return cache;
  }
}

/**
 * Whether labels satisfy an equality-based selector (`a=b,c!=d,e,!f`); set-based terms (in, notin)
 * answer false, which leaves the object to the watch.
 */
export function matchesLabels(selector: string, labels: Record<string, string>): boolean {
  return selector.split(',').every((term) => {
    const t = term.trim();
    if (t === '') return true;
    if (/\s(in|notin)\s/.test(t)) return false;
    const ne = /^([^!=]+)!=(.*)$/.exec(t);
    if (ne) return labels[ne[1]!.trim()] !== ne[2]!.trim();
    const eq = /^([^!=]+)==?(.*)$/.exec(t);
    if (eq) return labels[eq[1]!.trim()] === eq[2]!.trim();
    if (t.startsWith('!')) return !(t.slice(1).trim() in labels);
    return t in labels;
  });
}

/** One object by name, or a selection. */
type Selection = ListOptions & { name?: string };

function selectionKey(r: ApiResource, ns: string | null, opts: Selection): string {
  return `${resourcePath(r, ns)}?name=${opts.name ?? ''}&fields=${opts.fieldSelector ?? ''}&labels=${opts.labelSelector ?? ''}`;
}
