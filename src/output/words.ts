/** Shared phrasing for steps, durations and times in every renderer. */
import type { StepSummary } from '../engine/events.js';
import { assertNever } from '../util/assert-never.js';
import { formatDuration } from '../util/duration.js';

export function describeStep(step: StepSummary): string {
  switch (step.kind) {
    case 'setWeight':
      return `setWeight ${step.weight}%`;
    case 'pause':
      return step.durationMs === null ? 'pause until promoted' : `pause ${formatDuration(step.durationMs)}`;
    case 'analysis':
      return `analysis ${step.templates.join(', ')}`;
    case 'setCanaryScale':
      return step.replicas !== null
        ? `setCanaryScale ${step.replicas} replicas`
        : step.weight !== null
          ? `setCanaryScale ${step.weight}%`
          : 'setCanaryScale matchTrafficWeight';
    default:
      return assertNever(step, 'step');
  }
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
