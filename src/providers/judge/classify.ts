/**
 * One metric judged, canary against baseline, as Kayenta's NetflixACAJudge judges it (its
 * MannWhitneyClassifier): NaN samples removed (or replaced by 0), no data (or fewer than
 * `minSamples` on a side) is NoData, identical samples Pass, else the Mann-Whitney interval of the
 * shift at `confidence` decides: High when its lower end is above `tolerance` times the shift's own
 * size and the metric may not increase, Low symmetrically, Pass otherwise; the mean ratio must
 * also reach the allowed effect. A critical metric's High, Low or NoData fails the judgement by
 * itself. Pure, deterministic (where Kayenta adds random noise to two constant samples, the shift
 * is taken exactly).
 */
import type { JudgeMetric } from '../../manifests/types.js';
import { pValue, shiftInterval, uStatistic } from './mann-whitney.js';

export type Classification = 'Pass' | 'High' | 'Low' | 'NoData';

export interface SampleSummary {
  count: number;
  mean: number;
  median: number;
}

export interface MetricJudgement {
  name: string;
  classification: Classification;
  /** The metric fails the whole judgement (a critical metric not Pass). */
  critical: boolean;
  /** Why, when not a plain Pass: `success-rate was classified as Low`. */
  reason: string | null;
  /** Canary mean / baseline mean; NaN when either mean is 0 (Kayenta's meanRatio). */
  ratio: number;
  canary: SampleSummary;
  baseline: SampleSummary;
  /** The test, when one was run. */
  test: { u: number; pValue: number; estimate: number; lower: number; upper: number } | null;
}

export type ClassifyOptions = Pick<JudgeMetric, 'direction' | 'tolerance' | 'nanStrategy' | 'critical' | 'minSamples' | 'effectSize'> & { confidence: number };

export function classifyMetric(name: string, canaryRaw: readonly number[], baselineRaw: readonly number[], o: ClassifyOptions): MetricJudgement {
  const clean = (xs: readonly number[]) => (o.nanStrategy === 'remove' ? xs.filter((v) => !Number.isNaN(v)) : xs.map((v) => (Number.isNaN(v) ? 0 : v)));
  const canary = clean(canaryRaw);
  const baseline = clean(baselineRaw);
  const base = { name, canary: summary(canary), baseline: summary(baseline), ratio: meanRatio(baseline, canary), test: null };

  if (canary.length === 0 || baseline.length === 0 || canary.length < o.minSamples || baseline.length < o.minSamples) {
    const few = canary.length === 0 || baseline.length === 0 ? `Missing data for ${name}` : `Too few samples for ${name}: canary ${canary.length}, baseline ${baseline.length} (minSamples ${o.minSamples})`;
    if (o.nanStrategy === 'replace' && (canary.length === 0 || baseline.length === 0)) return { ...base, classification: 'Pass', critical: false, reason: null };
    return { ...base, ratio: 1, classification: 'NoData', critical: o.critical, reason: few };
  }
  const sortedC = [...canary].sort((a, b) => a - b);
  const sortedB = [...baseline].sort((a, b) => a - b);
  if (sortedC.length === sortedB.length && sortedC.every((v, i) => v === sortedB[i])) {
    return { ...base, ratio: 1, classification: 'Pass', critical: false, reason: 'The canary and baseline data are identical' };
  }
  if (new Set([...canary, ...baseline]).size === 1) return { ...base, ratio: 1, classification: 'Pass', critical: false, reason: null };

  const test = shiftTest(canary, baseline, o.confidence);
  const bound = o.tolerance * Math.abs(test.estimate);
  const effect = base.ratio;
  const high = (o.direction === 'increase' || o.direction === 'either') && test.lower > bound && (Number.isNaN(effect) || effect >= o.effectSize.allowedIncrease);
  const low = (o.direction === 'decrease' || o.direction === 'either') && test.upper < -bound && (Number.isNaN(effect) || effect <= o.effectSize.allowedDecrease);
  const classification: Classification = high ? 'High' : low ? 'Low' : 'Pass';
  const criticalFailure =
    o.critical &&
    ((classification === 'High' && (Number.isNaN(effect) || effect >= o.effectSize.criticalIncrease)) ||
      (classification === 'Low' && (Number.isNaN(effect) || effect <= o.effectSize.criticalDecrease)));
  const reason = classification === 'Pass' ? null : `The metric ${name} was classified as ${classification}${criticalFailure ? ' (Critical)' : ''}`;
  return { ...base, test, classification, critical: criticalFailure, reason };
}

/**
 * The test of the canary's shift from the baseline. Two constant samples (different: identical
 * ones Pass before) have every observation tied within each side: the shift is exact.
 */
function shiftTest(canary: number[], baseline: number[], confidence: number): NonNullable<MetricJudgement['test']> {
  const u = uStatistic(canary, baseline);
  const p = pValue(canary, baseline);
  if (new Set(canary).size === 1 && new Set(baseline).size === 1) {
    const shift = canary[0]! - baseline[0]!;
    return { u, pValue: p, estimate: shift, lower: shift, upper: shift };
  }
  const ci = shiftInterval(canary, baseline, confidence);
  return { u, pValue: p, estimate: ci.estimate, lower: ci.lower, upper: ci.upper };
}

function summary(xs: readonly number[]): SampleSummary {
  if (xs.length === 0) return { count: 0, mean: NaN, median: NaN };
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { count: xs.length, mean: xs.reduce((s, v) => s + v, 0) / xs.length, median };
}

/** Kayenta's EffectSizes.meanRatio: experiment mean / control mean, NaN when either is 0. */
function meanRatio(control: readonly number[], experiment: readonly number[]): number {
  const c = control.reduce((s, v) => s + v, 0) / control.length;
  const e = experiment.reduce((s, v) => s + v, 0) / experiment.length;
  return c === 0 || e === 0 || Number.isNaN(c) || Number.isNaN(e) ? NaN : e / c;
}
