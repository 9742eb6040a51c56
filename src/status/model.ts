/**
 * The status view model: everything `canary status` shows, as strings, numbers and icons, never
 * colours. Renderers (tree, lines, JSON/YAML) only lay it out. `-o json|yaml` prints it verbatim, so
 * these names are a public schema (docs/status.md): add fields freely, rename or remove only with a
 * new STATUS_SCHEMA_VERSION. Timestamps are RFC 3339 strings (UTC, seconds); durations are ms.
 */
import type { AnalysisPhase } from '../analysis/types.js';
import type { Pause, Phase, RunMode, RunRequest } from '../engine/types.js';
import type { Icon } from './icons.js';
import type { RouteInfo } from './types.js';

export const STATUS_SCHEMA_VERSION = 1;

/** The phases a user of Argo Rollouts knows, plus Unknown when no run was ever recorded. */
export type StatusPhase = 'Healthy' | 'Progressing' | 'Paused' | 'Degraded' | 'Aborted' | 'Unknown';

/** Why the rollout is in its phase; stable codes for scripts (docs/status.md lists each). */
export const STATUS_REASONS = [
  'NoRun',
  'WaitingForRun', // --revision given and the state belongs to another revision (or none yet)
  'NewRunStarting', // a live runner holds the Lease but the state is still the previous run's
  'Initializing', // first deploy of the stable Deployment
  'StepInProgress',
  'Promoting',
  'RestoringStable', // the stable template was applied again: the canary is undone, no steps
  'PauseStep',
  'PausedUntilPromote',
  'BlueGreenPause', // blue-green, before the switch: until promoted (autoPromotionEnabled: false) or autoPromotionSeconds
  'InconclusiveAnalysis',
  'Promoted',
  'Deployed',
  'StableRestored',
  'AlreadyStable',
  'AnalysisFailed',
  'ProgressDeadlineExceeded',
  'RunnerLost',
  'AbortedByUser',
  'Interrupted',
  'TimedOut',
] as const;

export type StatusReason = (typeof STATUS_REASONS)[number];

export interface StatusSummary {
  phase: StatusPhase;
  icon: Icon;
  reason: StatusReason;
  /** What is happening. Changes only when something happens, so line-per-change output can dedup on it. */
  message: string;
  /** The part that moves with the clock ("18s left", "for 45s"); null when nothing does. */
  timing: string | null;
  /** The run ended and this verdict will not change (the only state `status --watch` exits on). */
  settled: boolean;
  /** What the reader can do now; null when nothing is needed. */
  next: string | null;
}

export interface RunSummary {
  id: string;
  mode: RunMode;
  revision: string;
  stableRevision: string | null;
  /** The runner's own phase (RunState.phase), for scripts that want the finer grain. */
  phase: Phase;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  /** now - startedAt */
  ageMs: number;
  /** now - updatedAt: how stale the state is. */
  updatedAgoMs: number;
  /** now - finishedAt */
  finishedAgoMs: number | null;
}

export interface StepView {
  /** 1-based step the run is on, as the run's messages count ("paused at step 2/9"); count when all are done. */
  current: number;
  count: number;
  /** Steps completed (Argo's currentStepIndex). */
  completed: number;
  /** "2/9" */
  label: string;
}

export type Track = 'stable' | 'canary';

/** Argo's INFO tags: the track, and for blue-green which Deployment the active and preview Services select. */
export type WorkloadTag = Track | 'active' | 'preview';

export interface ImageView {
  image: string;
  tags: WorkloadTag[];
}

export interface ReplicasView {
  desired: number;
  current: number;
  /** Pods of the run's revision. */
  updated: number;
  ready: number;
  available: number;
}

export interface RunnerView {
  /** live: a runner holds a fresh Lease. lost: the run needs one and none is live. idle: the run ended, none needed. */
  state: 'live' | 'lost' | 'idle';
  /** The Lease holder, or the last runner that wrote the state when the Lease is free. */
  identity: string | null;
  renewedAt: string | null;
  renewedAgoMs: number | null;
  /** null: nobody holds the Lease. */
  leaseExpired: boolean | null;
  text: string;
}

export interface PauseView {
  reason: Pause['reason'];
  startedAt: string;
  /** null: until `canary promote`. */
  durationMs: number | null;
  /** null for an indefinite pause; 0 once over. With no live runner: what was left when it stopped. */
  remainingMs: number | null;
}

export interface ObjectStatus {
  icon: Icon;
  text: string;
}

export interface PodView {
  name: string;
  ready: boolean;
  phase: string;
  restarts: number;
  reason: string | null;
  ageMs: number;
  status: ObjectStatus;
}

