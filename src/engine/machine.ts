/**
 * The rollout as a pure state machine. `reconcile` compares the persisted decisions (step, pause,
 * analyses, promotion, rollback) with what the cluster looks like now, moves the run forward and
 * lists the idempotent effects that bring the cluster in line. `apply` folds in what happened
 * outside: requests, measurements, signals. Neither reads a clock nor touches the cluster.
 */
import { dropInFlight } from '../analysis/run.js';
import type { ProviderResult } from '../providers/provider.js';
import { assertNever } from '../util/assert-never.js';
import { formatDuration } from '../util/duration.js';
import { allComplete, ensureRun, explainFailure, failedRun, findRun, recordMeasurement, scheduleMeasurements, terminateRuns } from './analyses.js';
import { BACKGROUND_RUN, stepRunId, type EngineContext } from './context.js';
import type { Effect } from './effects.js';
import type { RunEvent } from './events.js';
import type { Observation } from './ports.js';
import { trackProgress } from './progress.js';
import { canaryReplicas, canaryScaleAt, setWeightAt, stableReplicas } from './replicas.js';
import {
  advance,
  finish,
  pause,
  pauseMessage,
  promotionStage,
  resume,
  startPromotion,
  startRollback,
  stepLabel,
} from './transitions.js';
import { Tx } from './tx.js';
import { HANDLED_REQUESTS_LIMIT, isTerminal, type RunRequest, type RunState } from './types.js';
import { availableOf, ensureDesired, ensureScale, ensureService, isRouted, isSettled, servicesConfigured } from './workload-moves.js';

export interface Reconciled {
  state: RunState;
  events: RunEvent[];
  /** Cluster writes and background work, in the order they must happen. */
  effects: Effect[];
  /** Call again at this time even if nothing changes; null: only on change. */
  wakeAt: number | null;
}

export type Input =
  | { kind: 'request'; request: RunRequest }
  | { kind: 'measured'; runId: string; metric: string; result: ProviderResult }
  /** An analysis's templates were resolved (ctx.metrics has them now): drop what a dead runner left in flight. */
  | { kind: 'analysisResolved'; runId: string }
  | { kind: 'interrupted'; signal: string }
  | { kind: 'timedOut'; afterMs: number };

/** Moves per call at most: a step that completes at once (e.g. a satisfied setWeight) lets the next one start. */
const MAX_PASSES = 25;

export function reconcile(state: RunState, obs: Observation, ctx: EngineContext): Reconciled {
  const tx = new Tx(state, ctx.now);
  observeWeight(tx, obs, ctx);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const before = tx.state;
    const effects = tx.effects.length;
    handle(tx, obs, ctx);
    // Another pass only after a move (a step, stage or phase changed) that asked nothing of the cluster.
    const moved =
      tx.state.phase !== before.phase ||
      tx.state.stepIndex !== before.stepIndex ||
      tx.state.promotion?.stage !== before.promotion?.stage ||
      tx.state.rollback?.stage !== before.rollback?.stage;
    if (!moved || tx.effects.length > effects || isTerminal(tx.state.phase)) break;
  }
  return done(tx, state);
}

/** The weight on the route object is the truth; the state follows it and reports changes. */
function observeWeight(tx: Tx, obs: Observation, ctx: EngineContext): void {
  if (!isRouted(ctx) || obs.weight === null || obs.weight === tx.state.weight) return;
  const router = ctx.spec.canary.trafficRouting.kind === 'smi' ? 'TrafficSplit' : 'HTTPRoute';
  tx.emit({ kind: 'weightChanged', at: tx.now, from: tx.state.weight, to: obs.weight, router });
  tx.set({ weight: obs.weight });
}

export function apply(state: RunState, input: Input, ctx: EngineContext): { state: RunState; events: RunEvent[] } {
  const tx = new Tx(state, ctx.now);
  switch (input.kind) {
    case 'request':
      handleRequest(tx, ctx, input.request);
      break;
    case 'measured':
      recordMeasurement(tx, ctx, input.runId, input.metric, input.result);
      break;
    case 'analysisResolved': {
      const run = findRun(tx, input.runId);
      const metrics = ctx.metrics.get(input.runId);
      if (run && metrics) {
        const next = dropInFlight(run, metrics, tx.now);
        if (next !== run) tx.set({ analyses: tx.state.analyses.map((r) => (r.id === run.id ? next : r)) });
      }
      break;
    }
    case 'interrupted':
      if (!isTerminal(tx.state.phase) && !lateInPromotion(tx)) startRollback(tx, ctx, 'interrupt', `interrupted by ${input.signal}`);
      break;
    case 'timedOut':
      if (!isTerminal(tx.state.phase) && !lateInPromotion(tx)) startRollback(tx, ctx, 'timeout', `timed out after ${formatDuration(input.afterMs)} (--timeout)`);
      break;
    default:
      assertNever(input, 'input');
  }
  const out = done(tx, state);
  return { state: out.state, events: out.events };
}

