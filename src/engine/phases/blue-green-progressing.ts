/**
 * Blue-green before the switch (Argo's rollout/bluegreen.go): the preview (the canary Deployment)
 * comes up at previewReplicaCount or full size beside the active stable; the preview Service selects
 * it; once every preview pod is available prePromotionAnalysis runs against it; then the rollout
 * pauses (autoPromotionEnabled: false until `canary promote`, or autoPromotionSeconds) and promotes.
 * The active Service stays on stable throughout.
 */
import type { BlueGreenStrategy } from '../../manifests/types.js';
import { ensureRun, failedRun, failureReason } from '../analyses.js';
import { PRE_PROMOTION_RUN, type EngineContext } from '../context.js';
import type { Observation } from '../ports.js';
import { trackProgress } from '../progress.js';
import type { Tx } from '../tx.js';
import { hintOf, pause, pauseOnInconclusive, resume, startPromotion, startRollback } from '../transitions.js';
import { hintCommand } from '../../util/hint.js';
import { formatDuration } from '../../util/duration.js';
import { availableOf, ensureDesired, ensureScale, ensureService, isSettled, servicesConfigured } from '../workload-moves.js';

export function blueGreenProgressing(tx: Tx, obs: Observation, ctx: EngineContext, b: BlueGreenStrategy): void {
  const R = ctx.spec.replicas;
  const svc = servicesConfigured(ctx);
  const failed = failedRun(tx);
  if (failed) return startRollback(tx, ctx, 'analysis', failureReason(ctx, failed));
  const inconclusive = tx.state.analyses.find((r) => r.phase === 'Inconclusive');
  if (inconclusive) {
    if (tx.state.pause?.reason !== 'InconclusiveAnalysis') pauseOnInconclusive(tx, ctx, inconclusive);
    return;
  }

  const previewCount = b.previewReplicaCount ?? R;
  ensureDesired(tx, ctx, obs, 'canary', previewCount);
  ensureScale(tx, obs, 'stable', R);
  ensureService(tx, obs, 'stable', 'stable', svc.stable);
  // The preview Service follows the new revision once it has a pod to answer (the previous one until then).
  const available = availableOf(obs.canary, ctx.revision);
  ensureService(tx, obs, 'canary', available > 0 ? 'canary' : 'stable', svc.canary);
  const ready = isSettled(obs.canary, ctx.revision, previewCount);
  if (!tx.state.pause) trackProgress(tx, ctx, ready ? null : { track: 'canary', available, desired: previewCount, problem: obs.canary?.problem ?? null });
  if (!ready || tx.effects.length > 0) return;

  // Argo starts prePromotionAnalysis once the preview is saturated, and the pause waits for its success.
  if (b.prePromotionAnalysis) {
    const run = ensureRun(tx, ctx, PRE_PROMOTION_RUN);
    if (run?.phase !== 'Successful') return;
  }
  const needsPause = !b.autoPromotionEnabled || b.autoPromotionMs > 0;
  if (!needsPause) return startPromotion(tx, ctx, false);
  const p = tx.state.pause;
  if (!p) {
    const durationMs = b.autoPromotionEnabled ? b.autoPromotionMs : null;
    const message = durationMs === null
      ? `paused before switching ${b.activeService} to the preview, until ${hintCommand('promote', hintOf(ctx))}`
      : `paused before switching ${b.activeService} to the preview for ${formatDuration(durationMs)} (autoPromotionSeconds)`;
    return pause(tx, 'BlueGreenPause', durationMs, message);
  }
  if (p.reason !== 'BlueGreenPause' || p.durationMs === null) return;
  const end = p.startedAt + p.durationMs;
  if (tx.now < end) return tx.wakeAt(end);
  resume(tx, 'timer');
  startPromotion(tx, ctx, false);
}
