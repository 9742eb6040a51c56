/**
 * The run as data. RunState is what the runner persists after every transition (the run-state
 * ConfigMap), what `canary status` renders, and what a restarted runner resumes from.
 */
import type { AnalysisRun } from '../analysis/types.js';
import type { CanaryScale, StrategyKind } from '../manifests/types.js';
import type { Track } from './ports.js';

export const RUN_STATE_SCHEMA = 1;

/**
 * initial: no stable yet, deploy it at 100% (no steps, no analysis, as Argo's first deploy).
 * canary: a new revision is released, by the Rollout's strategy (canary steps, or blue-green).
 * rollbackToStable: the desired template is the stable one again while a canary was running: undo it, no steps.
 */
export type RunMode = 'initial' | 'canary' | 'rollbackToStable';

export type Phase =
  | 'Initializing' // initial deploy: the stable Deployment is being created
  | 'Progressing' // steps are running
  | 'Paused' // a pause step, blue-green's pause before the switch, or an inconclusive analysis waiting for promote
  | 'Promoting' // steps done (canary) or preview ready (blue-green): the new revision takes the traffic, stable is rolled to it
  | 'RollingBack' // traffic back to stable, canary scaled down after the abort delay
  | 'Healthy' // done: promoted (or deployed, or nothing to do)
  | 'Degraded' // done: rolled back by analysis or the progress deadline
  | 'Aborted'; // done: rolled back by a person (abort, interrupt)

export const TERMINAL_PHASES: readonly Phase[] = ['Healthy', 'Degraded', 'Aborted'];

export function isTerminal(phase: Phase): boolean {
  return TERMINAL_PHASES.includes(phase);
}

export type RollbackCause = 'analysis' | 'deadline' | 'user' | 'interrupt' | 'timeout' | 'rollbackToStable';

/** Canary: canary at full size, all traffic to it, stable rolled to the new template, traffic back, canary scaled down. */
export type CanaryPromotionStage = 'CanaryFull' | 'TrafficToCanary' | 'UpdateStable' | 'TrafficToStable' | 'ScaleDown';
/**
 * Blue-green: the preview at full size, the active Service switched to it, postPromotionAnalysis,
 * then (after scaleDownDelaySeconds for the previous revision) stable rolled to the new template,
 * the active Service back on stable, the preview scaled down.
 */
export type BlueGreenPromotionStage = 'PreviewFull' | 'SwitchActive' | 'PostPromotionAnalysis' | 'UpdateStable' | 'ActiveToStable' | 'ScaleDown';
export type PromotionStage = CanaryPromotionStage | BlueGreenPromotionStage;
export type RollbackStage = 'TrafficToStable' | 'ScaleDown';

export interface Pause {
  /** BlueGreenPause: blue-green's pause before the switch (autoPromotionEnabled: false, or autoPromotionSeconds). */
  reason: 'PauseStep' | 'BlueGreenPause' | 'InconclusiveAnalysis';
  startedAt: number;
  /** null: until promote. */
  durationMs: number | null;
}

/** Something asked of the run from outside: `canary abort|promote|retry`, or a signal. */
export interface RunRequest {
  id: string;
  kind: 'abort' | 'promote' | 'promoteFull' | 'retry';
  at: number;
  /** user@host or the CI job that asked. */
  by: string;
  reason: string | null;
}

/**
 * The canary's scale-down once the verdict is in (traffic already safe): due after
 * scaleDownDelaySeconds (promoted) or abortScaleDownDelaySeconds (rolled back).
 */
export interface PendingScaleDown {
  /** When it is due. */
  at: number;
  delay: 'scaleDownDelaySeconds' | 'abortScaleDownDelaySeconds';
  /** The runner left it to the next canary command (`run --scale-down leave`, or a signal while it waited). */
  left: boolean;
}

/** A request as the run received it, with its answer. */
export interface ReceivedRequest {
  kind: RunRequest['kind'];
  by: string;
  at: number;
  reason: string | null;
  outcome: string;
}

