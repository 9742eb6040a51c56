/**
 * Which run the view is about. With `--revision`, a state of another revision is never reported as
 * the outcome (the CI race Argo's #771/#1180 and Flagger users hit: `status` right after a deploy
 * sees the previous run's Healthy and exits 0).
 */
import { isTerminal, type RunState } from '../engine/types.js';
import type { StatusInput } from './types.js';

export type Focus =
  /** pinned: the caller asked for this run's revision; its verdict stands whoever holds the Lease next. */
  | { kind: 'run'; state: RunState; pinned: boolean }
  /** No run recorded, and no revision asked for. */
  | { kind: 'none' }
  /** The wanted revision's run has not written its state yet; `other` is what the state shows. */
  | { kind: 'waiting'; wanted: string; other: RunState | null }
  /** The wanted revision is already stable and no run of it is recorded: `canary run` has nothing to do. */
  | { kind: 'alreadyStable'; wanted: string };

export function focusOf(input: StatusInput): Focus {
  const { state, revisionWanted: wanted } = input;
  if (wanted === undefined) return state ? { kind: 'run', state, pinned: false } : { kind: 'none' };
  if (state && revisionMatches(state.revision, wanted)) return { kind: 'run', state, pinned: true };
  const idle = state === null || isTerminal(state.phase);
  const stableIsWanted = input.stable?.revision != null && revisionMatches(input.stable.revision, wanted);
  // As `canary run` decides "nothing to do": stable already runs it and no canary is left over.
  if (idle && stableIsWanted && (input.canary?.replicas ?? 0) === 0) return { kind: 'alreadyStable', wanted };
  return { kind: 'waiting', wanted, other: state };
}

/** The full hash, or a prefix of at least 4 characters as `git` accepts. */
export function revisionMatches(revision: string, wanted: string): boolean {
  return wanted.length >= 4 ? revision.startsWith(wanted) : revision === wanted;
}
