/**
 * The Status line: Argo's phases computed from the run state, the Lease and the cluster, with a
 * message that says what is happening and a hint that says what the reader can do.
 *
 * A verdict is `settled` only once the run ended (Healthy, Degraded, Aborted in the state). Degraded
 * while the run keeps going (progress deadline without abort, no live runner, rolling back) is
 * reported as Degraded but not settled: Argo's `status` exiting 1 on such a state and the run then
 * succeeding is #1225.
 */
import type { Phase, RollbackCause, RunState } from '../engine/types.js';
import { assertNever } from '../util/assert-never.js';
import { formatDuration } from '../util/duration.js';
import { initialActivity, previewActivity, promotionActivity, rollbackActivity, stepActivity, type Activity } from './activity.js';
import type { Focus } from './focus.js';
import { ICON, type Icon } from './icons.js';
import type { RunnerView, StatusPhase, StatusReason, StatusSummary } from './model.js';
import { lastAliveAt } from './runner.js';
import { formatAge, formatRemaining } from './time.js';
import { forReader, hintCommand, type HintTarget } from '../util/hint.js';
import type { StatusInput } from './types.js';
import { stepLabel, stoppedWhere } from './where.js';

export function phaseIcon(phase: StatusPhase): Icon {
  switch (phase) {
    case 'Healthy':
      return ICON.healthy;
    case 'Progressing':
      return ICON.progressing;
    case 'Paused':
      return ICON.paused;
    case 'Degraded':
    case 'Aborted':
      return ICON.failed;
    case 'Unknown':
      return ICON.unknown;
    default:
      return assertNever(phase, 'status phase');
  }
}

interface Extra {
  timing?: string | null;
  settled?: boolean;
  next?: string | null;
}

function summary(phase: StatusPhase, reason: StatusReason, message: string, extra: Extra = {}): StatusSummary {
  return { phase, icon: phaseIcon(phase), reason, message, timing: extra.timing ?? null, settled: extra.settled ?? false, next: extra.next ?? null };
}

export function summarize(input: StatusInput, focus: Focus, runner: RunnerView): StatusSummary {
  const s = summarizeStored(input, focus, runner);
  // Stored messages name commands without --context: the reader's is added.
  return { ...s, message: forReader(s.message, hintTarget(input)) };
}

function summarizeStored(input: StatusInput, focus: Focus, runner: RunnerView): StatusSummary {
  switch (focus.kind) {
    case 'none':
      if (runner.state === 'live') return summary('Progressing', 'NewRunStarting', `${runner.identity} holds the lease: a run is starting`);
      return summary('Unknown', 'NoRun', `no run recorded for ${input.namespace}/${input.name}${input.stable ? ` (Deployment ${input.stable.name} exists)` : ''}`, {
        next: '`canary run` starts one',
      });
    case 'waiting': {
      const shows = focus.other ? `the state still shows revision ${focus.other.revision} (${focus.other.phase})` : 'no run is recorded yet';
      return summary('Progressing', 'WaitingForRun', `waiting for the run of revision ${focus.wanted} to start; ${shows}`, {
        next: runner.state === 'live' ? null : `\`canary run\` with revision ${focus.wanted} starts it`,
      });
    }
    case 'alreadyStable':
      return summary('Healthy', 'AlreadyStable', `revision ${focus.wanted} is already the stable revision: nothing to roll out`, { settled: true });
    case 'run':
      return ofRun(input, focus.state, focus.pinned, runner);
    default:
      return assertNever(focus, 'focus');
  }
}

type Ended = Extract<Phase, 'Healthy' | 'Degraded' | 'Aborted'>;

function ofRun(input: StatusInput, state: RunState, pinned: boolean, runner: RunnerView): StatusSummary {
  const phase = state.phase;
  switch (phase) {
    case 'Healthy':
    case 'Degraded':
    case 'Aborted':
      // A live runner other than the one that finished: a new run took the lease and has not written yet.
      if (!pinned && runner.state === 'live' && runner.identity !== state.owner) {
        return summary('Progressing', 'NewRunStarting', `${runner.identity} holds the lease: a new run is starting (the last run, of revision ${state.revision}, ended ${phase})`);
      }
      return ended(state, phase, hintTarget(input));
    case 'Initializing':
    case 'Progressing':
    case 'Paused':
    case 'Promoting':
    case 'RollingBack':
      return running(input, state, phase, runner);
    default:
      return assertNever(phase, 'phase');
  }
}

