/**
 * A local copy of the objects one watch covers, kept current by the watch (client-go's reflector):
 * a selection is listed once, then watched from the list's resourceVersion; one object by name is
 * read with a GET while a watch starts at the most recent version (the server replays the object as
 * ADDED). A stream the server ends is resumed from the last resourceVersion seen (bookmarks
 * included); a resume point too old (410 Gone) is a new list, or for one object a new watch that
 * replays it; a failed stream is retried with backoff. Reads are answered from memory. A watch the
 * server refuses for good (forbidden, not served) marks the copy `failed`: its reads go to the server.
 *
 * This process's own writes go into the copy at once (`wrote`), so that a read right after a write
 * never sees the object as it was: until the watch delivers the written version, older events of
 * that object are not applied. resourceVersions are only compared for equality, never ordered.
 */
import type { Clock } from '../util/clock.js';
import { CanaryError } from '../util/errors.js';
import type { KubeClient, KubeObject, ListOptions, WatchEvent } from './client.js';
import type { ApiResource } from './resources.js';
import { followStreams } from './watch.js';

export interface WatchCacheTarget extends ListOptions {
  resource: ApiResource;
  namespace: string;
  /**
   * One object by name: read with a GET and watched by field selector, so that the Role needs only
   * get and watch (examples/rbac.yaml). Without it, the selection is listed (list and watch).
   */
  name?: string;
}

export interface WatchCacheOptions {
  /** Server-side stream lifetime in seconds; default 8-12 min, spread so that streams do not all restart at once. */
  timeoutSeconds?: () => number;
  maxBackoffMs?: number;
  /** Each failed stream (forbidden, unreachable); the copy keeps its last state and watching goes on. */
  onError?: (err: unknown) => void;
  random?: () => number;
}

/** Versions of one object seen on the watch, to tell whether a write's answer is already applied. */
const SEEN_PER_OBJECT = 8;
/** A write the watch never echoes (its event fell in a relist) stops shielding the object after this. */
const PIN_MS = 30_000;

export class WatchCache<T extends KubeObject = KubeObject> {
  private readonly objects = new Map<string, T>();
  private readonly seen = new Map<string, string[]>();
  /** name -> the resourceVersion this process wrote, and when: older events of it are not applied. */
  private readonly pins = new Map<string, { rv: string; at: number }>();
  private readonly listeners = new Set<(e: WatchEvent<T>) => void>();
  private resourceVersion: string | undefined;
  private readonly clock: Clock;
  /** The watch was refused for good: the copy is not kept current. */
  failed = false;
  /** Stops the watch when the first read fails (the copy is dropped). */
  private readonly stop = new AbortController();
  /** Resolves once the first list is in; rejects if it fails (the caller then reads directly). */
  readonly ready: Promise<void>;

  constructor(
    private readonly client: KubeClient,
    readonly target: WatchCacheTarget,
    private readonly signal: AbortSignal,
    private readonly options: WatchCacheOptions = {},
  ) {
    this.clock = client.clock;
    signal.addEventListener('abort', () => this.stop.abort(), { once: true });
    if (target.name !== undefined) {
      // The watch starts at once (it replays the object); the GET says whether it exists now.
      void this.watch();
      this.ready = this.read(target.name);
    } else {
      this.ready = this.list();
      this.ready.then(() => void this.watch(), () => undefined);
    }
    this.ready.catch(() => this.stop.abort());
  }

  /** The object named so, as last seen; null when the watch says it does not exist. */
  get(name: string): T | null {
    return this.objects.get(name) ?? null;
  }

  items(): T[] {
    return [...this.objects.values()];
  }

  /** The resourceVersion the copy is at (a list's, then the last event's). */
  version(): string | undefined {
    return this.resourceVersion;
  }

