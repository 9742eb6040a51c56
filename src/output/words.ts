/** Shared phrasing for steps, durations and times in every renderer. */
import type { RouteSummary, ScaleSummary, StepSummary } from '../engine/events.js';
import { assertNever } from '../util/assert-never.js';
import { formatDuration } from '../util/duration.js';

export function describeStep(step: StepSummary): string {
  const routes = (step.routes ?? []).map((r) => `, ${describeRoute(r)}`).join('');
  return describeMain(step) + routes;
}

function describeMain(step: StepSummary): string {
  const scale = 'canaryScale' in step && step.canaryScale ? `, ${describeScale(step.canaryScale)}` : '';
  switch (step.kind) {
    case 'setWeight':
      return `setWeight ${step.weight}%${scale}`;
    case 'pause':
      return `${step.durationMs === null ? 'pause until promoted' : `pause ${formatDuration(step.durationMs)}`}${scale}`;
    case 'analysis':
      return `analysis ${step.templates.join(', ')}`;
    case 'setCanaryScale':
      return describeScale(step);
    case 'setHeaderRoute':
    case 'setMirrorRoute':
      return `${describeRoute(step)}${scale}`;
    case 'experiment':
      return `experiment ${step.templates.join(', ')}${step.durationMs === null ? '' : ` for ${formatDuration(step.durationMs)}`}${step.analyses.length ? `, analysis ${step.analyses.join(', ')}` : ''}`;
    default:
      return assertNever(step, 'step');
  }
}

function describeRoute(r: RouteSummary): string {
  if (r.kind === 'setHeaderRoute') return r.match === null ? `setHeaderRoute ${r.name}: removed` : `setHeaderRoute ${r.name}: ${r.match} -> canary`;
  return r.match === null ? `setMirrorRoute ${r.name}: removed` : `setMirrorRoute ${r.name}: ${r.percentage}% of ${r.match} mirrored to canary`;
}

function describeScale(s: ScaleSummary): string {
  return s.replicas !== null ? `setCanaryScale ${s.replicas} ${s.replicas === 1 ? 'replica' : 'replicas'}` : s.weight !== null ? `setCanaryScale ${s.weight}%` : 'setCanaryScale matchTrafficWeight';
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
