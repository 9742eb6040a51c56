/**
 * Past runs, for `canary history`: when a run starts, the one it replaces is summed up and kept in
 * the new run's state, newest first and bounded. Pure.
 */
import { PAST_RUNS_LIMIT, REQUESTS_LIMIT, type ReceivedRequest, type RunRecord, type RunRequest, type RunState } from './types.js';

export function recordOf(state: RunState): RunRecord {
  return {
    runId: state.runId,
    mode: state.mode,
    revision: state.revision,
    stableRevision: state.stableRevision,
    images: state.images.canary,
    phase: state.phase,
    cause: state.rollback?.cause ?? null,
    reason: state.message,
    stepIndex: state.stepIndex,
    stepCount: state.stepCount,
    startedAt: state.startedAt,
    finishedAt: state.finishedAt,
    owner: state.owner,
    requests: state.requests ?? [],
  };
}

/** What a new run keeps of the runs before it: the one it replaces first. */
export function pastOf(previous: RunState | null): RunRecord[] {
  if (!previous) return [];
  return [recordOf(previous), ...(previous.past ?? [])].slice(0, PAST_RUNS_LIMIT);
}

/** The run's requests with one more it acted on or answered. */
export function requestsWith(state: RunState, req: RunRequest, outcome: string): ReceivedRequest[] {
  const entry = { kind: req.kind, by: req.by, at: req.at, reason: req.reason, outcome };
  return [...(state.requests ?? []), entry].slice(-REQUESTS_LIMIT);
}

/** Every run the state knows of, newest first: the current one, then the past ones. */
export function runsOf(state: RunState | null): RunRecord[] {
  return state ? [recordOf(state), ...(state.past ?? [])] : [];
}
