/** The first deploy: no steps, no analysis (Argo's initial deploy). */
import type { EngineContext } from '../context.js';
import type { Observation } from '../ports.js';
import type { Tx } from '../tx.js';
import { trackProgress } from '../progress.js';
import { finish } from '../transitions.js';
import { availableOf, ensureDesired, ensureService, ensureWeight, isRouted, isSettled, servicesConfigured } from '../workload-moves.js';

/** First deploy: the stable Deployment at full size, both Services on it, the route at weight 0. */
export function initializing(tx: Tx, obs: Observation, ctx: EngineContext): void {
  const R = ctx.spec.replicas;
  const svc = servicesConfigured(ctx);
  ensureDesired(tx, ctx, obs, 'stable', R);
  ensureService(tx, obs, 'stable', 'stable', svc.stable);
  ensureService(tx, obs, 'canary', 'stable', svc.canary);
  if (isRouted(ctx)) ensureWeight(tx, obs, 0);
  const settled = isSettled(obs.stable, ctx.revision, R);
  trackProgress(tx, ctx, settled ? null : { track: 'stable', available: availableOf(obs.stable, ctx.revision), desired: R, problem: obs.stable?.problem ?? null });
  if (settled && tx.effects.length === 0) finish(tx, 'Healthy', `deployed revision ${ctx.revision} as stable (first deploy: no steps, no analysis)`);
}
