/**
 * A local replica of the real API server's objects in a sandbox ObjectStore, so that the sandbox's
 * world (kubelet, mesh, load) and the e2e harness read the real cluster exactly as they read the
 * sandbox. Remote -> local: list, then watch from the list's resourceVersion (re-list on 410 Gone),
 * each change stored verbatim with `store.mirror`. Local -> remote: what the world's kubelet and
 * Linkerd policy controller write to the replica is sent to the API server as a kubelet would send
 * it: pod bindings, pod status, Events, HTTPRoute status. Every other local write is a mistake and
 * is reported.
 */
import { setMaxListeners } from 'node:events';
import { collectionPath, objectPath } from '../../sandbox/cluster.js';
import type { ObjectStore } from '../../sandbox/store/store.js';
import type { K8sObject, ResourceType, WatchEvent } from '../../sandbox/store/types.js';
import { KubeError, type Kube } from './kube.js';

export interface MirrorOptions {
  kube: Kube;
  store: ObjectStore;
  /** The types to replicate (each must be in the store). */
  types: ResourceType[];
  log: (line: string) => void;
}

export class Mirror {
  private readonly abort = new AbortController();
  private applying = 0;
  private readonly unsubscribe: () => void;
  /** Per object, the chain of pushes in flight (binding before status, in order). */
  private readonly pushes = new Map<string, Promise<void>>();
  private readonly remoteNode = new Map<string, string | undefined>(); // pod uid -> spec.nodeName as the API server has it
  private readonly deleting = new Set<string>();
  /**
   * Per object, the newest resourceVersion the API server sent. The replica's own copy cannot answer
   * "has it caught up?": a local write (the policy controller's status) restamps it with the sandbox
   * store's counter, which is not comparable with etcd's revisions.
   */
  private readonly remoteVersions = new Map<string, bigint>();
  private loops: Promise<void>[] = [];

  constructor(private readonly opts: MirrorOptions) {
    setMaxListeners(0, this.abort.signal); // one listener per watched type
    this.unsubscribe = opts.store.onChange((type, ev) => {
      if (this.applying === 0) this.push(type, ev);
    });
  }

  /** Lists every type once (the replica is complete when this resolves), then keeps watching. */
  async start(): Promise<void> {
    const initial = await Promise.all(this.opts.types.map((t) => this.list(t)));
    this.loops = this.opts.types.map((t, i) => this.watchLoop(t, initial[i]!));
  }

