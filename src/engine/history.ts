/**
 * Which RunEvents become Kubernetes Events (and entries of the state's history), with Argo's
 * CamelCase reasons so that `kubectl describe` reads like an Argo rollout's.
 */
import { assertNever } from '../util/assert-never.js';
import { formatDuration } from '../util/duration.js';
import type { RunEvent } from './events.js';
import { HISTORY_LIMIT, type HistoryEntry, type Pause, type RunState } from './types.js';

export interface KubeEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Argo's pause condition reasons. */
const PAUSE_REASONS: { [K in Pause['reason']]: string } = {
  PauseStep: 'CanaryPauseStep',
  BlueGreenPause: 'BlueGreenPause',
  InconclusiveAnalysis: 'InconclusiveAnalysisRun',
};

export function kubeEventOf(e: RunEvent): KubeEvent | null {
  switch (e.kind) {
    case 'started':
      return { type: 'Normal', reason: e.resumed ? 'RolloutResumed' : 'RolloutUpdated', message: `${e.resumed ? 'Resumed' : 'Started'} ${e.mode} run of revision ${e.revision} (${e.images.join(', ')})` };
    case 'stepStarted':
      return null;
    case 'serviceSwitched':
      return { type: 'Normal', reason: 'SwitchService', message: `Switched selector for service '${e.service}' (${e.role}) from ${e.from}${e.fromRevision ? ` (revision ${e.fromRevision})` : ''} to ${e.to}${e.toRevision ? ` (revision ${e.toRevision})` : ''}` };
    case 'stepCompleted':
      return { type: 'Normal', reason: 'RolloutStepCompleted', message: `Rollout step ${e.index + 1}/${e.stepCount} completed` };
    case 'weightChanged':
      return { type: 'Normal', reason: 'TrafficWeightUpdated', message: `Traffic weight updated from ${e.from ?? 0} to ${e.to}` };
    case 'waiting':
      return e.problem ? { type: 'Warning', reason: 'PodsNotReady', message: `${e.track}: ${e.ready}/${e.desired} pods available: ${e.problem}` } : null;
    case 'paused':
      return {
        type: 'Normal',
        reason: 'RolloutPaused',
        message: `Rollout is paused (${PAUSE_REASONS[e.reason]}${e.until === null && e.reason !== 'InconclusiveAnalysis' ? ', until promoted' : ''})`,
      };
    case 'resumed':
      return { type: 'Normal', reason: 'RolloutResumed', message: e.by === 'promote' ? 'Rollout resumed by promote' : 'Rollout pause ended' };
    case 'analysisStarted':
      return { type: 'Normal', reason: 'AnalysisRunRunning', message: `Analysis ${e.runId} started (${e.metrics.join(', ') || 'no metrics'})` };
    case 'measurement':
      return null;
    case 'analysisCompleted':
      if (e.terminated) return { type: 'Warning', reason: 'AnalysisRunTerminated', message: `Analysis ${e.runId} terminated before it finished (${e.counts.successful} successful, ${e.counts.failed} failed measurements)` };
      return {
        type: e.phase === 'Successful' ? 'Normal' : 'Warning',
        reason: `AnalysisRun${e.phase}`,
        message: `Analysis ${e.runId} completed ${e.phase}${e.message ? `: ${e.message}` : ''}`,
      };
    case 'requestReceived':
      return { type: 'Normal', reason: 'RolloutRequest', message: `${e.request.kind} requested by ${e.request.by || 'unknown'}: ${e.outcome}` };
    case 'promoting':
      return { type: 'Normal', reason: 'RolloutPromoting', message: `Promotion: ${e.stage}` };
    case 'rollingBack':
      return { type: 'Warning', reason: 'RolloutAborted', message: `Rollout aborted update: ${e.reason}` };
    case 'scaledDown':
      return { type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled down canary to ${e.replicas}` };
    case 'scaleDownScheduled':
      return e.left ? { type: 'Normal', reason: 'ScaleDownLeft', message: `Canary scale-down (${e.delay}) left to the next canary command, due ${new Date(e.due).toISOString()}` } : null;
    case 'deadlineExceeded':
      return { type: 'Warning', reason: 'ProgressDeadlineExceeded', message: e.message };
    case 'warning':
      return { type: 'Warning', reason: 'RolloutWarning', message: e.message };
    case 'experimentDeleted':
      return e.leftover ? { type: 'Normal', reason: 'ExperimentDeleted', message: experimentDeletedText(e) } : null;
    case 'finished':
      return {
        type: e.phase === 'Healthy' ? 'Normal' : 'Warning',
        reason: e.phase === 'Healthy' ? 'RolloutCompleted' : e.phase === 'Aborted' ? 'RolloutAborted' : 'RolloutDegraded',
        message: `${e.phase}: ${e.reason} (${formatDuration(e.durationMs)})`,
      };
    default:
      return assertNever(e, 'run event');
  }
}

/** Appends the events worth keeping to the state's bounded history. */
export function withHistory(state: RunState, events: readonly RunEvent[]): RunState {
  const added: HistoryEntry[] = [];
  for (const e of events) {
    const k = kubeEventOf(e);
    if (k) added.push({ at: e.at, reason: k.reason, message: k.message });
  }
  if (added.length === 0) return state;
  return { ...state, history: [...state.history, ...added].slice(-HISTORY_LIMIT) };
}

/** What the run log, the live view and the Event say of an experiment object deleted. */
export function experimentDeletedText(e: Extract<RunEvent, { kind: 'experimentDeleted' }>): string {
  return `deleted experiment ${e.object} ${e.name}${e.leftover ? ', left by an earlier run (its experiment step is no longer in the Rollout, or that run ended without cleaning up)' : ''}`;
}