  /** Called with each change applied to the copy (a write of this process included), until unsubscribed. */
  subscribe(listener: (e: WatchEvent<T>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A write's answer (or a fresh read): the copy holds it until the watch has caught up with it. */
  wrote(obj: T): void {
    const name = obj.metadata.name;
    const rv = obj.metadata.resourceVersion;
    if (!rv || this.objects.get(name)?.metadata.resourceVersion === rv) return;
    if (this.seen.get(name)?.includes(rv)) return; // the watch delivered it (and maybe more) already
    this.pins.set(name, { rv, at: this.clock.now() });
    this.objects.set(name, obj);
    this.emit({ type: 'MODIFIED', object: obj });
  }

  /** The object is gone (a delete of this process). */
  deleted(name: string): void {
    const obj = this.objects.get(name);
    this.pins.delete(name);
    if (!obj) return;
    this.objects.delete(name);
    this.emit({ type: 'DELETED', object: obj });
  }

  private async read(name: string): Promise<void> {
    const { resource, namespace } = this.target;
    const obj = await this.client.tryGet<T>(resource, namespace, name, this.signal);
    // The watch may have delivered the object already, as new or newer than this answer.
    if (obj && !this.seen.has(name)) {
      this.objects.set(name, obj);
      this.emit({ type: 'ADDED', object: obj });
    }
  }

  private async list(): Promise<void> {
    const { resource, namespace, ...selectors } = this.target;
    const listed = await this.client.list<T>(resource, namespace, selectors, this.signal);
    const before = this.clock.now();
    const names = new Set<string>();
    for (const obj of listed.items) {
      names.add(obj.metadata.name);
      this.apply({ type: 'ADDED', object: obj }, before);
    }
    for (const [name, obj] of [...this.objects]) {
      if (names.has(name) || this.pins.has(name)) continue;
      this.objects.delete(name);
      this.emit({ type: 'DELETED', object: obj });
    }
    this.resourceVersion = listed.metadata.resourceVersion;
  }

  private async watch(): Promise<void> {
    const { resource, namespace, name, ...rest } = this.target;
    const selectors: ListOptions = name !== undefined ? { fieldSelector: `metadata.name=${name}` } : rest;
    const random = this.options.random ?? Math.random;
    await followStreams<T>(
      this.client,
      { resource, namespace, ...selectors },
      {
        onEvent: (e) => {
          this.resourceVersion = e.object.metadata?.resourceVersion ?? this.resourceVersion;
          if (e.type !== 'BOOKMARK') this.apply(e, this.clock.now());
        },
        // After 410 a selection is listed again; one object is replayed by a watch from the most recent version.
        ...(name === undefined
          ? {
              resync: async () => {
                await this.list();
                return this.resourceVersion;
              },
            }
          : {}),
        isFatal: (err) => {
          // Forbidden or not served: no amount of retrying keeps this copy current.
          if (!(err instanceof CanaryError) || err.retryable) return false;
          this.failed = true;
          this.stop.abort();
          return true;
        },
      },
      this.stop.signal,
      {
        timeoutSeconds: () => this.options.timeoutSeconds?.() ?? 480 + Math.floor(random() * 240),
        ...(this.options.maxBackoffMs !== undefined ? { maxBackoffMs: this.options.maxBackoffMs } : {}),
        ...(this.options.onError ? { onError: this.options.onError } : {}),
        ...(this.resourceVersion !== undefined ? { resourceVersion: this.resourceVersion } : {}),
        random,
      },
    );
  }

  private apply(e: WatchEvent<T>, now: number): void {
    const name = e.object.metadata?.name;
    if (!name) return;
    const rv = e.object.metadata.resourceVersion;
    if (rv) {
      const seen = this.seen.get(name) ?? [];
      seen.push(rv);
      if (seen.length > SEEN_PER_OBJECT) seen.shift();
      this.seen.set(name, seen);
    }
    const pin = this.pins.get(name);
    if (pin) {
      // Events up to the written version are older than what the copy holds.
      if (rv === pin.rv || now - pin.at > PIN_MS) this.pins.delete(name);
      else if (e.type !== 'DELETED') return;
      if (rv === pin.rv) return;
    }
    if (e.type === 'DELETED') {
      this.pins.delete(name);
      this.seen.delete(name);
      if (!this.objects.delete(name)) return;
    } else {
      this.objects.set(name, e.object);
    }
    this.emit(e);
  }

  private emit(e: WatchEvent<T>): void {
    for (const l of [...this.listeners]) l(e);
  }
}
