/** The verdict of a finished run, and the one line that always ends `canary run`'s output. */
import type { Outcome } from '../contract/outcome.js';
import type { RollbackCause, RunState } from '../engine/types.js';
import { assertNever } from '../util/assert-never.js';
import type { Palette } from '../util/palette.js';
import { formatDuration, stepOf } from './words.js';

export type Verdict = 'promoted' | 'deployed' | 'unchanged' | 'rolled back' | 'aborted' | 'timed out' | 'paused' | 'left running' | 'refused';

/** What a run ended as (the state, or a past run's record: phase, mode and the rollback's cause). */
export type VerdictFacts = Pick<RunState, 'phase' | 'mode'> & { rollback: { cause: RollbackCause } | null };

export function verdictOf(state: VerdictFacts): { verdict: Verdict; outcome: Outcome } {
  switch (state.phase) {
    case 'Healthy':
      return state.mode === 'initial'
        ? { verdict: 'deployed', outcome: 'ok' }
        : state.mode === 'rollbackToStable'
          ? { verdict: 'rolled back', outcome: 'ok' }
          : { verdict: 'promoted', outcome: 'ok' };
    case 'Degraded':
      return { verdict: 'rolled back', outcome: 'rolledBack' };
    case 'Aborted':
      return state.rollback?.cause === 'timeout' ? { verdict: 'timed out', outcome: 'timeout' } : { verdict: 'aborted', outcome: 'aborted' };
    case 'Paused':
      return { verdict: 'paused', outcome: 'paused' };
    case 'Initializing':
    case 'Progressing':
    case 'Promoting':
    case 'RollingBack':
      return { verdict: 'left running', outcome: 'aborted' };
    default:
      return assertNever(state.phase, 'phase');
  }
}

export interface FinalLine {
  verdict: Verdict;
  name: string;
  namespace: string;
  revision: string;
  step: string;
  durationMs: number;
  reason: string;
}

export function finalLine(state: RunState, now: number, override?: { verdict: Verdict; reason: string }): FinalLine {
  const v = override?.verdict ?? verdictOf(state).verdict;
  return {
    verdict: v,
    name: state.rollout.name,
    namespace: state.rollout.namespace,
    revision: state.revision,
    step: state.mode !== 'canary' || state.stepCount === 0 ? '-' : stepOf(state.stepIndex, state.stepCount),
    durationMs: (state.finishedAt ?? now) - state.startedAt,
    reason: override?.reason ?? state.message,
  };
}

export function renderFinalLine(f: FinalLine, p: Palette): string {
  const icon = f.verdict === 'promoted' || f.verdict === 'deployed' || f.verdict === 'unchanged' ? p.green('✔') : f.verdict === 'paused' ? p.yellow('॥') : p.red('✖');
  return `${icon} ${p.bold(f.verdict)}: ${f.namespace}/${f.name} revision ${f.revision}, step ${f.step}, ${formatDuration(f.durationMs)}: ${f.reason}`;
}
