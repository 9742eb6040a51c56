/**
 * What a run that a live runner drives is doing right now, read from the state and the cluster:
 * the message (changes only when something happens) and the clock-driven part kept apart, so a
 * line-per-change watch does not print a new line every second.
 */
import { isCompleted } from '../analysis/assess.js';
import type { PromotionStage, RunState } from '../engine/types.js';
import { assertNever } from '../util/assert-never.js';
import { formatAge, formatRemaining } from './time.js';
import type { StatusInput } from './types.js';
import { stepLabel } from './where.js';
import { podProblems } from './workloads.js';

export interface Activity {
  message: string;
  timing: string | null;
}

/** A step is running: an analysis, pods coming up, or traffic shifting. */
export function stepActivity(input: StatusInput, state: RunState): Activity {
  const step = `step ${stepLabel(state)}`;
  const run = state.analyses.find((r) => r.id === `step-${state.stepIndex + 1}`);
  if (run && !isCompleted(run.phase)) {
    return { message: `${step}: analysis ${run.id} is running (${run.metrics.map((m) => m.name).join(', ') || 'no metrics'})`, timing: `${formatAge(input.now - run.startedAt)} so far` };
  }
  const ex = state.experiment;
  if (ex && ex.stepIndex === state.stepIndex && ex.availableAt === null) {
    const mine = (input.experiment ?? []).filter((d) => d.name.startsWith(`${ex.name}-`));
    const waiting = mine.find((d) => d.available < d.replicas);
    if (waiting) {
      const problem = podProblems(waiting);
      return { message: `${step}: waiting for experiment Deployment ${waiting.name} pods: ${waiting.available}/${waiting.replicas} available${problem ? ` (${problem})` : ''}`, timing: waitingFor(input.now, state) };
    }
    if (mine.length === 0) return { message: `${step}: creating the experiment's Deployments (${ex.name}-*)`, timing: waitingFor(input.now, state) };
  }
  const canary = input.canary;
  if (canary && canary.revision !== null && canary.revision !== state.revision && canary.replicas > 0) {
    return { message: `${step}: replacing the previous canary (revision ${canary.revision})`, timing: null };
  }
  if (!canary || canary.available < canary.replicas || canary.updated < canary.replicas) {
    return { message: `${step}: ${podWait('canary', canary)}`, timing: waitingFor(input.now, state) };
  }
  if (input.route.kind !== 'none' && input.route.weight !== state.setWeight) {
    return { message: `${step}: setting the canary weight to ${state.setWeight}% (${input.route.weight ?? 0}% now)`, timing: null };
  }
  return { message: `${step}: canary at ${state.setWeight}%, moving on`, timing: null };
}

/** Blue-green before the switch: the preview coming up, prePromotionAnalysis, or waiting to promote. */
export function previewActivity(input: StatusInput, state: RunState): Activity {
  const preview = input.canary;
  const head = `preview of revision ${state.revision}`;
  if (!preview || preview.revision !== state.revision || preview.available < preview.replicas || preview.updated < preview.replicas) {
    return { message: `${head}: ${podWait('canary', preview)}`, timing: waitingFor(input.now, state) };
  }
  const run = state.analyses.find((r) => r.id === 'pre-promotion');
  if (run && !isCompleted(run.phase)) {
    return { message: `${head}: prePromotionAnalysis is running (${run.metrics.map((m) => m.name).join(', ') || 'no metrics'})`, timing: `${formatAge(input.now - run.startedAt)} so far` };
  }
  return { message: `${head}: ready; switching ${serviceName(input, 'activeService')} next`, timing: null };
}

function serviceName(input: StatusInput, role: 'activeService' | 'previewService'): string {
  return input.services?.find((s) => s.role === role)?.name ?? `the ${role === 'activeService' ? 'active' : 'preview'} Service`;
}

export function initialActivity(input: StatusInput, state: RunState): Activity {
  return {
    message: `first deploy of revision ${state.revision} as stable (no steps, no analysis): ${podWait('stable', input.stable)}`,
    timing: waitingFor(input.now, state),
  };
}