function done(tx: Tx, original: RunState): Reconciled {
  const state = tx.state === original ? original : { ...tx.state, updatedAt: tx.now };
  return { state, events: tx.events, effects: tx.effects, wakeAt: tx.wakeTime };
}

function handle(tx: Tx, obs: Observation, ctx: EngineContext): void {
  const phase = tx.state.phase;
  switch (phase) {
    case 'Initializing':
      return initializing(tx, obs, ctx);
    case 'Progressing':
    case 'Paused':
      progressing(tx, obs, ctx);
      // A run created above (or a step that just started one) gets its first measurement now.
      if (tx.state.phase === 'Progressing' || tx.state.phase === 'Paused') scheduleMeasurements(tx, ctx);
      return;
    case 'Promoting':
      return promoting(tx, obs, ctx);
    case 'RollingBack':
      return rollingBack(tx, obs, ctx);
    case 'Healthy':
    case 'Degraded':
    case 'Aborted':
      return;
    default:
      assertNever(phase, 'phase');
  }
}

/** First deploy: the stable Deployment at full size, both Services on it, the route at weight 0. */
function initializing(tx: Tx, obs: Observation, ctx: EngineContext): void {
  const R = ctx.spec.replicas;
  const svc = servicesConfigured(ctx);
  ensureDesired(tx, ctx, obs, 'stable', R);
  ensureService(tx, obs, 'stable', 'stable', svc.stable);
  ensureService(tx, obs, 'canary', 'stable', svc.canary);
  if (isRouted(ctx)) setWeight(tx, obs, 0);
  const settled = isSettled(obs.stable, ctx.revision, R);
  trackProgress(tx, ctx, settled ? null : { track: 'stable', available: availableOf(obs.stable, ctx.revision), desired: R, problem: obs.stable?.problem ?? null });
  if (settled && tx.effects.length === 0) finish(tx, 'Healthy', `deployed revision ${ctx.revision} as stable (first deploy: no steps, no analysis)`);
}

