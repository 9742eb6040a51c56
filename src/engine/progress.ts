/**
 * progressDeadlineSeconds: how long the run may wait for pods without any becoming available.
 * Counted only while waiting for pods (not during pauses or analysis), restarted by any progress.
 */
import type { EngineContext } from './context.js';
import { startRollback } from './transitions.js';
import type { Tx } from './tx.js';
import type { Track } from './ports.js';
import { formatDuration } from '../util/duration.js';

export interface PodWait {
  track: Track;
  available: number;
  desired: number;
  problem: string | null;
  /** The Deployment waited for, when it is not the track's (an experiment template's). */
  deployment?: string;
}

export function trackProgress(tx: Tx, ctx: EngineContext, wait: PodWait | null): void {
  const p = tx.state.progress;
  if (wait === null) {
    if (p.since !== null || p.exceeded) tx.set({ progress: { since: null, exceeded: false, lastReady: 0 } });
    return;
  }
  // An experiment waits for its templates' Deployments one after another: each is said when its turn comes.
  if (p.since === null || wait.available > p.lastReady || wait.deployment !== p.deployment) {
    tx.set({ progress: { since: tx.now, exceeded: false, lastReady: wait.available, ...(wait.deployment ? { deployment: wait.deployment } : {}) } });
    tx.emit({ kind: 'waiting', at: tx.now, track: wait.track, ready: wait.available, desired: wait.desired, problem: wait.problem, ...(wait.deployment ? { deployment: wait.deployment } : {}) });
  }
  const since = tx.state.progress.since!;
  const deadline = since + ctx.spec.progressDeadlineMs;
  if (tx.state.progress.exceeded) return;
  if (tx.now < deadline) {
    tx.wakeAt(deadline);
    return;
  }
  const problem = wait.problem ? ` (${wait.problem})` : '';
  const message = `ProgressDeadlineExceeded: ${wait.deployment ?? `${ctx.spec.name}-${wait.track}`} has ${wait.available}/${wait.desired} pods available after ${formatDuration(ctx.spec.progressDeadlineMs)}${problem}`;
  tx.set({ progress: { ...tx.state.progress, exceeded: true }, message });
  tx.emit({ kind: 'deadlineExceeded', at: tx.now, abort: ctx.spec.progressDeadlineAbort, message });
  if (ctx.spec.progressDeadlineAbort) startRollback(tx, ctx, 'deadline', message);
}