function running(input: StatusInput, state: RunState, phase: Exclude<Phase, Ended>, runner: RunnerView): StatusSummary {
  const t = hintTarget(input);
  // A run that stopped at a pause waiting for a person (`run --exit-on-pause`) lost nothing: it waits.
  const waitsForPerson = phase === 'Paused' && (state.pause === null || state.pause.durationMs === null || state.pause.reason === 'InconclusiveAnalysis');
  if (runner.state === 'lost' && waitsForPerson) return paused(input, state, true);
  if (runner.state === 'lost') {
    const since = lastAliveAt(state, input.lease.holder);
    return summary('Degraded', 'RunnerLost', `runner lost: the run of revision ${state.revision} stopped ${stoppedWhere(state, since)}`, {
      timing: `last seen ${formatAge(input.now - since)} ago`,
      next: `\`canary run\` resumes it, ${hintCommand('abort', t)} rolls back`,
    });
  }
  if (state.progress.exceeded && phase !== 'RollingBack') {
    return summary('Degraded', 'ProgressDeadlineExceeded', `${state.message}; the run keeps waiting (progressDeadlineAbort is off)`, {
      timing: state.progress.since === null ? null : `waiting ${formatAge(input.now - state.progress.since)} so far`,
      next: `fix the pods and the run continues, or ${hintCommand('abort', t)} rolls back`,
    });
  }
  switch (phase) {
    case 'Initializing':
      return withActivity('Progressing', 'Initializing', initialActivity(input, state));
    case 'Progressing':
      if (state.strategy === 'blueGreen') {
        return withActivity('Progressing', 'StepInProgress', previewActivity(input, state), {
          next: `${hintCommand('abort', t)} rolls back, ${hintCommand('promote', t, '--full')} switches as soon as the preview is at full size`,
        });
      }
      return withActivity('Progressing', 'StepInProgress', stepActivity(input, state), {
        next: `${hintCommand('abort', t)} rolls back, ${hintCommand('promote', t, '--full')} skips the remaining steps`,
      });
    case 'Paused':
      return paused(input, state);
    case 'Promoting':
      return withActivity('Progressing', 'Promoting', promotionActivity(input, state));
    case 'RollingBack': {
      const cause = state.rollback?.cause ?? 'user';
      const reason = state.rollback?.reason ?? state.message;
      if (cause === 'rollbackToStable') return withActivity('Progressing', 'RestoringStable', rollbackActivity(input, state, `restoring the stable revision: ${reason}`));
      const verdict = verdictOf(cause);
      return withActivity(verdict.phase, verdict.reason, rollbackActivity(input, state, `rolling back: ${reason}`));
    }
    default:
      return assertNever(phase, 'phase');
  }
}

/** The rollout as this view's hints name it: its namespace, and --context when the reader gave one. */
export function hintTarget(input: StatusInput): HintTarget {
  return { name: input.name, namespace: input.namespace, context: input.context ?? null };
}

function withActivity(phase: StatusPhase, reason: StatusReason, a: Activity, extra: Extra = {}): StatusSummary {
  return summary(phase, reason, a.message, { ...extra, timing: a.timing });
}

function paused(input: StatusInput, state: RunState, detached = false): StatusSummary {
  const t = hintTarget(input);
  const p = state.pause;
  const at = state.strategy === 'blueGreen' ? (state.promotion ? 'the check after the switch' : 'the preview') : `step ${stepLabel(state)}`;
  const decide = detached
    ? `no runner waits: ${hintCommand('promote', t)} then \`canary run\` continues, ${hintCommand('abort', t)} rolls back`
    : `${hintCommand('promote', t)} continues, ${hintCommand('abort', t)} rolls back`;
  if (p?.reason === 'InconclusiveAnalysis') {
    // The runner's message explains the analysis (metric, value, conditions); the hint is ours.
    return summary('Paused', 'InconclusiveAnalysis', stripHint(state.message) || `paused at ${at}: an analysis was inconclusive`, { next: decide });
  }
  if (p?.reason === 'BlueGreenPause') {
    const left = p.durationMs === null ? null : p.startedAt + p.durationMs - input.now;
    return summary('Paused', 'BlueGreenPause', stripHint(state.message) || 'paused before the switch', {
      timing: left === null ? null : `${formatRemaining(left)} left`,
      next: p.durationMs === null ? decide : `${hintCommand('promote', t)} switches now, ${hintCommand('abort', t)} rolls back`,
    });
  }
  if (!p || p.durationMs === null) {
    return summary('Paused', 'PausedUntilPromote', `paused at ${at} until ${hintCommand('promote', t)}`, { next: decide });
  }
  const left = p.startedAt + p.durationMs - input.now;
  return summary('Paused', 'PauseStep', `paused at ${at} for ${formatDuration(p.durationMs)}`, {
    timing: `${formatRemaining(left)} left`,
    next: `${hintCommand('promote', t)} ends the pause now, ${hintCommand('abort', t)} rolls back`,
  });
}

/** The engine's inconclusive message ends with the promote/abort hint; the view carries that in `next`. */
function stripHint(message: string): string {
  return message.replace(/; `canary promote [^`]*` continues, `canary abort [^`]*` rolls back$/, '');
}

function ended(state: RunState, phase: Ended, t: HintTarget): StatusSummary {
  const retry = `${hintCommand('retry', t)} runs revision ${state.revision} again from step 1; \`canary run\` rolls out a fixed one`;
  switch (phase) {
    case 'Healthy': {
      const reason: StatusReason = state.mode === 'initial' ? 'Deployed' : state.mode === 'rollbackToStable' ? 'StableRestored' : 'Promoted';
      return summary('Healthy', reason, state.message, { settled: true });
    }
    case 'Degraded':
      return summary('Degraded', verdictOf(state.rollback?.cause ?? 'analysis').reason, `rolled back: ${state.message}`, { settled: true, next: retry });
    case 'Aborted':
      return summary('Aborted', verdictOf(state.rollback?.cause ?? 'user').reason, `${state.message}; rolled back to stable`, { settled: true, next: retry });
    default:
      return assertNever(phase, 'phase');
  }
}

/** The phase a rollback ends in (as the engine's endPhase) and the reason code it reports. */
function verdictOf(cause: RollbackCause): { phase: StatusPhase; reason: StatusReason } {
  switch (cause) {
    case 'analysis':
      return { phase: 'Degraded', reason: 'AnalysisFailed' };
    case 'deadline':
      return { phase: 'Degraded', reason: 'ProgressDeadlineExceeded' };
    case 'user':
      return { phase: 'Aborted', reason: 'AbortedByUser' };
    case 'interrupt':
      return { phase: 'Aborted', reason: 'Interrupted' };
    case 'timeout':
      return { phase: 'Aborted', reason: 'TimedOut' };
    case 'rollbackToStable':
      return { phase: 'Healthy', reason: 'StableRestored' };
    default:
      return assertNever(cause, 'rollback cause');
  }
}