function progressing(tx: Tx, obs: Observation, ctx: EngineContext): void {
  const spec = ctx.spec;
  const steps = spec.canary.steps;
  const routed = isRouted(ctx);
  const svc = servicesConfigured(ctx);

  // Analyses first: a failed one ends everything else.
  if (spec.canary.analysis && tx.state.stepIndex >= spec.canary.analysis.startingStep && tx.state.stepIndex < steps.length) {
    ensureRun(tx, ctx, BACKGROUND_RUN);
  }
  scheduleMeasurements(tx, ctx);
  const failed = failedRun(tx);
  if (failed) return startRollback(tx, ctx, 'analysis', `analysis ${failed.id} ${failed.phase === 'Error' ? 'errored' : 'failed'}: ${explainFailure(ctx, failed)}`);
  const inconclusive = tx.state.analyses.find((r) => r.phase === 'Inconclusive' && !tx.state.acceptedRuns.includes(r.id));
  if (inconclusive && tx.state.pause?.reason !== 'InconclusiveAnalysis') {
    return pause(tx, 'InconclusiveAnalysis', null, `paused: analysis ${inconclusive.id} was inconclusive (${explainFailure(ctx, inconclusive)}); \`canary promote ${spec.name}\` continues, \`canary abort ${spec.name}\` rolls back`);
  }

  if (tx.state.stepIndex >= steps.length) return startPromotion(tx, ctx, false);

  // The canary's size and the weight follow the steps; traffic never goes to pods that are not available.
  const index = tx.state.stepIndex;
  const step = steps[index]!;
  const setW = setWeightAt(spec, index);
  const scale = canaryScaleAt(spec, index);
  const wantCanary = canaryReplicas(spec, setW, scale);
  if (tx.state.setWeight !== setW || JSON.stringify(tx.state.canaryScale) !== JSON.stringify(scale)) tx.set({ setWeight: setW, canaryScale: scale });

  if (obs.canary && obs.canary.revision !== ctx.revision && (obs.weight ?? 0) > 0) {
    // A canary of another revision still takes traffic: take it away before replacing the pods.
    setWeight(tx, obs, 0);
    return;
  }
  ensureDesired(tx, ctx, obs, 'canary', wantCanary);
  const canaryAvailable = availableOf(obs.canary, ctx.revision);
  const canaryReady = canaryAvailable >= wantCanary && obs.canary?.replicas === wantCanary;
  ensureScale(tx, obs, 'stable', stableReplicas(spec, tx.state.weight ?? 0, canaryAvailable));
  ensureService(tx, obs, 'stable', 'stable', svc.stable);
  ensureService(tx, obs, 'canary', canaryAvailable > 0 ? 'canary' : 'stable', svc.canary);

  if (routed) {
    const current = obs.weight ?? 0;
    const canaryServed = !svc.canary || obs.services.canary === 'canary';
    let target = canaryReady ? setW : Math.min(setW, current);
    if (canaryAvailable === 0 || !canaryServed) target = 0;
    setWeight(tx, obs, target);
  }

  const pods = { track: 'canary' as const, available: canaryAvailable, desired: wantCanary, problem: obs.canary?.problem ?? null };
  switch (step.kind) {
    case 'setWeight': {
      const weightDone = !routed || (obs.weight === step.weight && obs.weightVerified !== false);
      // Replica-weighted: the step is done once stable gave up as many pods as the canary has available.
      const stableDone = routed || obs.stable?.replicas === stableReplicas(spec, 0, canaryAvailable);
      trackProgress(tx, ctx, canaryReady ? null : pods);
      if (canaryReady && weightDone && stableDone && tx.effects.length === 0) advance(tx, ctx);
      return;
    }
    case 'setCanaryScale':
      trackProgress(tx, ctx, canaryReady ? null : pods);
      if (canaryReady && tx.effects.length === 0) advance(tx, ctx);
      return;
    case 'pause': {
      trackProgress(tx, ctx, null);
      const p = tx.state.pause;
      if (!p) return pause(tx, 'PauseStep', step.durationMs, pauseMessage(step.durationMs, ctx, index));
      if (p.reason !== 'PauseStep' || p.durationMs === null) return;
      const end = p.startedAt + p.durationMs;
      if (tx.now >= end) {
        resume(tx, 'timer');
        advance(tx, ctx);
      } else tx.wakeAt(end);
      return;
    }
    case 'analysis': {
      trackProgress(tx, ctx, null);
      const run = ensureRun(tx, ctx, stepRunId(index));
      if (run?.phase === 'Successful') advance(tx, ctx);
      return;
    }
    default:
      assertNever(step, 'step');
  }
}

