/**
 * The canary's scale-down after the verdict. Traffic is already safe when a run ends, so the
 * verdict is not held back by scaleDownDelaySeconds / abortScaleDownDelaySeconds: the run ends
 * with a pending scale-down that the runner waits for, or leaves to the next canary command
 * (`run --scale-down leave`, or a signal during the wait).
 */
import type { EngineContext } from './context.js';
import type { Observation } from './ports.js';
import type { Tx } from './tx.js';
import { HISTORY_LIMIT, isTerminal, type PendingScaleDown, type RunState } from './types.js';
import { ensureScale } from './workload-moves.js';

/** Schedules the canary's scale-down at `at`; the run has just ended. */
export function scheduleScaleDown(tx: Tx, ctx: EngineContext, delay: PendingScaleDown['delay'], at: number): void {
  const left = ctx.leaveScaleDown ?? false;
  tx.set({ scaleDown: { at, delay, left } });
  tx.emit({ kind: 'scaleDownScheduled', at: tx.now, due: at, delay, left });
}

/** A run that ended: the pending scale-down, once due. Nothing when it was left to the next command. */
export function scalingDown(tx: Tx, obs: Observation): void {
  const sd = tx.state.scaleDown;
  if (!sd || sd.left) return;
  if (tx.now < sd.at) return tx.wakeAt(sd.at);
  ensureScale(tx, obs, 'canary', 0);
  if ((obs.canary?.replicas ?? 0) !== 0 || tx.effects.length) return;
  if (obs.canary) tx.emit({ kind: 'scaledDown', at: tx.now, track: 'canary', replicas: 0 });
  tx.set({ scaleDown: null });
}

/** A signal while the runner waits for the scale-down: the verdict stands, the next command scales down. */
export function leaveScaleDown(tx: Tx, why: string): void {
  const sd = tx.state.scaleDown;
  if (!sd || sd.left) return;
  tx.set({ scaleDown: { ...sd, left: true } });
  tx.emit({ kind: 'scaleDownScheduled', at: tx.now, due: sd.at, delay: sd.delay, left: true });
  tx.emit({ kind: 'warning', at: tx.now, message: `${why}: the canary's scale-down is left to the next canary command` });
}

/** The run ended and its runner still has the scale-down to do before it exits. */
export function awaitsScaleDown(state: RunState): boolean {
  return isTerminal(state.phase) && !!state.scaleDown && !state.scaleDown.left;
}

/** A scale-down that no runner will do (left, or its runner is gone) and that is due: any canary command may do it. */
export function leftScaleDownDue(state: RunState | null, now: number, runnerLive: boolean): boolean {
  const sd = state?.scaleDown;
  return !!state && !!sd && isTerminal(state.phase) && (sd.left || !runnerLive) && now >= sd.at;
}

/** The state once another canary process scaled the canary down. */
export function scaledDownBy(state: RunState, owner: string, now: number): RunState {
  const entry = { at: now, reason: 'ScalingReplicaSet', message: `Scaled down canary to 0 (${state.scaleDown?.delay ?? 'scale-down'} was left to the next canary command; done by ${owner})` };
  return { ...state, scaleDown: null, owner, updatedAt: now, history: [...state.history, entry].slice(-HISTORY_LIMIT) };
}
