/**
 * In-memory object storage with the semantics clients rely on: one global resourceVersion counter,
 * optimistic concurrency, generation bumps on spec changes, a status subresource, and a bounded
 * event history so that watches can resume from a resourceVersion (or get 410 Gone).
 */
import { randomUUID } from 'node:crypto';
import { alreadyExists, conflict, gone, invalid, notFound, StoreError } from './errors.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { K8sObject, ListOptions, ResourceType, WatchEvent } from './types.js';

interface HistoryEntry {
  rv: number;
  typeKey: string;
  event: WatchEvent;
  /** The object before a MODIFIED or DELETED change: a selector watch needs it to see objects leave. */
  previous?: K8sObject;
}

type Listener = (event: WatchEvent) => void;

interface WatchRegistration {
  typeKey: string;
  namespace: string | null;
  accept: (obj: K8sObject) => boolean;
  listener: Listener;
}

export interface WatchOptions extends ListOptions {
  /** Resume after this resourceVersion; unset or "0" first replays the current objects as ADDED. */
  resourceVersion?: string;
}

/** A dry run answers exactly as the write would, and changes nothing (no object, no resourceVersion, no event). */
export interface WriteOptions {
  dryRun?: boolean;
  /** create: the uid the API server assigned before defaulting (otherwise a new one). */
  uid?: string;
}

export interface StoreOptions {
  /** Events kept for watch resumption; older resourceVersions answer 410 Gone. */
  historySize?: number;
  now?: () => Date;
}

export class ObjectStore {
  private rv = 0;
  private readonly objects = new Map<string, Map<string, K8sObject>>(); // typeKey -> "ns/name" -> object
  private readonly history: HistoryEntry[] = [];
  private readonly watches = new Set<WatchRegistration>();
  private readonly changeListeners = new Set<(type: ResourceType, event: WatchEvent) => void>();
  private readonly historySize: number;
  /** Errors thrown by onChange listeners, kept for tests to inspect. */
  readonly listenerErrors: unknown[] = [];
  private readonly now: () => Date;
  readonly types: ResourceType[];

  constructor(types: ResourceType[], options: StoreOptions = {}) {
    this.types = [...types];
    this.historySize = options.historySize ?? 5000;
    this.now = options.now ?? (() => new Date());
  }

  /** The current global resourceVersion, as a list would report it. */
  resourceVersion(): string {
    return String(this.rv);
  }

  /** Serve one more resource type (e.g. install a CRD at run time). */
  addType(type: ResourceType): void {
    if (!this.types.some((t) => key(t) === key(type))) this.types.push(type);
  }

  removeType(group: string, resource: string): void {
    const i = this.types.findIndex((t) => t.group === group && t.resource === resource);
    if (i >= 0) this.types.splice(i, 1);
  }

