/** What a request from outside (`canary abort|promote|retry`) does to the run, and the answer it gets. */
import { assertNever } from '../util/assert-never.js';
import { terminateRuns } from './analyses.js';
import { stepRunId, type EngineContext } from './context.js';
import { advance, lateInPromotion, resume, startPromotion, startRollback, stepLabel } from './transitions.js';
import type { Tx } from './tx.js';
import { HANDLED_REQUESTS_LIMIT, isTerminal, type RunRequest } from './types.js';

export function handleRequest(tx: Tx, ctx: EngineContext, req: RunRequest): void {
  if (tx.state.handledRequests.includes(req.id)) return;
  const name = ctx.spec.name;
  const outcome = requestOutcome(tx, ctx, req, name);
  tx.set({ handledRequests: [...tx.state.handledRequests, req.id].slice(-HANDLED_REQUESTS_LIMIT) });
  tx.emit({ kind: 'requestReceived', at: tx.now, request: req, outcome });
}

function requestOutcome(tx: Tx, ctx: EngineContext, req: RunRequest, name: string): string {
  const s = tx.state;
  if (isTerminal(s.phase)) return `nothing to do: the run already ended ${s.phase}`;
  const by = req.by ? ` by ${req.by}` : '';
  switch (req.kind) {
    case 'abort':
      if (s.phase === 'RollingBack') return 'already rolling back';
      if (lateInPromotion(tx)) return 'too late to abort: the stable Deployment is already being rolled to the new revision; the promotion completes';
      startRollback(tx, ctx, 'user', `aborted${by}${req.reason ? `: ${req.reason}` : ''}`);
      return 'rolling back to stable';
    case 'promote': {
      if (s.phase === 'Promoting' || s.phase === 'RollingBack' || s.phase === 'Initializing') return `nothing to promote: the run is ${s.phase}`;
      const index = s.stepIndex;
      const step = ctx.spec.canary.steps[index];
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
      return `nothing to promote: ${stepLabel(ctx, index)} (${step?.kind ?? 'end'}) is waiting for the canary's pods; \`canary promote ${name} --full\` skips every remaining step`;
    }
    case 'promoteFull':
      if (s.phase === 'Promoting') return 'already promoting';
      if (s.phase === 'RollingBack' || s.phase === 'Initializing') return `cannot promote: the run is ${s.phase}`;
      startPromotion(tx, ctx, true);
      return 'skipping every remaining step and analysis';
    case 'retry':
      return `the run is still ${s.phase}: retry applies to an aborted or rolled back run`;
    default:
      return assertNever(req.kind, 'request kind');
  }
}
