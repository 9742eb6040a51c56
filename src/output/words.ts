/** Shared phrasing for steps, durations and times in every renderer. */
import type { ScaleSummary, StepSummary } from '../engine/events.js';
import { assertNever } from '../util/assert-never.js';
import { formatDuration } from '../util/duration.js';

export function describeStep(step: StepSummary): string {
  switch (step.kind) {
    case 'setWeight':
      return `setWeight ${step.weight}%${step.canaryScale ? `, ${describeScale(step.canaryScale)}` : ''}`;
    case 'pause':
      return `${step.durationMs === null ? 'pause until promoted' : `pause ${formatDuration(step.durationMs)}`}${step.canaryScale ? `, ${describeScale(step.canaryScale)}` : ''}`;
    case 'analysis':
      return `analysis ${step.templates.join(', ')}`;
    case 'setCanaryScale':
      return describeScale(step);
    case 'setHeaderRoute':
      return `${step.match === null ? `setHeaderRoute ${step.name}: removed` : `setHeaderRoute ${step.name}: ${step.match} -> canary`}${step.canaryScale ? `, ${describeScale(step.canaryScale)}` : ''}`;
    case 'setMirrorRoute':
      return `${step.match === null ? `setMirrorRoute ${step.name}: removed` : `setMirrorRoute ${step.name}: ${step.percentage}% of ${step.match} mirrored to canary`}${step.canaryScale ? `, ${describeScale(step.canaryScale)}` : ''}`;
    case 'experiment':
      return `experiment ${step.templates.join(', ')}${step.durationMs === null ? '' : ` for ${formatDuration(step.durationMs)}`}${step.analyses.length ? `, analysis ${step.analyses.join(', ')}` : ''}`;
    default:
      return assertNever(step, 'step');
  }
}

function describeScale(s: ScaleSummary): string {
  return s.replicas !== null ? `setCanaryScale ${s.replicas} replicas` : s.weight !== null ? `setCanaryScale ${s.weight}%` : 'setCanaryScale matchTrafficWeight';
}

/** `10:00:34Z` for times within the run; the date is in the start line. */
export function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19) + 'Z';
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function stepOf(index: number, count: number): string {
  return `${Math.min(index + 1, count)}/${count}`;
}

export { formatDuration };

/** Whose pods a run waits for: a track's (`canary`), or an experiment template's Deployment by name. */
export function waitedFor(w: { track: string; deployment?: string }): string {
  return w.deployment ? `experiment Deployment ${w.deployment}` : w.track;
}