/** Canary at full size, traffic to it, stable rolled to the new template, traffic back, canary scaled down. */
function promoting(tx: Tx, obs: Observation, ctx: EngineContext): void {
  const R = ctx.spec.replicas;
  const routed = isRouted(ctx);
  const svc = servicesConfigured(ctx);
  const p = tx.state.promotion!;
  scheduleMeasurements(tx, ctx);
  const failed = failedRun(tx);
  if (failed && (p.stage === 'CanaryFull' || p.stage === 'TrafficToCanary')) {
    return startRollback(tx, ctx, 'analysis', `analysis ${failed.id} ${failed.phase === 'Error' ? 'errored' : 'failed'}: ${explainFailure(ctx, failed)}`);
  }
  switch (p.stage) {
    case 'CanaryFull': {
      ensureDesired(tx, ctx, obs, 'canary', R);
      const available = availableOf(obs.canary, ctx.revision);
      ensureService(tx, obs, 'canary', available > 0 ? 'canary' : 'stable', svc.canary);
      const ready = isSettled(obs.canary, ctx.revision, R);
      trackProgress(tx, ctx, ready ? null : { track: 'canary', available, desired: R, problem: obs.canary?.problem ?? null });
      if (ready && allComplete(tx) && tx.effects.length === 0) promotionStage(tx, routed ? 'TrafficToCanary' : 'UpdateStable');
      return;
    }
    case 'TrafficToCanary':
      trackProgress(tx, ctx, null);
      setWeight(tx, obs, 100);
      if (obs.weight === 100 && obs.weightVerified !== false && tx.effects.length === 0) promotionStage(tx, 'UpdateStable');
      return;
    case 'UpdateStable': {
      ensureDesired(tx, ctx, obs, 'stable', R);
      const settled = isSettled(obs.stable, ctx.revision, R);
      trackProgress(tx, ctx, settled ? null : { track: 'stable', available: availableOf(obs.stable, ctx.revision), desired: R, problem: obs.stable?.problem ?? null });
      if (settled && tx.effects.length === 0) {
        if (routed) promotionStage(tx, 'TrafficToStable');
        else promotionStage(tx, 'ScaleDown', tx.now + ctx.spec.canary.scaleDownDelayMs);
      }
      return;
    }
    case 'TrafficToStable':
      trackProgress(tx, ctx, null);
      setWeight(tx, obs, 0);
      ensureService(tx, obs, 'canary', 'stable', svc.canary);
      if (obs.weight === 0 && tx.effects.length === 0) promotionStage(tx, 'ScaleDown', tx.now + ctx.spec.canary.scaleDownDelayMs);
      return;
    case 'ScaleDown': {
      trackProgress(tx, ctx, null);
      ensureService(tx, obs, 'canary', 'stable', svc.canary);
      const at = p.scaleDownAt ?? tx.now;
      if (tx.now < at) {
        tx.set({ message: `promoted; scaling the canary down in ${formatDuration(at - tx.now)} (scaleDownDelaySeconds)` });
        return tx.wakeAt(at);
      }
      ensureScale(tx, obs, 'canary', 0);
      if ((obs.canary?.replicas ?? 0) === 0 && tx.effects.length === 0) {
        if (obs.canary) tx.emit({ kind: 'scaledDown', at: tx.now, track: 'canary', replicas: 0 });
        finish(tx, 'Healthy', `promoted revision ${ctx.revision}${p.full ? ' (promote --full)' : ` after ${ctx.spec.canary.steps.length} steps`}`);
      }
      return;
    }
    default:
      assertNever(p.stage, 'promotion stage');
  }
}

/** Weight to 0 at once (stepwise with dynamicStableScale as stable comes back), canary down after the delay. */
function rollingBack(tx: Tx, obs: Observation, ctx: EngineContext): void {
  const R = ctx.spec.replicas;
  const routed = isRouted(ctx);
  const svc = servicesConfigured(ctx);
  const rb = tx.state.rollback!;
  terminateRuns(tx, ctx);
  trackProgress(tx, ctx, null);
  switch (rb.stage) {
    case 'TrafficToStable': {
      ensureScale(tx, obs, 'stable', R);
      ensureService(tx, obs, 'stable', 'stable', svc.stable);
      ensureService(tx, obs, 'canary', 'stable', svc.canary);
      const stableAvailable = obs.stable ? Math.min(obs.stable.available, R) : 0;
      if (routed) {
        // With dynamicStableScale, stable may be short of pods: move traffic back as fast as it can take it.
        const cap = ctx.spec.canary.dynamicStableScale ? Math.max(0, 100 - Math.floor((stableAvailable * 100) / R)) : 0;
        setWeight(tx, obs, Math.min(obs.weight ?? 0, cap));
        if (obs.weight !== null && obs.weight !== 0) return;
        if (obs.weight === null && tx.effects.length) return;
      } else if (stableAvailable < R && obs.stable) {
        // Replica-weighted: the canary's pods carry traffic until stable can take all of it.
        return;
      }
      if (tx.effects.length) return;
      const delay = ctx.spec.canary.abortScaleDownDelayMs;
      const scaleDownAt = !routed ? tx.now : delay === 0 ? null : tx.now + delay;
      tx.set({ rollback: { ...rb, stage: 'ScaleDown', scaleDownAt } });
      return;
    }
    case 'ScaleDown': {
      const end = endPhase(rb.cause);
      if (rb.scaleDownAt === null) return finish(tx, end, `${rb.reason}; canary pods kept (abortScaleDownDelaySeconds: 0)`);
      if (tx.now < rb.scaleDownAt) {
        tx.set({ message: `rolled back: ${rb.reason}; scaling the canary down in ${formatDuration(rb.scaleDownAt - tx.now)}` });
        return tx.wakeAt(rb.scaleDownAt);
      }
      ensureScale(tx, obs, 'canary', 0);
      if ((obs.canary?.replicas ?? 0) === 0 && tx.effects.length === 0) {
        if (obs.canary) tx.emit({ kind: 'scaledDown', at: tx.now, track: 'canary', replicas: 0 });
        finish(tx, end, rb.reason);
      }
      return;
    }
    default:
      assertNever(rb.stage, 'rollback stage');
  }
}

