/**
 * The client of a one-shot view (`canary status`): an API group's versions from the disk cache
 * (kube/discovery-cache.ts) instead of a round trip, and one request for identical reads in flight
 * at once (the route object is read for its weight and for its experiment backends at the same
 * moment). Only for reads made together: a runner must see its own writes, so it never uses this.
 */
import { KubeClient } from './client.js';
import type { DiscoveryCache } from './discovery-cache.js';
import { versionsOf, type ApiGroupDoc } from './discovery.js';
import { resourcePath, type ApiResource } from './resources.js';

export function viewClient(base: KubeClient, cache: DiscoveryCache): KubeClient {
  return new ViewClient(base, cache);
}

class ViewClient extends KubeClient {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Groups answered from the cache since the last forgetCachedDiscovery. */
  private readonly cached = new Set<string>();

  constructor(
    private readonly base: KubeClient,
    private readonly cache: DiscoveryCache,
  ) {
    super(base.transport, base.options);
  }

  /** A second caller gets a copy of what the first one's request returns (or its error). */
  override async tryGet<T>(r: ApiResource, ns: string | null, name: string, signal?: AbortSignal): Promise<T | null> {
    const key = resourcePath(r, ns, name);
    const pending = this.inFlight.get(key);
    if (pending) return structuredClone(await pending) as T | null;
    const read = this.base.tryGet<T>(r, ns, name, signal).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, read);
    return read;
  }

  override async getPath<T>(path: string, signal?: AbortSignal): Promise<T | null> {
    const m = /^\/apis\/([^/]+)$/.exec(path);
    if (!m) return this.base.getPath<T>(path, signal);
    const group = decodeURIComponent(m[1]!);
    const known = this.cache.get(group);
    if (known) {
      this.cached.add(group);
      return { versions: known.map((version) => ({ version })), preferredVersion: { version: known[0]! } } satisfies ApiGroupDoc as T;
    }
    const doc = await this.base.getPath<ApiGroupDoc>(path, signal);
    // A group not served is not recorded: it may be installed any moment.
    const versions = versionsOf(doc);
    if (versions.length) this.cache.put(group, versions);
    return doc as T | null;
  }

  override forgetCachedDiscovery(): boolean {
    for (const group of this.cached) this.cache.forget(group);
    const any = this.cached.size > 0;
    this.cached.clear();
    return any;
  }
}
