/**
 * Blue-green's promotion: the preview at full size, the active Service switched to it (the new
 * revision serves), postPromotionAnalysis (a failure switches the active Service back: the previous
 * revision still runs in the stable Deployment), then, scaleDownDelaySeconds later, the previous
 * revision goes: the stable Deployment is rolled to the new template and the active Service moves
 * back to it. That is the verdict; the preview is scaled down scaleDownDelaySeconds after it.
 */
import type { BlueGreenStrategy } from '../../manifests/types.js';
import { assertNever } from '../../util/assert-never.js';
import { ensureRun, failedRun, failureReason } from '../analyses.js';
import { POST_PROMOTION_RUN, type EngineContext } from '../context.js';
import type { Observation } from '../ports.js';
import { trackProgress } from '../progress.js';
import type { Tx } from '../tx.js';
import { scheduleScaleDown } from '../scale-down.js';
import { finish, lateInPromotion, pauseOnInconclusive, promotionStage, startRollback, waitingUntil } from '../transitions.js';
import { availableOf, ensureDesired, ensureScale, ensureService, isSettled } from '../workload-moves.js';

export function blueGreenPromoting(tx: Tx, obs: Observation, ctx: EngineContext, b: BlueGreenStrategy): void {
  const R = ctx.spec.replicas;
  const p = tx.state.promotion!;
  const failed = failedRun(tx);
  if (failed && !lateInPromotion(tx)) return startRollback(tx, ctx, 'analysis', failureReason(ctx, failed));
  const stage = p.stage;
  switch (stage) {
    case 'PreviewFull': {
      ensureDesired(tx, ctx, obs, 'canary', R);
      ensureScale(tx, obs, 'stable', R);
      ensureService(tx, obs, 'stable', 'stable', true);
      const available = availableOf(obs.canary, ctx.revision);
      ensureService(tx, obs, 'canary', available > 0 ? 'canary' : 'stable', b.previewService !== null);
      // Argo switches the active Service only to a saturated ReplicaSet: every pod available.
      const ready = isSettled(obs.canary, ctx.revision, R);
      trackProgress(tx, ctx, ready ? null : { track: 'canary', available, desired: R, problem: obs.canary?.problem ?? null });
      if (ready && tx.effects.length === 0) promotionStage(tx, 'SwitchActive');
      return;
    }
    case 'SwitchActive':
      trackProgress(tx, ctx, null);
      ensureService(tx, obs, 'stable', 'canary', true);
      if (obs.services.stable === 'canary' && tx.effects.length === 0) promotionStage(tx, 'PostPromotionAnalysis');
      return;
    case 'PostPromotionAnalysis':
      trackProgress(tx, ctx, null);
      ensureService(tx, obs, 'stable', 'canary', true);
      if (b.postPromotionAnalysis && !p.full) {
        const run = ensureRun(tx, ctx, POST_PROMOTION_RUN);
        if (run?.phase === 'Inconclusive') {
          if (tx.state.pause?.reason !== 'InconclusiveAnalysis') pauseOnInconclusive(tx, ctx, run);
          return;
        }
        if (run?.phase !== 'Successful') return;
      }
      return promotionStage(tx, 'UpdateStable', tx.now + previousRevisionDelay(b));
    case 'UpdateStable': {
      ensureService(tx, obs, 'stable', 'canary', true);
      if (waitingUntil(tx, p.scaleDownAt ?? tx.now, (left) => `promoted: revision ${ctx.revision} serves; the previous revision keeps its pods for ${left} (scaleDownDelaySeconds)`)) {
        return trackProgress(tx, ctx, null);
      }
      // The previous revision's pods go as the stable Deployment takes the new template.
      ensureDesired(tx, ctx, obs, 'stable', R);
      const settled = isSettled(obs.stable, ctx.revision, R);
      trackProgress(tx, ctx, settled ? null : { track: 'stable', available: availableOf(obs.stable, ctx.revision), desired: R, problem: obs.stable?.problem ?? null });
      if (settled && tx.effects.length === 0) promotionStage(tx, 'ActiveToStable');
      return;
    }
    case 'ActiveToStable':
      trackProgress(tx, ctx, null);
      ensureService(tx, obs, 'stable', 'stable', true);
      ensureService(tx, obs, 'canary', 'stable', b.previewService !== null);
      if (obs.services.stable === 'stable' && tx.effects.length === 0) promotionStage(tx, 'ScaleDown', tx.now + b.scaleDownDelayMs);
      return;
    case 'ScaleDown':
      // All traffic on the updated stable: the verdict now, the preview's scale-down after it.
      trackProgress(tx, ctx, null);
      ensureService(tx, obs, 'stable', 'stable', true);
      ensureService(tx, obs, 'canary', 'stable', b.previewService !== null);
      if (tx.effects.length) return;
      finish(tx, 'Healthy', `promoted revision ${ctx.revision}${p.full ? ' (promote --full)' : ' (blue-green)'}`);
      return scheduleScaleDown(tx, ctx, 'scaleDownDelaySeconds', p.scaleDownAt ?? tx.now);
    case 'CanaryFull':
    case 'TrafficToCanary':
    case 'TrafficToStable':
      // A canary stage: the run started under the other strategy (start.ts starts over instead).
      return promotionStage(tx, 'PreviewFull');
    default:
      assertNever(stage, 'promotion stage');
  }
}

/**
 * How long the previous revision keeps its pods once the active Service left it. canary keeps one
 * previous revision: scaleDownDelayRevisionLimit 0 scales it down at once, any other limit lets it wait.
 */
function previousRevisionDelay(b: BlueGreenStrategy): number {
  return b.scaleDownDelayRevisionLimit === 0 ? 0 : b.scaleDownDelayMs;
}
