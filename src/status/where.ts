/** Where a run is, in the words its own messages use ("at step 3/9", "while promoting (UpdateStable)"). */
import { assertNever } from '../util/assert-never.js';
import type { RunState } from '../engine/types.js';
import { formatDuration } from '../util/duration.js';
import { formatRemaining } from './time.js';

export function stepLabel(state: Pick<RunState, 'stepIndex' | 'stepCount'>): string {
  return `${Math.min(state.stepIndex + 1, state.stepCount)}/${state.stepCount}`;
}

/** Where a run is, briefly: "at step 3/9", "while promoting". */
export function briefWhere(state: RunState): string {
  const phase = state.phase;
  switch (phase) {
    case 'Initializing':
      return 'during the first deploy';
    case 'Progressing':
    case 'Paused':
      return state.strategy === 'blueGreen' ? (state.promotion ? 'after the switch' : 'before the switch') : `at step ${stepLabel(state)}`;
    case 'Promoting':
      return 'while promoting';
    case 'RollingBack':
      return 'while rolling back';
    case 'Healthy':
    case 'Degraded':
    case 'Aborted':
      return `after it ended ${phase}`;
    default:
      return assertNever(phase, 'phase');
  }
}

/**
 * Where a run that nobody drives stopped, in detail. `lastAliveAt`: when its runner was last known
 * alive, which is what a pause's remaining time is measured against (a resumed run keeps that remainder).
 */
export function stoppedWhere(state: RunState, lastAliveAt: number): string {
  const phase = state.phase;
  switch (phase) {
    case 'Initializing':
      return 'during the first deploy';
    case 'Progressing':
      return state.strategy === 'blueGreen' ? 'before the switch (preview or prePromotionAnalysis)' : `at step ${stepLabel(state)}`;
    case 'Paused': {
      const p = state.pause;
      const at = state.strategy === 'blueGreen' ? (state.promotion ? 'after the switch' : 'before the switch') : `at step ${stepLabel(state)}`;
      if (p?.reason === 'InconclusiveAnalysis') return `while paused on an inconclusive analysis ${at}`;
      if (!p || p.durationMs === null) return `while paused ${at} until promoted`;
      const left = p.startedAt + p.durationMs - Math.max(lastAliveAt, p.startedAt);
      return `while paused ${at} (${formatRemaining(left)} of ${formatDuration(p.durationMs)} left)`;
    }
    case 'Promoting':
      return `while promoting (${state.promotion?.stage ?? 'CanaryFull'})`;
    case 'RollingBack':
      return `while rolling back (${state.rollback?.reason ?? 'reason unknown'})`;
    case 'Healthy':
    case 'Degraded':
    case 'Aborted':
      return `after it ended ${phase}`;
    default:
      return assertNever(phase, 'phase');
  }
}