export function promotionActivity(input: StatusInput, state: RunState): Activity {
  const p = state.promotion;
  const stage: PromotionStage = p?.stage ?? 'CanaryFull';
  const head = `promoting (${p?.full ? 'promote --full, ' : ''}${stage})`;
  const weight = `${input.route.weight ?? 0}% now`;
  switch (stage) {
    case 'CanaryFull':
      return { message: `${head}: scaling the canary to full size: ${podWait('canary', input.canary)}`, timing: waitingFor(input.now, state) };
    case 'TrafficToCanary':
      return { message: `${head}: sending all traffic to the canary (${weight})`, timing: null };
    case 'UpdateStable': {
      const s = input.stable;
      const at = p?.scaleDownAt ?? null;
      if (state.strategy === 'blueGreen' && at !== null && at > input.now) {
        return scaleDown(`${head}: revision ${state.revision} serves; the previous revision keeps its pods`, at, input.now, 'scaleDownDelaySeconds');
      }
      const counts = s ? `${s.updated}/${s.replicas} updated, ${s.available} available` : 'Deployment not found';
      return { message: `${head}: rolling ${s?.name ?? 'the stable Deployment'} to revision ${state.revision}: ${counts}`, timing: waitingFor(input.now, state) };
    }
    case 'TrafficToStable':
      return { message: `${head}: moving traffic back to the updated stable (canary ${weight})`, timing: null };
    case 'ScaleDown':
      return scaleDown(`${head}: all traffic on revision ${state.revision}; scaling the ${state.strategy === 'blueGreen' ? 'preview' : 'canary'} down`, p?.scaleDownAt ?? null, input.now, 'scaleDownDelaySeconds');
    case 'PreviewFull':
      return { message: `${head}: scaling the preview to full size before the switch: ${podWait('canary', input.canary)}`, timing: waitingFor(input.now, state) };
    case 'SwitchActive':
      return { message: `${head}: switching ${serviceName(input, 'activeService')} to the preview (revision ${state.revision})`, timing: null };
    case 'PostPromotionAnalysis': {
      const run = state.analyses.find((r) => r.id === 'post-promotion');
      const what = run && !isCompleted(run.phase) ? `postPromotionAnalysis is running (${run.metrics.map((m) => m.name).join(', ') || 'no metrics'})` : 'checking the new revision';
      return { message: `${head}: ${serviceName(input, 'activeService')} serves revision ${state.revision}; ${what}`, timing: run ? `${formatAge(input.now - run.startedAt)} so far` : null };
    }
    case 'ActiveToStable':
      return { message: `${head}: moving ${serviceName(input, 'activeService')} back to the updated stable Deployment`, timing: null };
    default:
      return assertNever(stage, 'promotion stage');
  }
}

export function rollbackActivity(input: StatusInput, state: RunState, head: string): Activity {
  const rb = state.rollback;
  const stage = rb?.stage ?? 'TrafficToStable';
  switch (stage) {
    case 'TrafficToStable':
      return {
        message: input.route.kind === 'none' ? `${head}; waiting for stable to take all traffic back (${podWait('stable', input.stable)})` : `${head}; moving traffic back to stable (canary ${input.route.weight ?? 0}% now)`,
        timing: null,
      };
    case 'ScaleDown':
      return scaleDown(`${head}; traffic is back on stable, the canary scales down`, rb?.scaleDownAt ?? null, input.now, 'abortScaleDownDelaySeconds');
    default:
      return assertNever(stage, 'rollback stage');
  }
}

function scaleDown(message: string, at: number | null, now: number, setting: string): Activity {
  if (at !== null && at > now) return { message: `${message} after ${setting}`, timing: `in ${formatRemaining(at - now)}` };
  return { message, timing: null };
}

function podWait(track: 'stable' | 'canary', d: StatusInput['stable']): string {
  if (!d) return `waiting for the ${track} Deployment to be created`;
  const problem = podProblems(d);
  return `waiting for ${track} pods: ${d.available}/${d.replicas} available${problem ? ` (${problem})` : ''}`;
}

/** How long the run has waited for pods without progress (what progressDeadlineSeconds counts). */
function waitingFor(now: number, state: RunState): string | null {
  return state.progress.since === null ? null : `${formatAge(now - state.progress.since)} so far`;
}
