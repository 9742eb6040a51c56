/** Named moves of the run, shared by the phase handlers: advance a step, pause, roll back, promote, finish. */
import { formatDuration } from '../util/duration.js';
import { terminateRuns } from './analyses.js';
import type { EngineContext } from './context.js';
import { summarizeStep } from './events.js';
import type { Tx } from './tx.js';
import type { Pause, Phase, PromotionStage, RollbackCause } from './types.js';

export function stepLabel(ctx: EngineContext, index: number): string {
  return `step ${Math.min(index + 1, ctx.spec.canary.steps.length)}/${ctx.spec.canary.steps.length}`;
}

export function startStep(tx: Tx, ctx: EngineContext): void {
  const steps = ctx.spec.canary.steps;
  const i = tx.state.stepIndex;
  if (i < steps.length) tx.emit({ kind: 'stepStarted', at: tx.now, index: i, stepCount: steps.length, step: summarizeStep(steps[i]!) });
}

export function advance(tx: Tx, ctx: EngineContext): void {
  const steps = ctx.spec.canary.steps;
  const done = tx.state.stepIndex;
  tx.emit({ kind: 'stepCompleted', at: tx.now, index: done, stepCount: steps.length });
  tx.set({ stepIndex: done + 1, stepStartedAt: tx.now, pause: null, phase: 'Progressing', progress: { since: null, exceeded: false, lastReady: 0 } });
  startStep(tx, ctx);
}

export function pause(tx: Tx, reason: Pause['reason'], durationMs: number | null, message: string): void {
  tx.set({ pause: { reason, startedAt: tx.now, durationMs }, phase: 'Paused', message });
  tx.emit({ kind: 'paused', at: tx.now, reason, until: durationMs === null ? null : tx.now + durationMs });
}

export function resume(tx: Tx, by: 'timer' | 'promote'): void {
  tx.set({ pause: null, phase: 'Progressing' });
  tx.emit({ kind: 'resumed', at: tx.now, by });
}

/** Traffic back to stable at once; the canary is scaled down after abortScaleDownDelaySeconds. */
export function startRollback(tx: Tx, ctx: EngineContext, cause: RollbackCause, reason: string): void {
  const s = tx.state;
  if (s.phase === 'RollingBack' || s.phase === 'Healthy' || s.phase === 'Degraded' || s.phase === 'Aborted') return;
  terminateRuns(tx, ctx, 'rollback');
  const where = s.mode === 'canary' && s.stepIndex < ctx.spec.canary.steps.length ? ` at ${stepLabel(ctx, s.stepIndex)}` : '';
  const weight = s.weight ? ` (weight ${s.weight}%)` : '';
  const text = cause === 'rollbackToStable' ? reason : `${reason}${where}${weight}`;
  tx.set({
    phase: 'RollingBack',
    pause: null,
    promotion: null,
    rollback: { cause, reason: text, since: tx.now, stage: 'TrafficToStable', scaleDownAt: null },
    message: `rolling back: ${text}`,
    progress: { since: null, exceeded: false, lastReady: 0 },
  });
  tx.emit({ kind: 'rollingBack', at: tx.now, cause, reason: text });
}

export function startPromotion(tx: Tx, ctx: EngineContext, full: boolean): void {
  terminateRuns(tx, ctx, 'promotion');
  tx.set({
    phase: 'Promoting',
    pause: null,
    stepIndex: Math.max(tx.state.stepIndex, full ? ctx.spec.canary.steps.length : tx.state.stepIndex),
    setWeight: 100,
    promotion: { stage: 'CanaryFull', since: tx.now, full, scaleDownAt: null },
    message: full ? 'promoting: skipping the remaining steps (promote --full)' : `promoting: all ${ctx.spec.canary.steps.length} steps completed`,
    progress: { since: null, exceeded: false, lastReady: 0 },
  });
  tx.emit({ kind: 'promoting', at: tx.now, stage: 'CanaryFull' });
}

export function promotionStage(tx: Tx, stage: PromotionStage, scaleDownAt: number | null = null): void {
  const p = tx.state.promotion!;
  tx.set({ promotion: { ...p, stage, since: tx.now, scaleDownAt }, progress: { since: null, exceeded: false, lastReady: 0 } });
  tx.emit({ kind: 'promoting', at: tx.now, stage });
}

export function finish(tx: Tx, phase: Phase, reason: string): void {
  tx.set({ phase, message: reason, finishedAt: tx.now, pause: null });
  tx.emit({
    kind: 'finished',
    at: tx.now,
    phase,
    revision: tx.state.revision,
    stepIndex: tx.state.stepIndex,
    stepCount: tx.state.stepCount,
    durationMs: tx.now - tx.state.startedAt,
    reason,
  });
}

export function pauseMessage(durationMs: number | null, ctx: EngineContext, index: number): string {
  return durationMs === null
    ? `paused at ${stepLabel(ctx, index)} until \`canary promote ${ctx.spec.name}\``
    : `paused at ${stepLabel(ctx, index)} for ${formatDuration(durationMs)}`;
}

/** Once the stable Deployment is being rolled to the new template there is no old template to go back to. */
export function lateInPromotion(tx: Tx): boolean {
  const stage = tx.state.promotion?.stage;
  return stage === 'UpdateStable' || stage === 'TrafficToStable' || stage === 'ScaleDown';
}