  /** Resolves when the replica holds an object for which `ok` is true (or rejects after the timeout). */
  async until(what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> {
    if (ok()) return;
    await new Promise<void>((resolve, reject) => {
      const stop = this.opts.store.onChange(() => {
        if (!ok()) return;
        stop();
        clearTimeout(timer);
        resolve();
      });
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`the cluster did not show ${what} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
    });
  }

  /**
   * Resolves once the replica holds everything the API server held when sync() was called: every
   * type is listed again (a consistent read) and what the watches have not delivered yet is applied.
   */
  async sync(): Promise<void> {
    const lists = await Promise.all(this.opts.types.map((t) => this.listOnce(t).then((l) => [t, l] as const)));
    for (const [type, list] of lists) {
      for (const item of list.items) {
        const local = this.opts.store.tryGet(type, item.metadata.namespace ?? null, item.metadata.name);
        const ns = item.metadata.namespace ?? null;
        if (local && local.metadata.uid === item.metadata.uid && this.hasSeen(type, type.namespaced ? (ns ?? 'default') : null, item.metadata.name, item.metadata.resourceVersion ?? '0')) continue;
        this.apply(type, { type: local ? 'MODIFIED' : 'ADDED', object: { apiVersion: groupVersion(type), kind: type.kind, ...item } as K8sObject });
      }
    }
  }

  async close(): Promise<void> {
    this.unsubscribe();
    this.abort.abort();
    await Promise.allSettled(this.loops);
    await Promise.allSettled([...this.pushes.values()]);
  }

  /** True once the API server has sent this object at `resourceVersion` or later. */
  hasSeen(type: ResourceType, namespace: string | null, name: string, resourceVersion: string): boolean {
    const seen = this.remoteVersions.get(objectKey(type, namespace, name));
    return seen !== undefined && seen >= revisionOf(resourceVersion);
  }

  private apply(type: ResourceType, event: WatchEvent): void {
    if (type.group === '' && type.resource === 'pods') this.observePod(event);
    const key = objectKey(type, type.namespaced ? (event.object.metadata.namespace ?? 'default') : null, event.object.metadata.name);
    const version = revision(event.object);
    if (version > (this.remoteVersions.get(key) ?? -1n)) this.remoteVersions.set(key, version);
    this.applying++;
    try {
      this.opts.store.mirror(type, event);
    } finally {
      this.applying--;
    }
  }

  private async list(type: ResourceType): Promise<string> {
    const list = await this.listOnce(type);
    const seen = new Set<string>();
    for (const item of list.items) {
      const obj = { apiVersion: groupVersion(type), kind: type.kind, ...item } as K8sObject;
      seen.add(`${obj.metadata.namespace ?? ''}/${obj.metadata.name}`);
      this.apply(type, { type: 'ADDED', object: obj });
    }
    // A re-list after 410 Gone: whatever the replica holds that the API server no longer has is gone.
    for (const stale of this.opts.store.list(type, null).items) {
      if (!seen.has(`${stale.metadata.namespace ?? ''}/${stale.metadata.name}`)) this.apply(type, { type: 'DELETED', object: stale });
    }
    return list.metadata.resourceVersion;
  }

  /** A new CRD's storage answers 429 "storage is (re)initializing" for a moment after Established. */
  private async listOnce(type: ResourceType): Promise<{ metadata: { resourceVersion: string }; items: K8sObject[] }> {
    const path = collectionPath(type);
    for (let attempt = 0; ; attempt++) {
      const a = await this.opts.kube.request('GET', path);
      if (a.status === 200) return a.json();
      if ((a.status !== 429 && a.status < 500) || attempt >= 100) throw new KubeError('GET', path, a.status, a.body);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private async watchLoop(type: ResourceType, fromVersion: string): Promise<void> {
    let rv = fromVersion;
    while (!this.abort.signal.aborted) {
      let gone = false;
      try {
        await this.opts.kube.watch(
          `${collectionPath(type)}?watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(rv)}`,
          (ev) => {
            const obj = ev.object as K8sObject;
            if (ev.type === 'BOOKMARK') {
              rv = obj.metadata.resourceVersion ?? rv;
              return;
            }
            if (ev.type === 'ERROR') {
              if ((ev.object as { code?: number }).code === 410) gone = true;
              else this.opts.log(`watch ${type.resource}: ${(ev.object as { message?: string }).message ?? JSON.stringify(ev.object)}`);
              return;
            }
            rv = obj.metadata.resourceVersion ?? rv;
            this.apply(type, { type: ev.type as WatchEvent['type'], object: obj });
          },
          this.abort.signal,
        );
      } catch (err) {
        if (this.abort.signal.aborted) return;
        if (err instanceof KubeError && err.status === 410) gone = true;
        else {
          this.opts.log(`watch ${type.resource}: ${err instanceof Error ? err.message : String(err)}; retrying`);
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      if (gone && !this.abort.signal.aborted) rv = await this.list(type).catch(() => rv);
    }
  }

  /** What the API server says about a pod: who it is bound to, and whether it is being deleted. */
  private observePod(event: WatchEvent): void {
    const pod = event.object;
    const uid = pod.metadata.uid ?? '';
    if (event.type === 'DELETED') {
      this.remoteNode.delete(uid);
      this.deleting.delete(uid);
      return;
    }
    this.remoteNode.set(uid, (pod['spec'] as { nodeName?: string } | undefined)?.nodeName);
    // A bound pod being deleted waits for its kubelet: its containers have stopped, so it goes at once.
    if (pod.metadata.deletionTimestamp && !this.deleting.has(uid) && this.remoteNode.get(uid)) {
      this.deleting.add(uid);
      this.enqueue(`pods/${uid}`, () =>
        this.opts.kube
          .must('DELETE', `${objectPath(podsType(), pod.metadata.namespace, pod.metadata.name)}`, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid } })
          .then(() => undefined),
      );
    }
  }

  /** Sends a write of the world (kubelet, policy controller) to the API server. */
  private push(type: ResourceType, ev: WatchEvent): void {
    const o = ev.object;
    const ns = o.metadata.namespace;
    const name = o.metadata.name;
    if (type.group === '' && type.resource === 'pods' && ev.type === 'MODIFIED') {
      const uid = o.metadata.uid ?? '';
      const nodeName = (o['spec'] as { nodeName?: string } | undefined)?.nodeName;
      if (nodeName && !this.remoteNode.get(uid)) {
        this.remoteNode.set(uid, nodeName);
        this.enqueue(`pods/${uid}`, () =>
          this.opts.kube
            .must('POST', `${objectPath(type, ns, name)}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace: ns, uid }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } })
            .then(() => undefined),
        );
      }
      const status = o['status'];
      this.enqueue(`pods/${uid}`, () =>
        this.opts.kube
          .must('PATCH', `${objectPath(type, ns, name)}/status`, { metadata: { uid }, status }, 'application/merge-patch+json')
          .then(() => undefined),
      );
      return;
    }
    if (type.group === '' && type.resource === 'events') {
      const key = `events/${ns}/${name}`;
      if (ev.type === 'ADDED') {
        const { uid: _u, resourceVersion: _r, creationTimestamp: _c, ...metadata } = o.metadata;
        this.enqueue(key, () => this.opts.kube.must('POST', collectionPath(type, ns), { ...o, metadata }).then(() => undefined));
      } else if (ev.type === 'MODIFIED') {
        this.enqueue(key, () =>
          this.opts.kube.must('PATCH', objectPath(type, ns, name), { count: o['count'], lastTimestamp: o['lastTimestamp'] }, 'application/merge-patch+json').then(() => undefined),
        );
      }
      return;
    }
    if (type.group === 'gateway.networking.k8s.io' && type.resource === 'httproutes' && ev.type === 'MODIFIED') {
      this.enqueue(`httproutes/${ns}/${name}`, () =>
        this.opts.kube.must('PATCH', `${objectPath(type, ns, name)}/status`, { status: o['status'] }, 'application/merge-patch+json').then(() => undefined),
      );
      return;
    }
    this.opts.log(`node agent: a local ${ev.type} of ${type.resource} ${ns ? `${ns}/` : ''}${name} is not sent to the API server (only the kubelet's and the policy controller's writes are)`);
  }

  private enqueue(key: string, send: () => Promise<void>): void {
    const previous = this.pushes.get(key) ?? Promise.resolve();
    const next = previous
      .then(send)
      .catch((err: unknown) => {
        // A pod deleted meanwhile answers 404 (or 409 on a uid precondition): nothing left to report.
        if (err instanceof KubeError && (err.status === 404 || err.status === 409)) return;
        this.opts.log(`node agent: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => {
        if (this.pushes.get(key) === next) this.pushes.delete(key);
      });
    this.pushes.set(key, next);
  }
}

/** etcd's revision behind a resourceVersion (opaque to clients; numeric on every etcd-backed server). */
function revision(o: K8sObject): bigint {
  return revisionOf(o.metadata.resourceVersion ?? '0');
}

function revisionOf(resourceVersion: string): bigint {
  try {
    return BigInt(resourceVersion);
  } catch {
    return 0n;
  }
}

function objectKey(type: ResourceType, namespace: string | null, name: string): string {
  return `${type.group}/${type.resource}/${namespace ?? ''}/${name}`;
}

function groupVersion(type: ResourceType): string {
  return type.group ? `${type.group}/${type.versions[0]}` : type.versions[0]!;
}

function podsType(): ResourceType {
  return { group: '', versions: ['v1'], resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true };
}
