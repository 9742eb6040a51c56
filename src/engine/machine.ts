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
      return scalingDown(tx, obs);
    default:
      assertNever(phase, 'phase');
  }
}


