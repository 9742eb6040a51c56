/** Traffic back to stable; the verdict, then the canary's scale-down after the abort delay. */
import { assertNever } from '../../util/assert-never.js';
import { terminateRuns } from '../analyses.js';
import type { EngineContext } from '../context.js';
import type { CanaryStrategy } from '../../manifests/types.js';
import type { Observation } from '../ports.js';
import type { Tx } from '../tx.js';
import { trackProgress } from '../progress.js';
import { scheduleScaleDown } from '../scale-down.js';
import { finish } from '../transitions.js';
import type { RunState } from '../types.js';
import { ensureRoutes, ensureScale, ensureService, ensureWeight, isRouted, servicesConfigured } from '../workload-moves.js';

/** Weight to 0 at once (stepwise with dynamicStableScale as stable comes back), canary down after the delay. */
export function rollingBack(tx: Tx, obs: Observation, ctx: EngineContext, strategy: CanaryStrategy): void {
  const R = ctx.spec.replicas;
  const routed = isRouted(ctx);
  const svc = servicesConfigured(ctx);
  const rb = tx.state.rollback!;
  terminateRuns(tx, ctx, 'rollback');
  trackProgress(tx, ctx, null);
  switch (rb.stage) {
    case 'TrafficToStable': {
      ensureScale(tx, obs, 'stable', R);
      ensureService(tx, obs, 'stable', 'stable', svc.stable);
      ensureService(tx, obs, 'canary', 'stable', svc.canary);
      const stableAvailable = obs.stable ? Math.min(obs.stable.available, R) : 0;
      if (routed) {
        // Header and mirror routes go first: they send requests to the canary whatever the weight.
        ensureRoutes(tx, obs, []);
        // With dynamicStableScale, stable may be short of pods: move traffic back as fast as it can take it.
        const cap = strategy.dynamicStableScale ? Math.max(0, 100 - Math.floor((stableAvailable * 100) / R)) : 0;
        ensureWeight(tx, obs, Math.min(obs.weight ?? 0, cap));
        if (obs.weight !== null && obs.weight !== 0) return;
        if (obs.weight === null && tx.effects.length) return;
      } else if (stableAvailable < R && obs.stable) {
        // Replica-weighted: the canary's pods carry traffic until stable can take all of it.
        return;
      }
      if (tx.effects.length) return;
      // Replica-weighted: the canary's pods carry traffic until they are gone, so they go now.
      tx.set({ rollback: { ...rb, stage: 'ScaleDown', scaleDownAt: routed ? tx.now + strategy.abortScaleDownDelayMs : tx.now } });
      return;
    }
    case 'ScaleDown': {
      const end = endPhase(rb.cause);
      if (routed) {
        // Traffic is back on stable: the verdict now, the canary's scale-down after it.
        if (strategy.abortScaleDownDelayMs === 0 || rb.scaleDownAt === null) return finish(tx, end, `${rb.reason}; canary pods kept (abortScaleDownDelaySeconds: 0)`);
        finish(tx, end, rb.reason);
        return scheduleScaleDown(tx, ctx, 'abortScaleDownDelaySeconds', rb.scaleDownAt);
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

export function endPhase(cause: NonNullable<RunState['rollback']>['cause']): RunState['phase'] {
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
