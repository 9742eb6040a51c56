/**
 * The ports the engine drives. Adapters in src/kube and src/routing implement them against the
 * Kubernetes API; tests implement them in memory. Each method's contract is one line. (The metric
 * provider port is analysis's: src/analysis/provider.ts.)
 */
import type { MetricProvider } from '../analysis/provider.js';
import type { ResolvedMetric } from '../analysis/types.js';
import type { JsonObject, LabelSelector } from '../manifests/types.js';
import type { Clock } from '../util/clock.js';
import type { ManagedRoute, RouteInPlace } from './routes.js';
import type { RunRequest, RunState } from './types.js';

export type Track = 'stable' | 'canary';

export interface WorkloadStatus {
  /** Revision hash canary annotated the Deployment with; null when absent. */
  revision: string | null;
  /** spec.replicas */
  replicas: number;
  /** All pods, old template included (status.replicas): more than `updated` while a rolling update runs. */
  current: number;
  /** Pods of the current template (status.updatedReplicas), once the Deployment controller saw the spec. */
  updated: number;
  ready: number;
  available: number;
  /** The controller observed the latest spec (observedGeneration >= generation). */
  observed: boolean;
  images: string[];
  /** Why pods do not become ready (CrashLoopBackOff, ImagePullBackOff, ...), null if nothing is known. */
  problem: string | null;
}

export interface Observation {
  stable: WorkloadStatus | null;
  canary: WorkloadStatus | null;
  /** Which track each Service selects; null when the Service is absent or none is configured. */
  services: { stable: Track | null; canary: Track | null };
  /** The Deployment the Rollout's workloadRef names (a migration); null without workloadRef, or when it is gone. */
  referenced: { replicas: number; available: number } | null;
  /** Canary weight on the route object; null when it does not exist yet. */
  weight: number | null;
  /** Whether the data plane accepted `weight`; null when unknowable (SMI) or not checked. */
  weightVerified: boolean | null;
  /** canary's header and mirror routes on the route objects; null when the router writes none. */
  routes: RouteInPlace[] | null;
  /** Experiment backends on the route object, besides stable and canary ([] for a router without them). */
  additional: WeightDestination[];
  /** What canary made for experiments of this Rollout, whichever run made it (found by label). */
  experiment: ExperimentObjects;
}

export interface ExperimentObjects {
  deployments: ExperimentDeployment[];
  services: ExperimentService[];
}

export interface ExperimentService {
  name: string;
  /** The experiment Deployment whose pods it selects (its experiment label); null when unlabelled. */
  experiment: string | null;
}

export interface ExperimentDeployment {
  name: string;
  replicas: number;
  available: number;
  /** The controller observed the latest spec. */
  observed: boolean;
  /** Its pods' pod-template-hash, once a pod exists. */
  podTemplateHash: string | null;
  problem: string | null;
}

/** One experiment template as a Deployment (and a Service when `service` is set). */
export interface ExperimentWorkload {
  /** `<rollout>-<revision>-<step index>-<template>`: the Deployment's name. */
  name: string;
  /** Which pod template: the stable Deployment's, or the run's desired one. */
  specRef: 'stable' | 'canary';
  replicas: number;
  /** Added to the pods and to the selector. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The template's selector; null: the Rollout's. */
  selector: LabelSelector | null;
  /** The Service's name; null: no Service. */
  service: string | null;
}

export interface DesiredWorkload {
  template: JsonObject;
  revision: string;
  replicas: number;
}

export interface Workloads {
  /** Reads both Deployments, the Services' selectors, the workloadRef's Deployment and the experiments' objects. No writes. */
  observe(): Promise<Pick<Observation, 'stable' | 'canary' | 'services' | 'referenced' | 'experiment'>>;
  /** Creates or updates the track's Deployment to this template and replica count. Idempotent. */
  ensure(track: Track, desired: DesiredWorkload): Promise<void>;
  /** Sets the replica count and nothing else. Idempotent; a no-op when the Deployment is absent. */
  scale(track: Track, replicas: number): Promise<void>;
  /** Points a Service's selector at a track's pods. Idempotent; a no-op when the Service is not configured. */
  route(service: Track, track: Track): Promise<void>;
  /** Sets the replica count of the workloadRef's Deployment (Argo's scaleDown). Idempotent; a no-op without one. */
  scaleReferenced(replicas: number): Promise<void>;
  /** Creates an experiment template's Deployment (and Service), or sets its replica count. Idempotent. */
  ensureExperiment(workload: ExperimentWorkload, canary: DesiredWorkload): Promise<void>;
  /** Deletes an experiment's Deployment (its pods go with it) or Service. Idempotent: absent is done. */
  deleteExperimentObject(kind: 'Deployment' | 'Service', name: string): Promise<void>;
  /** Calls onChange (debounced by the caller) whenever a Deployment, their pods or a Service changes, until signal aborts. */
  watch(onChange: () => void, signal: AbortSignal): void;
}

