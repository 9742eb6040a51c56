/** The first deploy: no steps, no analysis (Argo's initial deploy). */
import type { EngineContext } from '../context.js';
import type { Observation } from '../ports.js';
import type { Tx } from '../tx.js';
import { trackProgress } from '../progress.js';
import { finish } from '../transitions.js';
import { availableOf, ensureDesired, ensureRoutes, ensureService, ensureWeight, isRouted, isSettled, servicesConfigured } from '../workload-moves.js';

/**
 * First deploy: the stable Deployment at full size, the route at weight 0, then both Services on
 * stable. As Argo adopts a Service, the selector changes only once every stable pod is available:
 * until then the Services keep what they selected (a workloadRef Deployment's pods, during a
 * migration), which it scales down as its scaleDown says.
 */
export function initializing(tx: Tx, obs: Observation, ctx: EngineContext): void {
  const R = ctx.spec.replicas;
  const svc = servicesConfigured(ctx);
  ensureDesired(tx, ctx, obs, 'stable', R);
  if (isRouted(ctx)) {
    ensureWeight(tx, obs, 0);
    ensureRoutes(tx, obs, []);
  }
  const available = availableOf(obs.stable, ctx.revision);
  const settled = isSettled(obs.stable, ctx.revision, R);
  trackProgress(tx, ctx, settled ? null : { track: 'stable', available, desired: R, problem: obs.stable?.problem ?? null });
  if (settled) {
    ensureService(tx, obs, 'stable', 'stable', svc.stable);
    ensureService(tx, obs, 'canary', 'stable', svc.canary);
  }
  scaleDownReferenced(tx, obs, ctx, settled, available);
  if (settled && tx.effects.length === 0) finish(tx, 'Healthy', `deployed revision ${ctx.revision} as stable (first deploy: no steps, no analysis)${migrated(ctx)}`);
}

/**
 * Argo's workloadRef scaleDown (rollout/replicaset.go, sync.go), on the Rollout's first revision:
 * progressively gives up one pod per stable pod ready, onsuccess all of them once stable is healthy;
 * never leaves the Deployment alone. It only ever shrinks.
 */
function scaleDownReferenced(tx: Tx, obs: Observation, ctx: EngineContext, settled: boolean, available: number): void {
  const ref = ctx.spec.workloadRef;
  const current = obs.referenced;
  if (!ref || !current || ref.scaleDown === 'never') return;
  // Once stable is healthy the Services switch first; the Deployment follows in the next pass.
  const switched = settled && tx.effects.length === 0;
  const target = switched ? 0 : ref.scaleDown === 'progressively' ? Math.max(0, ctx.spec.replicas - available) : current.replicas;
  if (target < current.replicas) tx.effect({ kind: 'scaleReferenced', replicas: target });
}

function migrated(ctx: EngineContext): string {
  const ref = ctx.spec.workloadRef;
  if (!ref) return '';
  return ref.scaleDown === 'never' ? `; Deployment ${ref.name} left as it is (scaleDown: never)` : `; Deployment ${ref.name} scaled to 0 (scaleDown: ${ref.scaleDown})`;
}
