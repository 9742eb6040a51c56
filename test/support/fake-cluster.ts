/**
 * In-memory ports for engine tests: Deployments whose pods become available after a delay on the
 * fake clock, Services, a route object, the run-state store and an event recorder. Every write is
 * logged, so tests assert on order ("weight 0 before the canary is replaced").
 */
import type { DesiredWorkload, EventRecorder, ExperimentObjects, ExperimentWorkload, LeaseHolder, Observation, StateStore, StoredRun, Track, TrafficRouter, WeightDestination, WorkloadStatus, Workloads } from '../../src/engine/ports.js';
import type { RunRequest, RunState } from '../../src/engine/types.js';
import { routeDigest, type ManagedRoute } from '../../src/engine/routes.js';
import type { MetricProvider, ProviderResult } from '../../src/analysis/provider.js';
import type { ProviderSpec } from '../../src/manifests/types.js';
import type { FakeClock } from './fake-clock.js';

interface FakeDeployment {
  revision: string;
  replicas: number;
  images: string[];
  /** Pods of the current revision become available at this time. */
  readyAt: number;
  /** Pods available before the last change (old revision during a rolling update, or fewer replicas). */
  availableBefore: number;
  /** Pods of a new template exist (updatedReplicas) only once they start; same-template scale-ups count at once. */
  updatedAt: number;
}

export class FakeCluster {
  readonly log: string[] = [];
  readonly deployments: Record<Track, FakeDeployment | null> = { stable: null, canary: null };
  services: Observation['services'] = { stable: null, canary: null };
  /** The workloadRef's Deployment (a migration); null when the Rollout has none. */
  referenced: Observation['referenced'] = null;
  weight: number | null = null;
  weightVerified: boolean | null = null;
  /** Experiment backends on the route object, as written. */
  additional: WeightDestination[] = [];
  /** Header and mirror routes on the route object, as written. */
  managedRoutes: ManagedRoute[] = [];
  /** Revisions whose pods never become available (a crash-looping image). */
  readonly crashing = new Set<string>();
  readyDelayMs = 2_000;
  /** Throw on the next writes matching this prefix of the log line (fault injection). */
  failNext: { prefix: string; times: number; error: () => Error } | null = null;
  /** Experiment Deployments by name: their pods are available after readyDelayMs; hash is their pod-template-hash. */
  readonly experiments = new Map<string, { workload: ExperimentWorkload; replicas: number; readyAt: number; hash: string }>();
  /** Experiment Services by name: the experiment Deployment each selects. */
  readonly experimentServices = new Map<string, string>();
  private listeners = new Set<() => void>();

  constructor(private readonly clock: FakeClock) {}

  experimentObjects(): ExperimentObjects {
    const now = this.clock.now();
    return {
      deployments: [...this.experiments.entries()].map(([name, e]) => ({
        name,
        replicas: e.replicas,
        available: now >= e.readyAt ? e.replicas : 0,
        observed: true,
        podTemplateHash: now >= e.readyAt ? e.hash : null,
        problem: null,
      })),
      services: [...this.experimentServices].map(([name, experiment]) => ({ name, experiment })),
    };
  }

  status(track: Track): WorkloadStatus | null {
    const d = this.deployments[track];
    if (!d) return null;
    const now = this.clock.now();
    const crash = this.crashing.has(d.revision);
    const ready = !crash && now >= d.readyAt;
    return {
      revision: d.revision,
      replicas: d.replicas,
      current: now >= d.updatedAt || track === 'canary' ? d.replicas : d.replicas + Math.min(d.availableBefore, d.replicas),
      updated: now >= d.updatedAt ? d.replicas : 0,
      ready: ready ? d.replicas : Math.min(d.availableBefore, d.replicas),
      available: ready ? d.replicas : Math.min(d.availableBefore, d.replicas),
      observed: true,
      images: d.images,
      problem: crash ? 'CrashLoopBackOff' : null,
    };
  }

  readonly workloads: Workloads = {
    observe: async () => ({
      stable: this.status('stable'),
      canary: this.status('canary'),
      services: { ...this.services },
      referenced: this.referenced && { ...this.referenced },
      experiment: this.experimentObjects(),
    }),
    ensureExperiment: async (w: ExperimentWorkload) => {
      const current = this.experiments.get(w.name);
      if (!current || current.replicas !== w.replicas) {
        this.write(`experiment ${w.name} x${w.replicas}`);
        const readyAt = this.clock.now() + this.readyDelayMs;
        this.experiments.set(w.name, { workload: w, replicas: w.replicas, readyAt, hash: `h${this.experiments.size}${w.name.length}` });
        this.changed(readyAt);
      }
      if (w.service && this.experimentServices.get(w.service) !== w.name) {
        this.write(`experiment service ${w.service}`);
        this.experimentServices.set(w.service, w.name);
        this.changed(null);
      }
    },
    deleteExperimentObject: async (kind: 'Deployment' | 'Service', name: string) => {
      this.write(`delete ${kind} ${name}`);
      if (kind === 'Deployment') this.experiments.delete(name);
      else this.experimentServices.delete(name);
      this.changed(null);
    },
    ensure: async (track: Track, desired: DesiredWorkload) => {
      this.write(`ensure ${track} ${desired.revision} x${desired.replicas}`);
      const d = this.deployments[track];
      const now = this.clock.now();
      const images = containerImages(desired.template);
      if (!d || d.revision !== desired.revision) {
        // A new template: the old pods keep serving (rolling update) until the new ones are available.
        const before = d ? this.status(track)!.available : 0;
        const readyAt = now + this.readyDelayMs;
        this.deployments[track] = { revision: desired.revision, replicas: desired.replicas, images, readyAt, availableBefore: track === 'stable' ? before : 0, updatedAt: readyAt };
      } else if (d.replicas !== desired.replicas) {
        this.resize(track, desired.replicas);
      }
      this.changed(this.deployments[track]!.readyAt);
    },
    scale: async (track: Track, replicas: number) => {
      if (!this.deployments[track]) return;
      this.write(`scale ${track} x${replicas}`);
      this.resize(track, replicas);
      this.changed(this.deployments[track]!.readyAt);
    },
    route: async (service: Track, track: Track) => {
      this.write(`route ${service}->${track}`);
      this.services = { ...this.services, [service]: track };
      this.changed(null);
    },
    scaleReferenced: async (replicas: number) => {
      if (!this.referenced) return;
      this.write(`scale referenced x${replicas}`);
      this.referenced = { replicas, available: Math.min(replicas, this.referenced.available) };
      this.changed(null);
    },
    watch: (onChange: () => void, signal: AbortSignal) => {
      this.listeners.add(onChange);
      signal.addEventListener('abort', () => this.listeners.delete(onChange), { once: true });
    },
  };

