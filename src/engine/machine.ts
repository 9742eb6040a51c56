/**
 * The rollout as a pure state machine. `reconcile` compares the persisted decisions (step, pause,
 * analyses, promotion, rollback) with what the cluster looks like now, moves the run forward and
 * lists the idempotent effects that bring the cluster in line. `apply` folds in what happened
 * outside: requests, measurements, signals. Neither reads a clock nor touches the cluster.
 */
import { dropInFlight } from '../analysis/run.js';
import type { ProviderResult } from '../analysis/provider.js';
import { assertNever } from '../util/assert-never.js';
import { formatDuration } from '../util/duration.js';
import { findRun, recordMeasurement, scheduleMeasurements } from './analyses.js';
import type { EngineContext } from './context.js';
import type { Effect } from './effects.js';
import type { RunEvent } from './events.js';
import { trackServiceFields, trackServices } from '../manifests/strategy.js';
import type { RolloutStrategy } from '../manifests/types.js';
import { cleanUpExperiments } from './experiment.js';
import { blueGreenProgressing } from './phases/blue-green-progressing.js';
import { blueGreenPromoting } from './phases/blue-green-promoting.js';
import { blueGreenRollingBack } from './phases/blue-green-rolling-back.js';
import { initializing } from './phases/initializing.js';
import { progressing } from './phases/progressing.js';
import { promoting } from './phases/promoting.js';
import { rollingBack } from './phases/rolling-back.js';
import type { Observation } from './ports.js';
import { handleRequest } from './requests.js';
import { leaveScaleDown, scalingDown } from './scale-down.js';
import { lateInPromotion, startRollback } from './transitions.js';
import { Tx } from './tx.js';
import { isTerminal, type RunRequest, type RunState } from './types.js';
import { isRouted } from './workload-moves.js';

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
  observeServices(tx, obs, ctx);
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
    // A run that just ended gets one more pass: its pending scale-down asks for a wake-up.
    if (!moved || tx.effects.length > effects) break;
  }
  return done(tx, state);
}

/** The weight on the route object is the truth; the state follows it and reports changes. */
function observeWeight(tx: Tx, obs: Observation, ctx: EngineContext): void {
  if (!isRouted(ctx) || obs.weight === null || obs.weight === tx.state.weight) return;
  tx.emit({ kind: 'weightChanged', at: tx.now, from: tx.state.weight, to: obs.weight, router: ctx.routeKind ?? 'route' });
  tx.set({ weight: obs.weight });
}

/**
 * Blue-green's traffic is where the Services point: each switch of the active or preview Service is
 * reported (Argo's SwitchService event). A canary's story is its weights; its Services are not reported.
 */
function observeServices(tx: Tx, obs: Observation, ctx: EngineContext): void {
  const strategy = ctx.spec.strategy;
  const before = tx.state.services;
  if (before.stable === obs.services.stable && before.canary === obs.services.canary) return;
  tx.set({ services: obs.services });
  switch (strategy.kind) {
    case 'canary':
      return;
    case 'blueGreen': {
      const names = trackServices(strategy);
      const fields = trackServiceFields(strategy);
      for (const track of ['stable', 'canary'] as const) {
        const to = obs.services[track];
        const name = names[track];
        const from = before[track];
        // The first observation of a run written before `services` existed is no switch.
        if (to === null || from === null || to === from || name === null) continue;
        tx.emit({ kind: 'serviceSwitched', at: tx.now, service: name, role: fields[track], from, to, fromRevision: obs[from]?.revision ?? null, toRevision: obs[to]?.revision ?? null });
      }
      return;
    }
    default:
      return assertNever(strategy, 'strategy');
  }
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
      if (isTerminal(tx.state.phase)) leaveScaleDown(tx, input.signal);
      else if (!lateInPromotion(tx)) startRollback(tx, ctx, 'interrupt', `interrupted by ${input.signal}`);
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
  // First, so that no phase moves on (every move waits for its effects) while an experiment's objects are left.
  cleanUpExperiments(tx, obs, ctx);
  const phase = tx.state.phase;
  switch (phase) {
    case 'Initializing':
      return initializing(tx, obs, ctx);
    case 'Progressing':
    case 'Paused':
    case 'Promoting':
      return release(tx, obs, ctx, ctx.spec.strategy);
    case 'RollingBack':
      return rollBack(tx, obs, ctx, ctx.spec.strategy);
    case 'Healthy':
    case 'Degraded':
    case 'Aborted':
      return scalingDown(tx, obs);
    default:
      assertNever(phase, 'phase');
  }
}

/** A new revision on its way in, by the Rollout's strategy. */
function release(tx: Tx, obs: Observation, ctx: EngineContext, strategy: RolloutStrategy): void {
  switch (strategy.kind) {
    case 'canary':
      if (tx.state.phase === 'Promoting') return promoting(tx, obs, ctx, strategy);
      progressing(tx, obs, ctx, strategy);
      break;
    case 'blueGreen':
      if (tx.state.promotion) blueGreenPromoting(tx, obs, ctx, strategy);
      else blueGreenProgressing(tx, obs, ctx, strategy);
      break;
    default:
      return assertNever(strategy, 'strategy');
  }
  // A run created above (or a step that just started one) gets its first measurement now.
  if (tx.state.phase === 'Progressing' || tx.state.phase === 'Paused' || tx.state.phase === 'Promoting') scheduleMeasurements(tx, ctx);
}

function rollBack(tx: Tx, obs: Observation, ctx: EngineContext, strategy: RolloutStrategy): void {
  switch (strategy.kind) {
    case 'canary':
      return rollingBack(tx, obs, ctx, strategy);
    case 'blueGreen':
      return blueGreenRollingBack(tx, obs, ctx, strategy);
    default:
      return assertNever(strategy, 'strategy');
  }
}