export interface DeploymentView {
  name: string;
  track: Track;
  /** Argo's INFO column: `stable`, `canary`; blue-green adds `active` and `preview` where those Services point. */
  tags: WorkloadTag[];
  revision: string | null;
  images: string[];
  replicas: number;
  current: number;
  updated: number;
  ready: number;
  available: number;
  ageMs: number | null;
  status: ObjectStatus;
  pods: PodView[];
}

export interface RouteView {
  kind: RouteInfo['kind'];
  name: string | null;
  /** Canary weight on the object; null when it does not exist (or kind 'none'). */
  weight: number | null;
  /** canary's header and mirror routes in place, by managedRoutes name; [] when none. */
  managedRoutes: string[];
  /** Weighted experiment templates' Services on the object and their weights (and the experiment Deployment each is for, when known); [] when none. */
  additional: { service: string; weight: number; deployment?: string }[];
}

export interface WeightView {
  /** null when unknown (route object missing, no pods). */
  value: number | null;
  /** route: read from the TrafficSplit/HTTPRoute. pods: no trafficRouting, canary share of available pods. */
  source: 'route' | 'pods';
}

export interface Counts {
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
}

export interface MetricView {
  name: string;
  phase: AnalysisPhase;
  /** Its run was cut short (rollback, skipped step) before this metric ended on its own. */
  terminated: boolean;
  icon: Icon;
  dryRun: boolean;
  counts: Counts;
  /** The last finished measurement's value as Argo prints it ("[0.99]"); null when none had one. */
  lastValue: string | null;
  /** The last error message, when the last finished measurement was an error. */
  lastError: string | null;
  /** First number of each retained finished measurement, oldest first; null where there was none (error, [], NaN, text). */
  samples: (number | null)[];
  message: string | null;
}

export interface AnalysisView {
  /** "background" or "step-N" */
  id: string;
  /** Argo's phase; a run cut short by a rollback or a skipped step keeps Argo's Successful here, see `terminated`. */
  phase: AnalysisPhase;
  /** Cut short by a rollback or a skipped step: shown as Terminated (icon ⊘), never as a success. */
  terminated: boolean;
  icon: Icon;
  message: string | null;
  startedAt: string;
  completedAt: string | null;
  ageMs: number;
  counts: Counts;
  metrics: MetricView[];
}

export interface RequestView {
  kind: RunRequest['kind'];
  by: string;
  reason: string | null;
  at: string;
  agoMs: number;
}

export interface EventView {
  at: string;
  agoMs: number;
  reason: string;
  message: string;
}

/** The canary's scale-down after the verdict, while it is pending. */
export interface ScaleDownView {
  /** When it is due: scaleDownDelaySeconds (promoted) or abortScaleDownDelaySeconds (rolled back) after the verdict. */
  dueAt: string;
  /** 0 once due. */
  remainingMs: number;
  delay: 'scaleDownDelaySeconds' | 'abortScaleDownDelaySeconds';
  /** runner: the live runner waits for it. next-command: the next canary command for this rollout does it once due. */
  by: 'runner' | 'next-command';
}

export interface ServiceView {
  name: string;
  /** The Rollout field that names it. */
  role: 'stableService' | 'canaryService' | 'activeService' | 'previewService';
  /** null: not found, or it selects no track yet. */
  selects: Track | null;
}

export interface StatusView {
  schemaVersion: typeof STATUS_SCHEMA_VERSION;
  name: string;
  namespace: string;
  observedAt: string;
  status: StatusSummary;
  /** null when no run is recorded, or while waiting for the run of revisionWanted. */
  run: RunSummary | null;
  revisionWanted: string | null;
  strategy: 'Canary' | 'BlueGreen';
  /** The Services canary points at a track (stable/canary, blue-green's active/preview), and which track each selects now. */
  services: ServiceView[];
  /** null when the run has no steps to walk (first deploy, restoring stable) or there is no run. */
  step: StepView | null;
  /** The weight the steps ask for now (Argo's SetWeight); null when no canary steps apply or the run ended. */
  setWeight: number | null;
  actualWeight: WeightView;
  images: ImageView[];
  replicas: ReplicasView;
  runner: RunnerView;
  pause: PauseView | null;
  deployments: DeploymentView[];
  /** The running experiment step (Argo's Experiment): its Deployments and the ids of its analysis runs. */
  experiment: ExperimentView | null;
  route: RouteView;
  analyses: AnalysisView[];
  /** Requests not yet handled by the runner. */
  pendingRequests: RequestView[];
  /** null when no scale-down is pending. */
  scaleDown: ScaleDownView | null;
  lastEvent: EventView | null;
}

export interface ExperimentView {
  /** `<rollout>-<revision>-<step index>`. */
  name: string;
  ageMs: number | null;
  status: ObjectStatus;
  deployments: DeploymentView[];
  /** Its analysis runs ("step-1-judge"), shown under it. */
  analysisIds: string[];
}