  readonly router: TrafficRouter = {
    objectKind: 'TrafficSplit',
    describe: () => 'TrafficSplit apps/myapp',
    check: async () => {},
    getWeight: async () => this.weight,
    setWeight: async (w: number, additional: readonly WeightDestination[] = []) => {
      this.write(`weight ${w}${additional.map((d) => ` ${d.service}=${d.weight}`).join('')}`);
      this.weight = w;
      this.additional = [...additional];
      this.changed(null);
    },
    verifyWeight: async () => this.weightVerified,
    additional: { inPlace: async () => [...this.additional] },
    routes: {
      inPlace: async () => this.managedRoutes.map((r) => ({ name: r.name, digest: routeDigest(r) })),
      set: async (routes) => {
        this.write(`routes ${routes.length ? routes.map((r) => `${r.kind}:${r.name}`).join(',') : '-'}`);
        this.managedRoutes = [...routes];
        this.changed(null);
      },
    },
  };

  /** Makes the Deployments and Services look like a finished previous release of `revision`. */
  seedStable(revision: string, replicas: number, images = ['example/myapp:1']): void {
    this.deployments.stable = { revision, replicas, images, readyAt: this.clock.now(), availableBefore: replicas, updatedAt: this.clock.now() };
    this.services = { stable: 'stable', canary: 'stable' };
    this.weight = 0;
  }

  private resize(track: Track, replicas: number): void {
    const d = this.deployments[track]!;
    const now = this.clock.now();
    const available = this.status(track)!.available;
    this.deployments[track] = replicas > d.replicas ? { ...d, replicas, readyAt: now + this.readyDelayMs, availableBefore: available } : { ...d, replicas, availableBefore: Math.min(available, replicas) };
  }

  private write(line: string): void {
    const f = this.failNext;
    if (f && line.startsWith(f.prefix) && f.times > 0) {
      f.times--;
      this.log.push(`FAILED ${line}`);
      throw f.error();
    }
    this.log.push(line);
  }

  private changed(readyAt: number | null): void {
    for (const l of [...this.listeners]) l();
    if (readyAt !== null && readyAt > this.clock.now()) {
      void this.clock.sleep(readyAt - this.clock.now()).then(() => {
        for (const l of [...this.listeners]) l();
      });
    }
  }
}

function containerImages(template: unknown): string[] {
  const spec = (template as { spec?: { containers?: { image?: string }[] } }).spec;
  return (spec?.containers ?? []).map((c) => c.image ?? '');
}

export class MemoryStore implements StateStore {
  run: StoredRun = { state: null, requests: [], manifests: null };
  saves = 0;
  private listeners = new Set<(r: StoredRun) => void>();

  async load(): Promise<StoredRun> {
    return structuredClone(this.run);
  }

  async save(state: RunState, options?: { manifests?: string }): Promise<void> {
    this.saves++;
    const handled = new Set(state.handledRequests);
    this.run = {
      state: structuredClone(state),
      requests: this.run.requests.filter((r) => !handled.has(r.id)),
      manifests: options?.manifests ?? this.run.manifests,
    };
    this.notify();
  }

  async request(req: RunRequest): Promise<void> {
    this.run = { ...this.run, requests: [...this.run.requests, req] };
    this.notify();
  }

  watch(onChange: (run: StoredRun) => void, signal: AbortSignal): void {
    this.listeners.add(onChange);
    signal.addEventListener('abort', () => this.listeners.delete(onChange), { once: true });
  }

  private notify(): void {
    for (const l of [...this.listeners]) l(structuredClone(this.run));
  }
}

export class EventLog implements EventRecorder {
  readonly events: { type: string; reason: string; message: string }[] = [];
  async record(type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    this.events.push({ type, reason, message });
  }
}

/** A provider answering from a script: `answer(metric, n)` for the n-th measurement (0-based). */
export class ScriptedProvider implements MetricProvider {
  readonly calls: string[] = [];
  constructor(private readonly answer: (query: string, n: number) => ProviderResult) {}

  async measure(provider: ProviderSpec): Promise<ProviderResult> {
    const key = provider.kind === 'prometheus' ? provider.query : provider.kind === 'web' ? provider.url : provider.kind;
    const n = this.calls.filter((c) => c === key).length;
    this.calls.push(key);
    return this.answer(key, n);
  }
}

export function vector(...values: number[]): ProviderResult {
  return { ok: true, value: values, valueText: `[${values.join(',')}]`, metadata: {} };
}

export function providerError(message: string): ProviderResult {
  return { ok: false, message, metadata: {} };
}

export type { LeaseHolder };
