/**
 * --time-scale F (0 < F <= 1): every pause (blue-green's autoPromotionSeconds too), analysis interval and initial delay, scale-down delay and
 * progress deadline multiplied by F, for demos and tests. Queries are left alone: a PromQL window
 * like [30s] is part of what the query means.
 */
import type { RolloutSpec, RolloutStrategy } from '../manifests/types.js';
import { assertNever } from '../util/assert-never.js';
import { UsageError } from '../util/errors.js';

export function parseTimeScale(value: string | undefined): number {
  if (value === undefined) return 1;
  const f = Number(value);
  if (!Number.isFinite(f) || f <= 0 || f > 1) {
    throw new UsageError(`--time-scale ${value}: expected a number greater than 0 and at most 1`, { hint: 'e.g. --time-scale 0.1 runs a 30s pause in 3s' });
  }
  return f;
}

export function scaleRollout(spec: RolloutSpec, f: number): RolloutSpec {
  if (f === 1) return spec;
  const s = (ms: number) => (ms === 0 ? 0 : Math.max(1, Math.round(ms * f)));
  return { ...spec, progressDeadlineMs: s(spec.progressDeadlineMs), strategy: scaleStrategy(spec.strategy, s) };
}

function scaleStrategy(strategy: RolloutStrategy, s: (ms: number) => number): RolloutStrategy {
  switch (strategy.kind) {
    case 'canary':
      return {
        ...strategy,
        scaleDownDelayMs: s(strategy.scaleDownDelayMs),
        abortScaleDownDelayMs: s(strategy.abortScaleDownDelayMs),
        steps: strategy.steps.map((step) => (step.kind === 'pause' && step.durationMs !== null ? { ...step, durationMs: s(step.durationMs) } : step)),
      };
    case 'blueGreen':
      return {
        ...strategy,
        scaleDownDelayMs: s(strategy.scaleDownDelayMs),
        abortScaleDownDelayMs: s(strategy.abortScaleDownDelayMs),
        autoPromotionMs: s(strategy.autoPromotionMs),
      };
    default:
      return assertNever(strategy, 'strategy');
  }
}
