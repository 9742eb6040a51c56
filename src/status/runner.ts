/**
 * Who drives the run: the Lease holder while its lease is fresh. A run that is not over needs a
 * live runner; without one nothing moves (no steps, no promote, no abort handling), and the view
 * says so with what the reader can do about it.
 */
import type { LeaseHolder } from '../engine/ports.js';
import { isTerminal, type RunState } from '../engine/types.js';
import { hintCommand, type HintTarget } from '../util/hint.js';
import type { RunnerView } from './model.js';
import { formatAge, iso } from './time.js';
import { briefWhere } from './where.js';

/** A lease never renewed cannot prove its holder alive. */
export function isLive(holder: LeaseHolder | null, now: number): holder is LeaseHolder & { renewedAt: number } {
  return holder !== null && holder.renewedAt !== null && now < holder.renewedAt + holder.durationMs;
}

/** When the run's runner was last known alive: its last write or its last lease renewal. */
export function lastAliveAt(state: RunState, holder: LeaseHolder | null): number {
  const renewed = holder && holder.identity === state.owner ? holder.renewedAt ?? 0 : 0;
  return Math.max(state.updatedAt, renewed);
}

/** `state`: the run this view is about (null when none is recorded, or while waiting for another revision's). */
export function runnerOf(t: HintTarget, state: RunState | null, holder: LeaseHolder | null, now: number): RunnerView {
  const renewedAt = holder?.renewedAt ?? null;
  const base = {
    identity: holder?.identity ?? null,
    renewedAt: renewedAt === null ? null : iso(renewedAt),
    renewedAgoMs: renewedAt === null ? null : Math.max(0, now - renewedAt),
    leaseExpired: holder === null ? null : !isLive(holder, now),
  };
  if (isLive(holder, now)) {
    return { state: 'live', ...base, text: `${holder.identity} (lease renewed ${formatAge(now - holder.renewedAt)} ago)` };
  }
  if (state === null || isTerminal(state.phase)) {
    const ended = state?.finishedAt != null ? ` (the run ended ${formatAge(now - state.finishedAt)} ago)` : '';
    return { state: 'idle', ...base, text: `none${ended}` };
  }
  const lease =
    holder === null
      ? `the lease is free; ${state.owner} wrote last`
      : holder.renewedAt === null
        ? `the lease of ${holder.identity} was never renewed`
        : `the lease of ${holder.identity} expired ${formatAge(now - holder.renewedAt - holder.durationMs)} ago`;
  return {
    state: 'lost',
    ...base,
    identity: holder?.identity ?? state.owner,
    text:
      `no live runner (${lease}): the last run stopped ${briefWhere(state)}; ` +
      `\`canary run\` resumes, ${hintCommand('abort', t)} rolls back`,
  };
}