/** A share of the traffic sent to an experiment template's Service (Argo's WeightDestination). */
export interface WeightDestination {
  service: string;
  weight: number;
}

/** The traffic-shifting port. Implementations: one per router definition in src/routing (registry.ts). */
export interface TrafficRouter {
  /** The kind of object whose weights are written (`TrafficSplit`), for events. */
  readonly objectKind: string;
  /** The object written, for messages: `TrafficSplit apps/myapp`, `HTTPRoute apps/web`. */
  describe(): string;
  /** Preflight: the API is served, the object is ours (or absent) and references both Services. No writes. */
  check(): Promise<void>;
  /** Canary weight (0-100) as currently written in the cluster; null when the route object does not exist yet. */
  getWeight(): Promise<number | null>;
  /**
   * Idempotent: writing the weight already in place changes nothing. Creates the object when absent (SMI).
   * `additional`: experiment backends, exactly these (stable gets what canary and they leave); only
   * for a router with `additional`, whose previous ones not listed are removed.
   */
  setWeight(canaryWeight: number, additional?: readonly WeightDestination[]): Promise<void>;
  /** Experiment backends (Argo's additionalDestinations): present exactly when the router's definition supports experimentWeights. */
  readonly additional?: { inPlace(): Promise<WeightDestination[]> };
  /** true/false once the data plane accepted the weight; null when the router cannot tell (SMI). */
  verifyWeight(canaryWeight: number): Promise<boolean | null>;
  /**
   * Header and mirror routes (Argo's managedRoutes). Present exactly when the router's definition
   * declares the capability (routing/definition.ts makes its create() return them); lint and
   * preflight refuse route steps for a router without it.
   */
  readonly routes?: RouteWriter;
}

/** The canary-owned rules of a route object: found again by name, whatever else the object holds. */
export interface RouteWriter {
  /** canary's routes on the route objects now, by name and digest of what was written. No writes. */
  inPlace(): Promise<RouteInPlace[]>;
  /** Makes canary's rules exactly `routes`: adds, rewrites and removes its own, never another rule. Idempotent. */
  set(routes: readonly ManagedRoute[]): Promise<void>;
}

export interface StoredRun {
  state: RunState | null;
  /** Requests written by `canary abort|promote|retry` not yet handled by the runner. */
  requests: RunRequest[];
  /** The manifests of the run (YAML), so that abort and retry work without the files. */
  manifests: string | null;
}

export interface StateStore {
  /** Reads the run state, pending requests and stored manifests; state null when no run was ever recorded. */
  load(): Promise<StoredRun>;
  /**
   * Persists the state (fenced: fails with LostOwnershipError if another runner wrote it since).
   * Concurrent requests are never lost: a conflict re-reads and re-applies. Handled requests are removed.
   */
  save(state: RunState, options?: { manifests?: string }): Promise<void>;
  /** Appends a request from outside the runner. Never lost, never conflicts with the runner's writes. */
  request(req: RunRequest): Promise<void>;
  /** Calls onChange with the latest stored run on every change, until signal aborts. */
  watch(onChange: (run: StoredRun) => void, signal: AbortSignal): void;
}

export type LeaseHolder = { identity: string; renewedAt: number | null; durationMs: number };

export interface Lock {
  readonly identity: string;
  /**
   * Takes the lease if free or stale, or held by `finished` (a runner whose run is over: it only had
   * the release left to do); `taken: false` names the live holder.
   */
  acquire(finished?: string): Promise<{ taken: true; previous: LeaseHolder | null } | { taken: false; holder: LeaseHolder }>;
  /** Renews in the background until signal aborts; calls onLost if another runner took it. */
  hold(signal: AbortSignal, onLost: (holder: LeaseHolder | null) => void): void;
  /** Gives the lease up (best effort). */
  release(): Promise<void>;
  /** Who holds it now; null when free. */
  holder(): Promise<LeaseHolder | null>;
}

export interface EventRecorder {
  /** Records a Kubernetes Event on the stable Deployment. Best effort: never throws. */
  record(type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
}

export type AnalysisResolution = { ok: true; metrics: ResolvedMetric[]; secrets: string[] } | { ok: false; message: string };

/** Everything the driver touches. */
export interface DriverPorts {
  workloads: Workloads;
  /** null for a replica-weighted canary (no trafficRouting). */
  router: TrafficRouter | null;
  store: StateStore;
  events: EventRecorder;
  provider: MetricProvider;
  clock: Clock;
  /** Resolves an analysis run's templates and args, reading secrets; never throws. */
  resolveAnalysis(runId: string, vars?: Record<string, string>): Promise<AnalysisResolution>;
}
