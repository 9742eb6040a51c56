/** What a request from outside (`canary abort|promote|retry`) does to the run, and the answer it gets. */
import { assertNever } from '../util/assert-never.js';
import { terminateRuns } from './analyses.js';
import type { CanaryStrategy, RolloutStrategy } from '../manifests/types.js';
import { experimentRunId, stepRunId, type EngineContext } from './context.js';
import { hintCommand, type HintTarget } from '../util/hint.js';
import { advance, hintOf, lateInPromotion, resume, startPromotion, startRollback, stepLabel } from './transitions.js';
import { requestsWith } from './run-record.js';
import type { Tx } from './tx.js';
import { HANDLED_REQUESTS_LIMIT, isTerminal, type RunRequest } from './types.js';

export function handleRequest(tx: Tx, ctx: EngineContext, req: RunRequest): void {
  if (tx.state.handledRequests.includes(req.id)) return;
  const outcome = requestOutcome(tx, ctx, req);
  tx.set({ handledRequests: [...tx.state.handledRequests, req.id].slice(-HANDLED_REQUESTS_LIMIT), requests: requestsWith(tx.state, req, outcome) });
  tx.emit({ kind: 'requestReceived', at: tx.now, request: req, outcome });
}

function requestOutcome(tx: Tx, ctx: EngineContext, req: RunRequest): string {
  const s = tx.state;
  if (isTerminal(s.phase)) return `nothing to do: the run already ended ${s.phase}`;
  const by = req.by ? ` by ${req.by}` : '';
  switch (req.kind) {
    case 'abort':
      if (s.phase === 'RollingBack') return 'already rolling back';
      if (lateInPromotion(tx)) return 'too late to abort: the stable Deployment is already being rolled to the new revision; the promotion completes';
      startRollback(tx, ctx, 'user', `aborted${by}${req.reason ? `: ${req.reason}` : ''}`);
      return 'rolling back to stable';
    case 'promote':
      if (s.phase === 'RollingBack' || s.phase === 'Initializing') return `nothing to promote: the run is ${s.phase}`;
      return promote(tx, ctx, ctx.spec.strategy, hintOf(ctx));
    case 'promoteFull':
      if (s.phase === 'RollingBack' || s.phase === 'Initializing') return `cannot promote: the run is ${s.phase}`;
      return promoteFull(tx, ctx);
    case 'retry':
      return `the run is still ${s.phase}: retry applies to an aborted or rolled back run`;
    default:
      return assertNever(req.kind, 'request kind');
  }
}

function promote(tx: Tx, ctx: EngineContext, strategy: RolloutStrategy, t: HintTarget): string {
  switch (strategy.kind) {
    case 'canary':
      return promoteCanary(tx, ctx, strategy, t);
    case 'blueGreen':
      return promoteBlueGreen(tx, ctx, t);
    default:
      return assertNever(strategy, 'strategy');
  }
}

/** Argo's promote on a canary: ends the pause or the analysis of the current step, or accepts an inconclusive analysis. */
function promoteCanary(tx: Tx, ctx: EngineContext, strategy: CanaryStrategy, t: HintTarget): string {
  const s = tx.state;
  if (s.phase === 'Promoting') return `nothing to promote: the run is ${s.phase}`;
  const index = s.stepIndex;
  const step = strategy.steps[index];
  if (s.pause?.reason === 'InconclusiveAnalysis') {
    const runs = s.analyses.filter((r) => r.phase === 'Inconclusive').map((r) => r.id);
    tx.set({ acceptedRuns: [...new Set([...s.acceptedRuns, ...runs])] });
    resume(tx, 'promote');
    if (step?.kind === 'analysis' && runs.includes(stepRunId(index))) advance(tx, ctx);
    return `accepted the inconclusive analysis (${runs.join(', ')}); continuing`;
  }
  if (s.pause?.reason === 'PauseStep') {
    resume(tx, 'promote');
    advance(tx, ctx);
    return `ended the pause at ${stepLabel(ctx, index)}`;
  }
  if (step?.kind === 'analysis') {
    terminateRuns(tx, ctx, 'skip', [stepRunId(index)]);
    advance(tx, ctx);
    return `skipped the analysis at ${stepLabel(ctx, index)}`;
  }
  if (step?.kind === 'experiment') {
    // As Argo: the step is skipped and its experiment terminated; its Deployments are deleted next.
    terminateRuns(tx, ctx, 'skip', step.experiment.analyses.map((a) => experimentRunId(index, a.name)));
    advance(tx, ctx);
    return `ended the experiment at ${stepLabel(ctx, index)}`;
  }
  return `nothing to promote: ${stepLabel(ctx, index)} (${step?.kind ?? 'end'}) is waiting for the canary's pods; ${hintCommand('promote', t, '--full')} skips every remaining step`;
}

/**
 * Argo's promote on a blue-green rollout clears the pause: the one before the switch lets the switch
 * happen; after an inconclusive pre- or postPromotionAnalysis the controller starts that analysis
 * again (a new AnalysisRun). Only `promote --full` skips an analysis.
 */
function promoteBlueGreen(tx: Tx, ctx: EngineContext, t: HintTarget): string {
  const s = tx.state;
  if (s.pause?.reason === 'InconclusiveAnalysis') {
    const runs = s.analyses.filter((r) => r.phase === 'Inconclusive').map((r) => r.id);
    tx.set({ analyses: s.analyses.filter((r) => r.phase !== 'Inconclusive') });
    resume(tx, 'promote');
    return `running the inconclusive analysis again (${runs.join(', ')}), as Argo starts a new AnalysisRun; ${hintCommand('promote', t, '--full')} skips it`;
  }
  if (s.pause?.reason === 'BlueGreenPause') {
    resume(tx, 'promote');
    startPromotion(tx, ctx, false);
    return 'ended the pause: switching the active Service to the preview';
  }
  if (s.phase === 'Promoting') return `nothing to promote: the run is ${s.phase} (${s.promotion?.stage ?? 'starting'}); ${hintCommand('promote', t, '--full')} skips postPromotionAnalysis`;
  return `nothing to promote: the preview is not ready yet (pods or prePromotionAnalysis); ${hintCommand('promote', t, '--full')} switches as soon as the preview is at full size`;
}

/** Skips what is left: the steps and analyses (canary), the pause and both analyses (blue-green). */
function promoteFull(tx: Tx, ctx: EngineContext): string {
  const s = tx.state;
  if (s.phase === 'Promoting' || (s.phase === 'Paused' && s.promotion)) {
    if (ctx.spec.strategy.kind === 'canary' || lateInPromotion(tx) || s.promotion?.full) return 'already promoting';
    // Blue-green before its postPromotionAnalysis passed: the analysis is skipped, as Argo's promoteFull does.
    terminateRuns(tx, ctx, 'skip');
    if (s.pause) resume(tx, 'promote');
    tx.set({ promotion: { ...tx.state.promotion!, full: true } });
    return 'skipping postPromotionAnalysis';
  }
  startPromotion(tx, ctx, true);
  return 'skipping every remaining step and analysis';
}
