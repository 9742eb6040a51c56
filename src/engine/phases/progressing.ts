/** Steps running: the canary sized and weighted by the steps, pauses, analyses. */
import { assertNever } from '../../util/assert-never.js';
import { ensureRun, failedRun, failureReason, scheduleMeasurements } from '../analyses.js';
import { BACKGROUND_RUN, stepRunId } from '../context.js';
import type { EngineContext } from '../context.js';
import type { CanaryStrategy } from '../../manifests/types.js';
import type { Observation } from '../ports.js';
import type { Tx } from '../tx.js';
import { experimentDestinations, experimentStep, experimentUp } from '../experiment.js';
import { trackProgress } from '../progress.js';
import { canaryReplicas, canaryScaleAt, setWeightAt, stableReplicas } from '../replicas.js';
import { advance, pause, pauseMessage, pauseOnInconclusive, resume, startPromotion, startRollback } from '../transitions.js';
import { routesAt, routesInPlace } from '../routes.js';
import { availableOf, ensureDesired, ensureRoutes, ensureScale, ensureService, ensureWeight, isRouted, servicesConfigured } from '../workload-moves.js';

export function progressing(tx: Tx, obs: Observation, ctx: EngineContext, strategy: CanaryStrategy): void {
  const spec = { replicas: ctx.spec.replicas, strategy };
  const steps = strategy.steps;
  const routed = isRouted(ctx);
  const svc = servicesConfigured(ctx);

  // Analyses first: a failed one ends everything else.
  const bg = strategy.analysis;
  // startingStep == steps.length: Argo creates the background run once the steps are done, and
  // promotion (just below) terminates it.
  if (bg && tx.state.stepIndex >= bg.startingStep && (tx.state.stepIndex < steps.length || bg.startingStep === steps.length)) {
    const run = ensureRun(tx, ctx, BACKGROUND_RUN);
    if (!run && tx.state.stepIndex >= steps.length) return; // its templates are being resolved
  }
  scheduleMeasurements(tx, ctx);
  const failed = failedRun(tx);
  if (failed) return startRollback(tx, ctx, 'analysis', failureReason(ctx, failed));
  const inconclusive = tx.state.analyses.find((r) => r.phase === 'Inconclusive' && !tx.state.acceptedRuns.includes(r.id));
  if (inconclusive && tx.state.pause?.reason !== 'InconclusiveAnalysis') {
    return pauseOnInconclusive(tx, ctx, inconclusive);
  }

  if (tx.state.stepIndex >= steps.length) return startPromotion(tx, ctx, false);

  // The canary's size and the weight follow the steps; traffic never goes to pods that are not available.
  const index = tx.state.stepIndex;
  const step = steps[index]!;
  const setW = setWeightAt(spec, index);
  const scale = canaryScaleAt(spec, index);
  const wantCanary = canaryReplicas(spec, setW, scale);
  if (tx.state.setWeight !== setW || JSON.stringify(tx.state.canaryScale) !== JSON.stringify(scale)) tx.set({ setWeight: setW, canaryScale: scale });

  if (obs.canary && obs.canary.revision !== ctx.revision && (obs.weight ?? 0) > 0) {
    // A canary of another revision still takes traffic: take it away before replacing the pods.
    ensureWeight(tx, obs, 0);
    return;
  }
  ensureDesired(tx, ctx, obs, 'canary', wantCanary);
  const canaryAvailable = availableOf(obs.canary, ctx.revision);
  const canaryReady = canaryAvailable >= wantCanary && obs.canary?.replicas === wantCanary;
  ensureScale(tx, obs, 'stable', stableReplicas(spec, tx.state.weight ?? 0, canaryAvailable));
  ensureService(tx, obs, 'stable', 'stable', svc.stable);
  ensureService(tx, obs, 'canary', canaryAvailable > 0 ? 'canary' : 'stable', svc.canary);

  const routes = routesAt(strategy, index);
  // An experiment's templates come up first: once they are available, weighted ones get their share.
  if (step.kind === 'experiment') experimentUp(tx, obs, ctx, index, step.experiment);
  if (routed) {
    const current = obs.weight ?? 0;
    const canaryServed = !svc.canary || obs.services.canary === 'canary';
    let target = canaryReady ? setW : Math.min(setW, current);
    if (canaryAvailable === 0 || !canaryServed) target = 0;
    ensureWeight(tx, obs, target, experimentDestinations(tx.state, ctx));
    // Header and mirror routes send requests to the canary Service: written once it has pods to
    // answer (or the steps ask for none, as Argo would write them regardless).
    ensureRoutes(tx, obs, (canaryAvailable > 0 && canaryServed) || wantCanary === 0 ? routes : []);
  }

  const pods = { track: 'canary' as const, available: canaryAvailable, desired: wantCanary, problem: obs.canary?.problem ?? null };
  switch (step.kind) {
    case 'setWeight': {
      // With a setCanaryScale in the same step, Argo completes it once the replicas are at their
      // counts (its setCanaryScale case comes first): the weight is written, its verification not awaited.
      const weightDone = !routed || (obs.weight === step.weight && (step.canaryScale !== undefined || obs.weightVerified !== false));
      // Replica-weighted: the step is done once stable gave up as many pods as the canary has available.
      const stableDone = routed || obs.stable?.replicas === stableReplicas(spec, 0, canaryAvailable);
      trackProgress(tx, ctx, canaryReady ? null : pods);
      if (canaryReady && weightDone && stableDone && tx.effects.length === 0) advance(tx, ctx);
      return;
    }
    case 'setCanaryScale':
      trackProgress(tx, ctx, canaryReady ? null : pods);
      if (canaryReady && tx.effects.length === 0) advance(tx, ctx);
      return;
    case 'setHeaderRoute':
    case 'setMirrorRoute':
      // Argo completes these once the router took them; here also once they are read back in place.
      trackProgress(tx, ctx, canaryReady ? null : pods);
      if (canaryReady && routesInPlace(obs.routes, routes) && tx.effects.length === 0) advance(tx, ctx);
      return;
    case 'pause':
      return pauseStep(tx, ctx, index, step.durationMs);
    case 'analysis': {
      trackProgress(tx, ctx, null);
      const run = ensureRun(tx, ctx, stepRunId(index));
      if (run?.phase === 'Successful') advance(tx, ctx);
      return;
    }
    case 'experiment':
      return experimentStep(tx, ctx, index, step.experiment);
    default:
      assertNever(step, 'step');
  }
}

/** A pause step: paused until its duration has passed (null: until promote). */
function pauseStep(tx: Tx, ctx: EngineContext, index: number, durationMs: number | null): void {
  trackProgress(tx, ctx, null);
  const p = tx.state.pause;
  if (!p) return pause(tx, 'PauseStep', durationMs, pauseMessage(durationMs, ctx, index));
  if (p.reason !== 'PauseStep' || p.durationMs === null) return;
  const end = p.startedAt + p.durationMs;
  if (tx.now >= end) {
    resume(tx, 'timer');
    advance(tx, ctx);
  } else tx.wakeAt(end);
}
