/**
 * When the runner stores its state at once and when a change may wait. Only while the run waits in
 * a pause may anything wait: there, what successful measurements of the background analysis add (the
 * measurement itself, `count`, `successful`, `consecutiveSuccess`) and a measurement in flight ride
 * along with the next other write, or are stored after DEFERRED_SAVE_MS. A runner waiting in a pause
 * with the seed's analysis every 15 s then writes once a minute instead of twice per measurement
 * (issue 15); `canary status` shows those measurements up to a minute late. Everything else is stored
 * at once: phase, step, weights, requests handled, an analysis run's or metric's phase, every failed,
 * inconclusive or errored measurement (the counters failureLimit, inconclusiveLimit and
 * consecutiveErrorLimit judge), and every measurement outside a pause (a step's analysis decides
 * when the step ends, and status follows it). A runner killed in a pause loses at most a minute of
 * successful measurements; the run it leaves is resumed as before, with the counts it stored.
 */
import type { RunState } from './types.js';

export const DEFERRED_SAVE_MS = 60_000;

/** The state as far as it must be stored at once; two states with the same key differ only in what may wait. */
export function urgentKey(state: RunState): string {
  if (state.phase !== 'Paused') return JSON.stringify({ ...state, updatedAt: 0 });
  const analyses = state.analyses.map((run) => ({
    ...run,
    metrics: run.metrics.map(({ measurements: _m, count: _c, successful: _s, consecutiveSuccess: _cs, ...rest }) => rest),
  }));
  return JSON.stringify({ ...state, updatedAt: 0, analyses });
}