function endPhase(cause: NonNullable<RunState['rollback']>['cause']): RunState['phase'] {
  switch (cause) {
    case 'analysis':
    case 'deadline':
      return 'Degraded';
    case 'user':
    case 'interrupt':
    case 'timeout':
      return 'Aborted';
    case 'rollbackToStable':
      return 'Healthy';
    default:
      return assertNever(cause, 'rollback cause');
  }
}

function setWeight(tx: Tx, obs: Observation, weight: number): void {
  if (obs.weight !== weight) tx.effect({ kind: 'setWeight', weight });
}

/** Once the stable Deployment is being rolled to the new template there is no old template to go back to. */
function lateInPromotion(tx: Tx): boolean {
  const stage = tx.state.promotion?.stage;
  return stage === 'UpdateStable' || stage === 'TrafficToStable' || stage === 'ScaleDown';
}

function handleRequest(tx: Tx, ctx: EngineContext, req: RunRequest): void {
  if (tx.state.handledRequests.includes(req.id)) return;
  const name = ctx.spec.name;
  const outcome = requestOutcome(tx, ctx, req, name);
  tx.set({ handledRequests: [...tx.state.handledRequests, req.id].slice(-HANDLED_REQUESTS_LIMIT) });
  tx.emit({ kind: 'requestReceived', at: tx.now, request: req, outcome });
}

function requestOutcome(tx: Tx, ctx: EngineContext, req: RunRequest, name: string): string {
  const s = tx.state;
  if (isTerminal(s.phase)) return `nothing to do: the run already ended ${s.phase}`;
  const by = req.by ? ` by ${req.by}` : '';
  switch (req.kind) {
    case 'abort':
      if (s.phase === 'RollingBack') return 'already rolling back';
      if (lateInPromotion(tx)) return 'too late to abort: the stable Deployment is already being rolled to the new revision; the promotion completes';
      startRollback(tx, ctx, 'user', `aborted${by}${req.reason ? `: ${req.reason}` : ''}`);
      return 'rolling back to stable';
    case 'promote': {
      if (s.phase === 'Promoting' || s.phase === 'RollingBack' || s.phase === 'Initializing') return `nothing to promote: the run is ${s.phase}`;
      const index = s.stepIndex;
      const step = ctx.spec.canary.steps[index];
      if (s.pause?.reason === 'InconclusiveAnalysis') {
        const runs = s.analyses.filter((r) => r.phase === 'Inconclusive').map((r) => r.id);
        tx.set({ acceptedRuns: [...new Set([...s.acceptedRuns, ...runs])] });
        resume(tx, 'promote');
        if (step?.kind === 'analysis' && runs.includes(stepRunId(index))) advance(tx, ctx);
        return `accepted the inconclusive analysis (${runs.join(', ')}); continuing`;
      }
      if (s.pause?.reason === 'PauseStep') {
        resume(tx, 'promote');
        advance(tx, ctx);
        return `ended the pause at ${stepLabel(ctx, index)}`;
      }
      if (step?.kind === 'analysis') {
        terminateRuns(tx, ctx, [stepRunId(index)]);
        advance(tx, ctx);
        return `skipped the analysis at ${stepLabel(ctx, index)}`;
      }
      return `nothing to promote: ${stepLabel(ctx, index)} (${step?.kind ?? 'end'}) is waiting for the canary's pods; \`canary promote ${name} --full\` skips every remaining step`;
    }
    case 'promoteFull':
      if (s.phase === 'Promoting') return 'already promoting';
      if (s.phase === 'RollingBack' || s.phase === 'Initializing') return `cannot promote: the run is ${s.phase}`;
      startPromotion(tx, ctx, true);
      return 'skipping every remaining step and analysis';
    case 'retry':
      return `the run is still ${s.phase}: retry applies to an aborted or rolled back run`;
    default:
      return assertNever(req.kind, 'request kind');
  }
}

export { findRun };
