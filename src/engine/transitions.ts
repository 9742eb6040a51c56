/** Named moves of the run, shared by the phase handlers: advance a step, pause, roll back, promote, finish. */
import { stepsOf } from '../manifests/strategy.js';
import { assertNever } from '../util/assert-never.js';
import { formatDuration } from '../util/duration.js';
import type { AnalysisRun } from '../analysis/types.js';
import { hintCommand, type HintTarget } from '../util/hint.js';
import { explainFailure, terminateRuns } from './analyses.js';
import type { EngineContext } from './context.js';
import { summarizeStep } from './events.js';
import type { Tx } from './tx.js';
import type { Pause, Phase, PromotionStage, RollbackCause } from './types.js';

export function stepLabel(ctx: EngineContext, index: number): string {
  const n = stepsOf(ctx.spec.strategy).length;
  return `step ${Math.min(index + 1, n)}/${n}`;
}

export function startStep(tx: Tx, ctx: EngineContext): void {
  const steps = stepsOf(ctx.spec.strategy);
  const i = tx.state.stepIndex;
  if (i < steps.length) tx.emit({ kind: 'stepStarted', at: tx.now, index: i, stepCount: steps.length, step: summarizeStep(steps[i]!) });
}

export function advance(tx: Tx, ctx: EngineContext): void {
  const steps = stepsOf(ctx.spec.strategy);
  const done = tx.state.stepIndex;
  tx.emit({ kind: 'stepCompleted', at: tx.now, index: done, stepCount: steps.length });
  tx.set({ stepIndex: done + 1, stepStartedAt: tx.now, pause: null, phase: 'Progressing', progress: { since: null, exceeded: false, lastReady: 0 } });
  startStep(tx, ctx);
}

export function pause(tx: Tx, reason: Pause['reason'], durationMs: number | null, message: string): void {
  tx.set({ pause: { reason, startedAt: tx.now, durationMs }, phase: 'Paused', message });
  tx.emit({ kind: 'paused', at: tx.now, reason, until: durationMs === null ? null : tx.now + durationMs });
}

/** A pause during a promotion (blue-green's inconclusive postPromotionAnalysis) goes back to Promoting. */
/** Waits for a person: `canary promote` accepts the analysis (canary) or runs it again (blue-green). */
export function pauseOnInconclusive(tx: Tx, ctx: EngineContext, run: AnalysisRun): void {
  const t = hintOf(ctx);
  pause(tx, 'InconclusiveAnalysis', null, `paused: analysis ${run.id} was inconclusive (${explainFailure(ctx, run)}); ${hintCommand('promote', t)} continues, ${hintCommand('abort', t)} rolls back`);
}

export function resume(tx: Tx, by: 'timer' | 'promote'): void {
  tx.set({ pause: null, phase: tx.state.promotion ? 'Promoting' : 'Progressing' });
  tx.emit({ kind: 'resumed', at: tx.now, by });
}

/** Traffic back to stable at once; the canary is scaled down after abortScaleDownDelaySeconds. */
export function startRollback(tx: Tx, ctx: EngineContext, cause: RollbackCause, reason: string): void {
  const s = tx.state;
  if (s.phase === 'RollingBack' || s.phase === 'Healthy' || s.phase === 'Degraded' || s.phase === 'Aborted') return;
  terminateRuns(tx, ctx, 'rollback');
  const where = s.mode === 'canary' && s.stepIndex < stepsOf(ctx.spec.strategy).length ? ` at ${stepLabel(ctx, s.stepIndex)}` : '';
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
  const steps = stepsOf(ctx.spec.strategy).length;
  const { stage, message } = promotionStart(ctx, full, steps);
  tx.set({
    phase: 'Promoting',
    pause: null,
    stepIndex: Math.max(tx.state.stepIndex, full ? steps : tx.state.stepIndex),
    setWeight: 100,
    promotion: { stage, since: tx.now, full, scaleDownAt: null },
    message,
    progress: { since: null, exceeded: false, lastReady: 0 },
  });
  tx.emit({ kind: 'promoting', at: tx.now, stage });
}

function promotionStart(ctx: EngineContext, full: boolean, steps: number): { stage: PromotionStage; message: string } {
  const s = ctx.spec.strategy;
  switch (s.kind) {
    case 'canary':
      return { stage: 'CanaryFull', message: full ? 'promoting: skipping the remaining steps (promote --full)' : `promoting: all ${steps} steps completed` };
    case 'blueGreen':
      return { stage: 'PreviewFull', message: full ? 'promoting: skipping the pause and analysis (promote --full)' : 'promoting: switching the active Service to the preview' };
    default:
      return assertNever(s, 'strategy');
  }
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
    ? `paused at ${stepLabel(ctx, index)} until ${hintCommand('promote', hintOf(ctx))}`
    : `paused at ${stepLabel(ctx, index)} for ${formatDuration(durationMs)}`;
}

/** The rollout as the commands in the run's messages name it (they are stored, so no --context). */
export function hintOf(ctx: EngineContext): HintTarget {
  return { name: ctx.spec.name, namespace: ctx.spec.namespace ?? 'default' };
}

/** Once the stable Deployment is being rolled to the new template there is no old template to go back to. */
export function lateInPromotion(tx: Tx): boolean {
  const stage = tx.state.promotion?.stage;
  return stage === 'UpdateStable' || stage === 'TrafficToStable' || stage === 'ActiveToStable' || stage === 'ScaleDown';
}

/** Until `at`: says so in the message and asks to be woken then; true while waiting. */
export function waitingUntil(tx: Tx, at: number, message: (left: string) => string): boolean {
  if (tx.now >= at) return false;
  tx.set({ message: message(formatDuration(at - tx.now)) });
  tx.wakeAt(at);
  return true;
}
