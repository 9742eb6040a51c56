/** Steps done: canary 100%, stable rolled to the new template, traffic back; the verdict, then the canary's scale-down. */
import { assertNever } from '../../util/assert-never.js';
import { allComplete, failedRun, failureReason, scheduleMeasurements } from '../analyses.js';
import type { EngineContext } from '../context.js';
import type { CanaryStrategy } from '../../manifests/types.js';
import type { Observation } from '../ports.js';
import type { Tx } from '../tx.js';
import { trackProgress } from '../progress.js';
import { scheduleScaleDown } from '../scale-down.js';
import { finish, promotionStage, startRollback } from '../transitions.js';
import { availableOf, ensureDesired, ensureRoutes, ensureService, ensureWeight, isRouted, isSettled, servicesConfigured } from '../workload-moves.js';

/** Canary at full size, traffic to it, stable rolled to the new template, traffic back, canary scaled down. */
export function promoting(tx: Tx, obs: Observation, ctx: EngineContext, strategy: CanaryStrategy): void {
  const R = ctx.spec.replicas;
  const routed = isRouted(ctx);
  const svc = servicesConfigured(ctx);
  const p = tx.state.promotion!;
  scheduleMeasurements(tx, ctx);
  const failed = failedRun(tx);
  if (failed && (p.stage === 'CanaryFull' || p.stage === 'TrafficToCanary')) {
    return startRollback(tx, ctx, 'analysis', failureReason(ctx, failed));
  }
  // Argo removes the managed routes once the steps are done: every stage makes sure they are gone.
  if (routed) ensureRoutes(tx, obs, []);
  const stage = p.stage;
  switch (stage) {
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
      ensureWeight(tx, obs, 100);
      if (obs.weight === 100 && obs.weightVerified !== false && tx.effects.length === 0) promotionStage(tx, 'UpdateStable');
      return;
    case 'UpdateStable': {
      ensureDesired(tx, ctx, obs, 'stable', R);
      const settled = isSettled(obs.stable, ctx.revision, R);
      trackProgress(tx, ctx, settled ? null : { track: 'stable', available: availableOf(obs.stable, ctx.revision), desired: R, problem: obs.stable?.problem ?? null });
      if (settled && tx.effects.length === 0) {
        if (routed) promotionStage(tx, 'TrafficToStable');
        else promotionStage(tx, 'ScaleDown', tx.now + strategy.scaleDownDelayMs);
      }
      return;
    }
    case 'TrafficToStable':
      trackProgress(tx, ctx, null);
      ensureWeight(tx, obs, 0);
      ensureService(tx, obs, 'canary', 'stable', svc.canary);
      if (obs.weight === 0 && tx.effects.length === 0) promotionStage(tx, 'ScaleDown', tx.now + strategy.scaleDownDelayMs);
      return;
    case 'ScaleDown': {
      // Traffic is on the new stable: the verdict now, the canary's scale-down after it.
      trackProgress(tx, ctx, null);
      ensureService(tx, obs, 'canary', 'stable', svc.canary);
      if (tx.effects.length) return;
      finish(tx, 'Healthy', `promoted revision ${ctx.revision}${p.full ? ' (promote --full)' : ` after ${strategy.steps.length} steps`}`);
      scheduleScaleDown(tx, ctx, 'scaleDownDelaySeconds', p.scaleDownAt ?? tx.now);
      return;
    }
    case 'PreviewFull':
    case 'SwitchActive':
    case 'PostPromotionAnalysis':
    case 'ActiveToStable':
      // A blue-green stage: the run started under the other strategy (start.ts starts over instead).
      return promotionStage(tx, 'CanaryFull');
    default:
      assertNever(stage, 'promotion stage');
  }
}