/** One run as `canary history` lists it: kept in the run state of the runs after it. */
export interface RunRecord {
  runId: string;
  mode: RunMode;
  revision: string;
  stableRevision: string | null;
  images: string[];
  /** The phase it ended in; a run replaced before it ended keeps the phase it was in. */
  phase: Phase;
  /** Why it ended: a rollback's cause, if it rolled back. */
  cause: RollbackCause | null;
  /** The run's last message: its verdict's reason once it ended. */
  reason: string;
  stepIndex: number;
  stepCount: number;
  startedAt: number;
  finishedAt: number | null;
  /** The runner that drove it last (user@host pid N [CI job]). */
  owner: string;
  requests: ReceivedRequest[];
}

export interface HistoryEntry {
  at: number;
  /** Event reason, CamelCase as Argo's: RolloutStepCompleted, TrafficWeightUpdated, RolloutAborted... */
  reason: string;
  message: string;
}

export interface RunState {
  schema: typeof RUN_STATE_SCHEMA;
  runId: string;
  rollout: { namespace: string; name: string };
  /** The Rollout's strategy when the run started (a state written before blue-green existed reads as canary). */
  strategy: StrategyKind;
  mode: RunMode;
  /** Hash of the desired pod template: the revision this run rolls out. */
  revision: string;
  /** Hash of the stable template when the run started; null on the initial deploy. */
  stableRevision: string | null;
  /** Container images of the desired template and of stable when the run started, for status. */
  images: { canary: string[]; stable: string[] };
  phase: Phase;
  message: string;
  /** 0-based index of the current step; steps.length once all are done. */
  stepIndex: number;
  stepCount: number;
  stepStartedAt: number;
  /** The weight the steps ask for now (Argo's SetWeight). */
  setWeight: number;
  /** The canary weight last written to the route object (Argo's ActualWeight); null before any write. */
  weight: number | null;
  /** Which track each track's Service selects, as last observed (blue-green's active and preview selectors). */
  services: { stable: Track | null; canary: Track | null };
  /** setCanaryScale in effect, if any. */
  canaryScale: CanaryScale | null;
  pause: Pause | null;
  /** Inconclusive analysis runs a person accepted with promote: they no longer pause the run. */
  acceptedRuns: string[];
  /** Analysis runs of this rollout run: "background" and "step-N" (canary), "pre-promotion" and "post-promotion" (blue-green). */
  analyses: AnalysisRun[];
  promotion: { stage: PromotionStage; since: number; full: boolean; scaleDownAt: number | null } | null;
  rollback: { cause: RollbackCause; reason: string; since: number; stage: RollbackStage; scaleDownAt: number | null } | null;
  /** Set with the verdict until the canary is scaled down; absent in states written by older versions. */
  scaleDown?: PendingScaleDown | null;
  /** The experiment of the current step, from its start until it ends; absent in older states. */
  experiment?: ExperimentState | null;
  /** When the current wait for pods began (null: not waiting), the pods available then, and whether the deadline passed. */
  /** `deployment`: the experiment template's Deployment waited for, when it is one (absent in older states). */
  progress: { since: number | null; exceeded: boolean; lastReady: number; deployment?: string };
  handledRequests: string[];
  /** The requests this run acted on or answered (who aborted or promoted it); absent in older states. */
  requests?: ReceivedRequest[];
  /** The runs before this one, newest first (`canary history`); absent in older states. */
  past?: RunRecord[];
  history: HistoryEntry[];
  startedAt: number;
  updatedAt: number;
  finishedAt: number | null;
  /** Who drives the run: the Lease holder identity of the runner that last wrote. */
  owner: string;
  /** --time-scale the run was started with; a runner that resumes it (abort, retry) keeps it. */
  timeScale: number;
}

export interface ExperimentState {
  stepIndex: number;
  /** `<rollout>-<revision>-<step index>`: its objects are named `<name>-<template>`. */
  name: string;
  startedAt: number;
  /** When every template's pods were first available (Argo's availableAt): analyses and duration start then. */
  availableAt: number | null;
  /** pod-template-hash of each template's pods, by template name, once available. */
  hashes: Record<string, string>;
}

export const HISTORY_LIMIT = 100;
/** Past runs kept in the state (`canary history`): a ConfigMap holds 1 MiB, a record is well under 1 KiB. */
export const PAST_RUNS_LIMIT = 30;
/** Requests kept per run. */
export const REQUESTS_LIMIT = 20;
/** Handled request ids kept; the store deletes a request key once its id is listed here. */
export const HANDLED_REQUESTS_LIMIT = 500;