  findType(group: string, version: string, resource: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.resource === resource && t.versions.includes(version));
  }

  /** By kind and apiVersion ("apps/v1", "v1"), as manifests name their type. */
  typeFor(apiVersion: string, kind: string): ResourceType | undefined {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
    return this.types.find((t) => t.group === group && t.kind === kind && t.versions.includes(version!));
  }

  get(type: ResourceType, namespace: string | null, name: string): K8sObject {
    const obj = this.bucket(type).get(objKey(type, namespace, name));
    if (!obj) throw notFound(type.group, type.resource, type.kind, name);
    return clone(obj);
  }

  tryGet(type: ResourceType, namespace: string | null, name: string): K8sObject | undefined {
    const obj = this.bucket(type).get(objKey(type, namespace, name));
    return obj ? clone(obj) : undefined;
  }

  list(type: ResourceType, namespace: string | null, options: ListOptions = {}): { items: K8sObject[]; resourceVersion: string } {
    const byLabel = parseLabelSelector(options.labelSelector);
    const byField = parseFieldSelector(options.fieldSelector);
    const items = [...this.bucket(type).values()]
      .filter((o) => !type.namespaced || namespace === null || o.metadata.namespace === namespace)
      .filter((o) => byLabel(o) && byField(o))
      .sort((a, b) => objKey(type, a.metadata.namespace ?? null, a.metadata.name).localeCompare(objKey(type, b.metadata.namespace ?? null, b.metadata.name)))
      .map(clone);
    return { items, resourceVersion: this.resourceVersion() };
  }

  create(type: ResourceType, namespace: string | null, input: K8sObject, options: WriteOptions = {}): K8sObject {
    const name = input.metadata?.name;
    if (!name) throw invalid(type.kind, '', 'metadata.name: Required value: name or generateName is required');
    const ns = type.namespaced ? (namespace ?? input.metadata.namespace ?? 'default') : null;
    if (ns !== null) this.requireNamespace(ns);
    const bucket = this.bucket(type);
    const k = objKey(type, ns, name);
    if (bucket.has(k)) throw alreadyExists(type.group, type.resource, name);
    const obj = clone(input);
    obj.metadata = {
      ...obj.metadata,
      ...(ns !== null ? { namespace: ns } : {}),
      uid: options.uid ?? randomUUID(),
      resourceVersion: options.dryRun ? '' : String(this.rv + 1),
      creationTimestamp: this.now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...generationOf(type, 1),
    };
    if (ns === null) delete obj.metadata.namespace;
    if (options.dryRun) {
      delete obj.metadata.resourceVersion;
      return clone(obj);
    }
    ++this.rv;
    bucket.set(k, obj);
    this.record(type, { type: 'ADDED', object: clone(obj) });
    return clone(obj);
  }

  /**
   * Replace (PUT). A resourceVersion in the input must match the stored one (409 Conflict otherwise).
   * With a status subresource, the main resource keeps the stored status and `status` keeps the spec.
   */
  update(type: ResourceType, namespace: string | null, input: K8sObject, options: { subresource?: 'status' } & WriteOptions = {}): K8sObject {
    const name = input.metadata?.name;
    if (!name) throw invalid(type.kind, '', 'metadata.name: Required value');
    const ns = type.namespaced ? (namespace ?? input.metadata.namespace ?? 'default') : null;
    const bucket = this.bucket(type);
    const k = objKey(type, ns, name);
    const current = bucket.get(k);
    if (!current) throw notFound(type.group, type.resource, type.kind, name);
    const wanted = input.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== current.metadata.resourceVersion) {
      throw conflict(type.group, type.resource, name);
    }
    let next = clone(input);
    if (type.statusSubresource) {
      if (options.subresource === 'status') {
        next = { ...clone(current), status: clone(input.status ?? {}) } as K8sObject;
      } else {
        next.status = clone(current.status ?? {});
        if (current.status === undefined) delete next.status;
      }
    }
    // Immutable metadata is kept from the stored object whatever the client sent.
    next.metadata = {
      ...next.metadata,
      name,
      ...(ns !== null ? { namespace: ns } : {}),
      uid: current.metadata.uid!,
      creationTimestamp: current.metadata.creationTimestamp!,
    };
    if (ns === null) delete next.metadata.namespace;
    const specChanged = canonical(stripMeta(current)) !== canonical(stripMeta(next));
    const metaChanged = JSON.stringify({ ...current.metadata, resourceVersion: '' }) !== JSON.stringify({ ...next.metadata, resourceVersion: '' });
    const statusChanged = JSON.stringify(current.status ?? null) !== JSON.stringify(next.status ?? null);
    if (!specChanged && !metaChanged && !statusChanged) return clone(current); // no-op writes do not bump resourceVersion
    if (current.metadata.generation !== undefined) {
      next.metadata.generation = current.metadata.generation + (specChanged ? 1 : 0);
    }
    if (options.dryRun) {
      next.metadata.resourceVersion = current.metadata.resourceVersion!;
      return clone(next);
    }
    next.metadata.resourceVersion = String(++this.rv);
    bucket.set(k, next);
    this.record(type, { type: 'MODIFIED', object: clone(next) }, current);
    return clone(next);
  }

  /** Read-modify-write for in-process controllers: applies `fn` to the latest object, no conflicts possible. */
  mutate(
    type: ResourceType,
    namespace: string | null,
    name: string,
    fn: (obj: K8sObject) => K8sObject | void,
    options: { subresource?: 'status' } = {},
  ): K8sObject {
    const current = this.get(type, namespace, name);
    const changed = fn(current) ?? current;
    changed.metadata.resourceVersion = current.metadata.resourceVersion!;
    return this.update(type, namespace, changed, options);
  }

  delete(type: ResourceType, namespace: string | null, name: string, options: WriteOptions = {}): K8sObject {
    const ns = type.namespaced ? namespace ?? 'default' : null;
    const bucket = this.bucket(type);
    const k = objKey(type, ns, name);
    const current = bucket.get(k);
    if (!current) throw notFound(type.group, type.resource, type.kind, name);
    if (options.dryRun) return clone(current);
    bucket.delete(k);
    const last = clone(current);
    last.metadata.resourceVersion = String(++this.rv);
    this.record(type, { type: 'DELETED', object: clone(last) }, current);
    if (type.group === '' && type.resource === 'namespaces') this.deleteNamespaceContents(name);
    return last;
  }

  /**
   * Watch one type (optionally one namespace). Throws 410 Gone when `resourceVersion` is older than
   * the retained history. Returns a function that stops the watch.
   */
  watch(type: ResourceType, namespace: string | null, options: WatchOptions, listener: Listener): () => void {
    const byLabel = parseLabelSelector(options.labelSelector);
    const byField = parseFieldSelector(options.fieldSelector);
    const accept = (o: K8sObject) =>
      (!type.namespaced || namespace === null || o.metadata.namespace === namespace) && byLabel(o) && byField(o);
    const tk = key(type);
    const since = options.resourceVersion;
    if (since === undefined || since === '' || since === '0') {
      for (const o of this.list(type, namespace, options).items) listener({ type: 'ADDED', object: o });
    } else {
      const from = Number(since);
      if (!Number.isFinite(from)) throw new StoreError(400, 'BadRequest', `invalid resource version: ${since}`);
      const oldest = this.history.length ? this.history[0]!.rv : this.rv + 1;
      if (from < oldest - 1 && from < this.rv) {
        throw gone(`too old resource version: ${from} (${oldest - 1})`);
      }
      for (const h of this.history) {
        if (h.rv <= from || h.typeKey !== tk) continue;
        const seen = asSeenBy(accept, h);
        if (seen) listener(seen);
      }
    }
    const reg: WatchRegistration = { typeKey: tk, namespace, accept, listener };
    this.watches.add(reg);
    return () => this.watches.delete(reg);
  }

  /** Every change to every type, for in-process controllers. */
  onChange(listener: (type: ResourceType, event: WatchEvent) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * Stores an object exactly as another API server reported it (uid, resourceVersion and timestamps
   * kept, no validation) and tells watchers and listeners: a local replica of a real cluster, which
   * test/cluster's node agent keeps so that the world and the e2e harness read it as they read the
   * sandbox. DELETED of an unknown object is ignored.
   */
  mirror(type: ResourceType, event: WatchEvent): void {
    const o = event.object;
    const ns = type.namespaced ? (o.metadata.namespace ?? 'default') : null;
    const bucket = this.bucket(type);
    const k = objKey(type, ns, o.metadata.name);
    const previous = bucket.get(k);
    if (event.type === 'DELETED') {
      if (!previous) return;
      bucket.delete(k);
      ++this.rv;
      this.record(type, { type: 'DELETED', object: clone(o) }, previous);
      return;
    }
    bucket.set(k, clone(o));
    ++this.rv;
    this.record(type, { type: previous ? 'MODIFIED' : 'ADDED', object: clone(o) }, previous);
  }

  /** Drop watch history so that older resourceVersions answer 410 (for tests of re-listing). */
  compact(): void {
    this.history.length = 0;
  }

  private record(type: ResourceType, event: WatchEvent, previous?: K8sObject): void {
    const tk = key(type);
    const entry: HistoryEntry = { rv: this.rv, typeKey: tk, event, ...(previous ? { previous: clone(previous) } : {}) };
    this.history.push(entry);
    if (this.history.length > this.historySize) this.history.splice(0, this.history.length - this.historySize);
    for (const w of [...this.watches]) {
      if (w.typeKey !== tk) continue;
      const seen = asSeenBy(w.accept, entry);
      if (!seen) continue;
      try {
        w.listener(seen);
      } catch {
        this.watches.delete(w);
      }
    }
    for (const l of [...this.changeListeners]) {
      // A failing in-process controller must not undo a write that already happened, nor starve the others.
      try {
        l(type, { type: event.type, object: clone(event.object) });
      } catch (err) {
        this.listenerErrors.push(err);
      }
    }
  }

  private requireNamespace(ns: string): void {
    const nsType = this.types.find((t) => t.group === '' && t.resource === 'namespaces');
    if (!nsType) return;
    if (!this.bucket(nsType).has(objKey(nsType, null, ns))) throw notFound('', 'namespaces', 'Namespace', ns);
  }

  private deleteNamespaceContents(ns: string): void {
    for (const type of this.types) {
      if (!type.namespaced) continue;
      for (const o of [...this.bucket(type).values()]) {
        if (o.metadata.namespace === ns) this.delete(type, ns, o.metadata.name);
      }
    }
  }

  private bucket(type: ResourceType): Map<string, K8sObject> {
    const k = key(type);
    let b = this.objects.get(k);
    if (!b) this.objects.set(k, (b = new Map()));
    return b;
  }
}

