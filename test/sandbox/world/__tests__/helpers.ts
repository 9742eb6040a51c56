/** Shared fixtures for the world's tests: a bare store with the world's types and small builders. */
import { catalog, servedTypes } from '../../api/catalog.js';
import { ObjectStore } from '../../store/store.js';
import type { K8sObject } from '../../store/types.js';

export const T = catalog;

/** A store serving what the sandbox serves with linkerd-smi and Gateway API installed. */
export function newStore(now?: () => Date): ObjectStore {
  return new ObjectStore(servedTypes({ smi: ['v1alpha1', 'v1alpha2'], gatewayApi: ['v1', 'v1beta1'] }), now ? { now } : {});
}

export function namespace(store: ObjectStore, name: string, annotations?: Record<string, string>): void {
  store.create(T.namespaces, null, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(annotations ? { annotations } : {}) } });
}

export function deployment(
  name: string,
  opts: { ns?: string; replicas?: number; image?: string; labels?: Record<string, string>; spec?: Record<string, unknown> } = {},
): K8sObject {
  const labels = opts.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: opts.ns ?? 'apps' },
    spec: {
      replicas: opts.replicas ?? 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image: opts.image ?? 'ghcr.io/mccutchen/go-httpbin:2.17', ports: [{ name: 'http', containerPort: 8080 }] }] },
      },
      ...(opts.spec ?? {}),
    },
  };
}

export function service(name: string, selector: Record<string, string>, ns = 'apps'): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
  };
}

/** Polls (on store changes and every few ms) until `check` returns a value; fails with `what` after `timeoutMs`. */
export async function waitFor<V>(store: ObjectStore, what: string, check: () => V | undefined | false, timeoutMs = 5000): Promise<V> {
  const first = check();
  if (first) return first;
  return new Promise<V>((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      unsubscribe();
      clearInterval(poll);
      clearTimeout(timer);
      fn();
    };
    const attempt = () => {
      try {
        const v = check();
        if (v) finish(() => resolve(v));
      } catch (err) {
        finish(() => reject(err));
      }
    };
    const unsubscribe = store.onChange(() => setImmediate(attempt));
    const poll = setInterval(attempt, 5);
    const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))), timeoutMs);
  });
}

export function status(obj: K8sObject | undefined): Record<string, any> {
  return (obj?.['status'] ?? {}) as Record<string, any>;
}

export function cond(obj: K8sObject | undefined, type: string): Record<string, any> | undefined {
  return (status(obj)['conditions'] as Record<string, any>[] | undefined)?.find((c) => c['type'] === type);
}

export function podsOf(store: ObjectStore, ns: string, labels: Record<string, string>): K8sObject[] {
  return store.list(T.pods, ns).items.filter((p) => Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v));
}

export function isReady(pod: K8sObject): boolean {
  return cond(pod, 'Ready')?.['status'] === 'True';
}

export const quiet = () => () => undefined;

/** Handles that a started sandbox could leave behind: timers, immediates, servers, sockets. */
export function resources(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap' && r !== 'FSReqCallback');
}

/** Resources once earlier tests' closed servers were released (that takes a few loop turns). */
export async function settledResources(): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 50));
  return resources();
}

/** Handle types (with counts) present now beyond those present before. */
export function leftovers(before: string[], after: string[]): Record<string, number> {
  const count = (xs: string[]) => xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});
  const b = count(before);
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(count(after))) if (n > (b[k] ?? 0)) out[k] = n - (b[k] ?? 0);
  return out;
}

/** Leftovers after a close, allowing half a second for client sockets to see the server's FIN. */
export async function leftoversAfterClose(before: string[]): Promise<Record<string, number>> {
  for (let i = 0; i < 50 && Object.keys(leftovers(before, resources())).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
  return leftovers(before, resources());
}
