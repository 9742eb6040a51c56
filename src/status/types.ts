/**
 * What `canary status` looks at, gathered by the kube layer in one pass: the run state, the Lease,
 * both Deployments with their pods, and the route object. Plain data, so the view is a pure function
 * of it and `now`, and tests build it by hand.
 */
import type { LeaseHolder } from '../engine/ports.js';
import type { RunRequest, RunState } from '../engine/types.js';
import type { StrategyKind } from '../manifests/types.js';
import type { ServiceView } from './model.js';

export interface PodInfo {
  name: string;
  /** The Ready condition. */
  ready: boolean;
  /** status.phase: Pending, Running, Succeeded, Failed, Unknown. */
  phase: string;
  /** Sum over the pod's containers. */
  restarts: number;
  /** Why a container is not running or not ready (CrashLoopBackOff, ImagePullBackOff, OOMKilled...); null when nothing is wrong. */
  reason: string | null;
  ageMs: number;
}

export interface DeploymentInfo {
  name: string;
  /** The revision canary annotated it with; null when absent (not created by canary, or mid-creation). */
  revision: string | null;
  images: string[];
  /** spec.replicas */
  replicas: number;
  /** status.replicas: pods that exist, old template included. */
  current: number;
  /** status.updatedReplicas: pods of the Deployment's current template. */
  updated: number;
  ready: number;
  available: number;
  pods: PodInfo[];
  /** Since creationTimestamp; absent when unknown. */
  ageMs?: number | null;
}

export interface RouteInfo {
  /** The route object's kind, as its router names it (`TrafficSplit`); 'none': no trafficRouting, the weight is carried by pod counts. */
  kind: string;
  /** null when the object does not exist (yet), or kind 'none'. */
  name: string | null;
  /** The canary weight written on the object; null when it does not exist or kind 'none'. */
  weight: number | null;
  /** canary's header and mirror routes on the object (managedRoutes names); absent: none. */
  managedRoutes?: string[];
  /**
   * Weighted experiment templates' Services on the object and their weights; absent: none. With
   * `deployment`, the experiment Deployment the Service is for (a template's `service.name` need
   * not be its Deployment's name).
   */
  additional?: { service: string; weight: number; deployment?: string }[];
}

export interface StatusInput {
  name: string;
  namespace: string;
  now: number;
  /** null: no run was ever recorded for this rollout. */
  state: RunState | null;
  /** holder null: the Lease is free (or absent). */
  lease: { holder: LeaseHolder | null };
  stable: DeploymentInfo | null;
  canary: DeploymentInfo | null;
  route: RouteInfo;
  /** The experiment Deployments canary made for this Rollout, with their pods; absent when not read. */
  experiment?: DeploymentInfo[];
  /**
   * `status --revision`: the revision whose run the caller waits for (full hash or a prefix of at
   * least 4 characters). While the state belongs to another revision the view says so instead of
   * reporting the previous run's verdict.
   */
  revisionWanted?: string;
  /** --context when the reader gave one: hints name it, so that they work when pasted. */
  context?: string | null;
  /** Requests written by `canary abort|promote|retry` that the runner has not handled yet. */
  requests?: readonly RunRequest[];
  /** The Rollout's spec.replicas, when the caller knows it (stored manifests); else derived from the Deployments. */
  desiredReplicas?: number | null;
  /** The Rollout's strategy when the caller knows it (stored manifests); else the run state's. */
  strategy?: StrategyKind | null;
  /** The Services of the tracks and which track each selects now (read with the Deployments). */
  services?: readonly ServiceView[];
}
