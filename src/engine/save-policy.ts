/**
 * When the runner stores its state at once and when a change may wait. Everything that decides
 * the run, or that someone waits for, is stored at once: phase, step, weights, pauses, requests
 * handled, an analysis run's or metric's phase, and every failed, inconclusive or errored
 * measurement (the counters failureLimit, inconclusiveLimit and consecutiveErrorLimit judge). What
 * successful measurements add (the measurement itself, `count`, `successful`, `consecutiveSuccess`)
 * and a measurement in flight ride along with the next such write, or are stored after
 * DEFERRED_SAVE_MS: a runner waiting in a pause with the seed's analysis every 15 s then writes once
 * a minute instead of twice per measurement (issue 15). A runner killed in between loses at most
 * that long of successful measurements; the run it leaves is resumed as before, with those counts.
 */
import type { RunState } from './types.js';

export const DEFERRED_SAVE_MS = 60_000;

/** The state as far as it must be stored at once; two states with the same key differ only in what may wait. */
export function urgentKey(state: RunState): string {
  const analyses = state.analyses.map((run) => ({
    ...run,
    metrics: run.metrics.map(({ measurements: _m, count: _c, successful: _s, consecutiveSuccess: _cs, ...rest }) => rest),
  }));
  return JSON.stringify({ ...state, updatedAt: 0, analyses });
}
