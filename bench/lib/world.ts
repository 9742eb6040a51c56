/**
 * The sandbox as the benchmarks use it: in this process (API server, Deployment controller, mesh,
 * load, real Prometheus), observed directly in its store, so that "the weight went to 0" is timed
 * when the API server stored it, not when a client noticed.
 */
import { catalog } from '../../test/sandbox/api/catalog.js';
import { startRealSandbox } from '../../test/cluster/index.js';
import { sandboxCluster, type Cluster } from '../../test/sandbox/cluster.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../test/sandbox/index.js';
import type { ObjectStore } from '../../test/sandbox/store/store.js';
import type { K8sObject } from '../../test/sandbox/store/types.js';
import { findPrometheus, INSTALL_HINT } from '../../test/sandbox/world/prometheus.js';
import { runCanary } from './proc.js';

export const GOOD = 'ghcr.io/mccutchen/go-httpbin:2.17.1';
/** Fails every request in the benchmarks' sandboxes (the image table marks it errorRate 1). */
export const BAD = 'ghcr.io/mccutchen/go-httpbin:2.18';

export function requirePrometheus(): void {
  if (!findPrometheus()) throw new Error(`the benchmarks need a real Prometheus: ${INSTALL_HINT}`);
}

const open = new Set<{ close(): Promise<void> }>();

/** Closes every sandbox still open (Ctrl+C during a benchmark): no Prometheus is left behind. */
export async function closeAllSandboxes(): Promise<void> {
  await Promise.all([...open].map((sb) => sb.close()));
}

export async function benchSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  requirePrometheus();
  const sb = await startSandbox({
    scenario: 'seed',
    prometheus: true,
    podStartDelayMs: 300,
    log: () => undefined,
    ...options,
    images: { [BAD]: { errorRate: 1 }, ...(options.images ?? {}) },
  });
  return tracked(sb);
}

/** Registers a running world for closeAllSandboxes() until its own close(). */
function tracked<T extends { close(): Promise<void> }>(world: T): T {
  open.add(world);
  const close = world.close.bind(world);
  world.close = async () => {
    open.delete(world);
    await close();
  };
  return world;
}

/**
 * The seed's world on the in-process sandbox or (`npm run bench -- --control-plane real`) on the
 * real control plane (test/cluster), where canary runs as examples/rbac.yaml's ServiceAccount and the
 * store is the node agent's replica: a change is seen when its watch event arrives, a few
 * milliseconds after the API server stored it.
 */
export async function benchCluster(controlPlane: 'sandbox' | 'real', options: Pick<SandboxOptions, 'load'> = {}): Promise<Cluster> {
  if (controlPlane === 'sandbox') return sandboxCluster(await benchSandbox(options));
  requirePrometheus();
  return tracked(await startRealSandbox({ scenario: 'seed', prometheus: true, podStartDelayMs: 300, log: () => undefined, ...options, images: { [BAD]: { errorRate: 1 } } }));
}

type Split = K8sObject & { spec?: { backends?: { service: string; weight: number | string }[] } };

export function canaryWeight(obj: K8sObject | undefined): number | null {
  const b = (obj as Split | undefined)?.spec?.backends?.find((x) => x.service.endsWith('-canary'));
  return b === undefined ? null : Number(b.weight);
}

export function splitWeight(sb: { store: ObjectStore }, name: string, namespace = 'apps'): number | null {
  return canaryWeight(sb.store.tryGet(catalog.trafficsplits, namespace, name));
}

export interface StoredState {
  phase: string;
  stepIndex: number;
  weight: number | null;
  revision: string;
  message: string;
  handledRequests: string[];
}

export function runState(sb: { store: ObjectStore }, name: string, namespace = 'apps'): StoredState | null {
  const cm = sb.store.tryGet(catalog.configmaps, namespace, `${name}-canary-run`) as (K8sObject & { data?: Record<string, string> }) | undefined;
  const json = cm?.data?.['state.json'];
  return json ? (JSON.parse(json) as StoredState) : null;
}

/**
 * Every change of a TrafficSplit's canary weight and every new request key in a run ConfigMap,
 * timed (performance.now()) as the store applied it.
 */
export class Observer {
  readonly weights: { t: number; name: string; namespace: string; weight: number }[] = [];
  readonly requests: { t: number; name: string; key: string }[] = [];
  private readonly last = new Map<string, number | null>();
  private readonly seenKeys = new Set<string>();
  private readonly waiters = new Set<() => void>();
  private readonly off: () => void;

  constructor(sb: { store: ObjectStore }) {
    this.off = sb.store.onChange((type, ev) => {
      const t = performance.now();
      const ns = ev.object.metadata.namespace ?? '';
      const name = ev.object.metadata.name;
      if (type.resource === 'trafficsplits') {
        const w = ev.type === 'DELETED' ? null : canaryWeight(ev.object);
        const key = `${ns}/${name}`;
        if (w !== null && this.last.get(key) !== w) this.weights.push({ t, name, namespace: ns, weight: w });
        this.last.set(key, w);
      } else if (type.resource === 'configmaps' && name.endsWith('-canary-run') && ev.type !== 'DELETED') {
        for (const k of Object.keys((ev.object as { data?: Record<string, string> }).data ?? {})) {
          if (!k.startsWith('request.') || this.seenKeys.has(`${ns}/${name}/${k}`)) continue;
          this.seenKeys.add(`${ns}/${name}/${k}`);
          this.requests.push({ t, name: name.replace(/-canary-run$/, ''), key: k });
        }
      } else return;
      for (const w of [...this.waiters]) w();
    });
  }

  /** Resolves with the time (performance.now()) when `name`'s canary weight became `weight` after `since`. */
  weightAt(name: string, weight: number, since: number, timeoutMs = 120_000): Promise<number> {
    return this.until(() => this.weights.find((w) => w.name === name && w.weight === weight && w.t >= since)?.t, `${name} weight ${weight}`, timeoutMs);
  }

  requestAt(name: string, since: number, timeoutMs = 120_000): Promise<number> {
    return this.until(() => this.requests.find((r) => r.name === name && r.t >= since)?.t, `a request for ${name}`, timeoutMs);
  }

  until<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const v = probe();
        if (v === undefined) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(v);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  close(): void {
    this.off();
  }
}

/** `canary run` to completion; throws unless it exits with `expect`. */
export async function runTo(kubeconfig: string, args: string[], expect = 0): Promise<string> {
  const r = await runCanary(kubeconfig, args);
  if (r.code !== expect) throw new Error(`canary ${args.join(' ')} exited ${r.code}, expected ${expect}:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  return r.stdout;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
