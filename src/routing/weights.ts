/**
 * Backend weights as written by anyone: SMI v1alpha1 weights are resource.Quantity (Flagger writes
 * integers, older tools "500m"), v1alpha2+ and Gateway API weights are integers. Weights are
 * relative, so the canary's share is canary / (canary + stable).
 */
import type { WeightDestination } from '../engine/ports.js';
import { UsageError } from '../util/errors.js';

const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** The numeric value of a weight (number or quantity string); null when it is neither. */
export function weightValue(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const m = /^\s*\+?(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?(n|u|m|k|M|G|T|Ki|Mi|Gi|Ti)?\s*$/.exec(value);
  if (!m) return null;
  return Number(m[1]) * (m[2] ? 10 ** Number(m[2]) : 1) * SUFFIX[m[3] ?? '']!;
}

/** The canary's percentage of the pair, rounded to 2 decimals; 0 when both weights are 0. */
export function canaryPercent(canary: number, stable: number): number {
  const total = canary + stable;
  if (total <= 0) return 0;
  return Math.round((canary / total) * 10_000) / 100;
}

/** A canary percentage as the integers written: [canary, stable], summing to 100. */
export function splitWeights(canaryWeight: number): [number, number] {
  if (!Number.isFinite(canaryWeight) || canaryWeight < 0 || canaryWeight > 100) {
    throw new RangeError(`canary weight must be within 0..100, got ${canaryWeight}`);
  }
  const canary = Math.round(canaryWeight);
  return [canary, 100 - canary];
}

/** What canary and the experiment destinations leave of 100 for stable; throws naming `what` when they exceed it. */
export function stableLeft(what: string, canary: number, additional: readonly WeightDestination[]): number {
  const stable = additional.reduce((left, d) => left - d.weight, 100 - canary);
  if (stable >= 0) return stable;
  throw new UsageError(`${what}: canary ${canary}% and experiment weights ${additional.map((d) => `${d.service} ${d.weight}%`).join(', ')} exceed 100%`, {
    hint: 'lower the experiment templates\' weight or the setWeight before the experiment step',
  });
}