function key(type: ResourceType): string {
  return `${type.group}/${type.resource}`;
}

function objKey(type: ResourceType, namespace: string | null, name: string): string {
  return type.namespaced ? `${namespace ?? 'default'}/${name}` : name;
}

function generationOf(type: ResourceType, n: number): { generation?: number } {
  // Core types without a status subresource (ConfigMap, Secret, Event) carry no generation.
  const tracks = type.generation ?? (type.statusSubresource || type.group !== '');
  return tracks ? { generation: n } : {};
}

/**
 * A change as a selector watch sees it (the real watch cache's rule): an object that starts
 * matching is ADDED, one that stops matching is DELETED (its last matching content at the new
 * resourceVersion), and changes outside the selector are not seen at all.
 */
function asSeenBy(accept: (o: K8sObject) => boolean, h: HistoryEntry): WatchEvent | undefined {
  const cur = h.event.type !== 'DELETED' && accept(h.event.object);
  const old = h.previous !== undefined && accept(h.previous);
  if (h.event.type === 'DELETED') return old ? { type: 'DELETED', object: clone(h.event.object) } : undefined;
  if (cur && old) return { type: 'MODIFIED', object: clone(h.event.object) };
  if (cur) return { type: 'ADDED', object: clone(h.event.object) };
  if (old) {
    const gone = clone(h.previous!);
    gone.metadata.resourceVersion = h.event.object.metadata.resourceVersion!;
    return { type: 'DELETED', object: gone };
  }
  return undefined;
}

function stripMeta(o: K8sObject): unknown {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

/** JSON with sorted keys: the same object written with keys in another order is the same spec. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v as object)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}
