/**
 * Blue-green's rollback (abort, a failed analysis, the progress deadline, a signal): the active
 * Service back on stable at once (the previous revision never left the stable Deployment): the
 * verdict. The preview is kept for abortScaleDownDelaySeconds (the preview Service still shows it),
 * then scaled down.
 */
import type { BlueGreenStrategy } from '../../manifests/types.js';
import { assertNever } from '../../util/assert-never.js';
import { terminateRuns } from '../analyses.js';
import type { EngineContext } from '../context.js';
import type { Observation } from '../ports.js';
import { trackProgress } from '../progress.js';
import type { Tx } from '../tx.js';
import { scheduleScaleDown } from '../scale-down.js';
import { finish } from '../transitions.js';
import { ensureScale, ensureService } from '../workload-moves.js';
import { endPhase } from './rolling-back.js';

export function blueGreenRollingBack(tx: Tx, obs: Observation, ctx: EngineContext, b: BlueGreenStrategy): void {
  const rb = tx.state.rollback!;
  terminateRuns(tx, ctx, 'rollback');
  trackProgress(tx, ctx, null);
  switch (rb.stage) {
    case 'TrafficToStable': {
      ensureScale(tx, obs, 'stable', ctx.spec.replicas);
      ensureService(tx, obs, 'stable', 'stable', true);
      if (obs.services.stable !== 'stable' || tx.effects.length > 0) return;
      const delay = b.abortScaleDownDelayMs;
      tx.set({ rollback: { ...rb, stage: 'ScaleDown', scaleDownAt: delay === 0 ? null : tx.now + delay } });
      return;
    }
    case 'ScaleDown': {
      // Traffic is back on stable: the verdict now, the preview's scale-down after it (Argo keeps the
      // preview Service on the aborted revision, which shows it until its pods go).
      const end = endPhase(rb.cause);
      if (rb.scaleDownAt === null) return finish(tx, end, `${rb.reason}; preview pods kept (abortScaleDownDelaySeconds: 0)`);
      finish(tx, end, rb.reason);
      return scheduleScaleDown(tx, ctx, 'abortScaleDownDelaySeconds', rb.scaleDownAt);
    }
    default:
      assertNever(rb.stage, 'rollback stage');
  }
}
