/**
 * The judgement's score, as Kayenta's WeightedSumScorer computes it with one group per metric:
 * each metric scores 100 when Pass and 0 when High or Low, a NoData metric counts as 100 (Kayenta
 * scores a group without data so), weighted by the metric's share of the weights, rounded to two
 * decimals; but a critical metric that is not Pass, or NoData for half the metrics or more, scores
 * 0. The score is then Pass (>= pass), Marginal (>= marginal) or Fail, as Kayenta's
 * ThresholdScoreClassifier. Pure.
 */
import type { MetricJudgement } from './classify.js';

export type ScoreClass = 'Pass' | 'Marginal' | 'Fail';

export interface Scored {
  score: number;
  classification: ScoreClass;
  /** Why the score is 0 when a rule forced it: `Canary Failed: The metric latency was classified as High (Critical)`. */
  reason: string | null;
}

const NODATA_THRESHOLD = 50;

export function scoreJudgement(metrics: readonly { judgement: MetricJudgement; weight: number }[], thresholds: { pass: number; marginal: number }): Scored {
  const classify = (score: number, reason: string | null): Scored => ({
    score,
    classification: score >= thresholds.pass ? 'Pass' : score >= thresholds.marginal ? 'Marginal' : 'Fail',
    reason,
  });
  const critical = metrics.find((m) => m.judgement.critical && m.judgement.classification !== 'Pass');
  if (critical) return classify(0, `Canary Failed: ${critical.judgement.reason ?? `${critical.judgement.name} was ${critical.judgement.classification}`}`);
  const noData = metrics.filter((m) => m.judgement.classification === 'NoData').length;
  if (metrics.length === 0 || (noData / metrics.length) * 100 >= NODATA_THRESHOLD) {
    return classify(0, `Canary Failed: ${NODATA_THRESHOLD}% or more metrics returned NODATA`);
  }
  const totalWeight = metrics.reduce((s, m) => s + m.weight, 0);
  let sum = 0;
  for (const m of metrics) {
    const score = m.judgement.classification === 'Pass' || m.judgement.classification === 'NoData' ? 100 : 0;
    sum += score * (m.weight / totalWeight);
  }
  return classify(Math.round(sum * 100) / 100, null);
}
