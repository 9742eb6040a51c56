/**
 * The score: Kayenta's ScorerSuite cases (spinnaker/kayenta WeightedSumScorer) with one group per
 * metric, weights as Kayenta's group weights, critical metrics and the NoData rule, and the
 * pass/marginal thresholds of its ThresholdScoreClassifier.
 */
import type { Classification, MetricJudgement } from '../../../src/providers/judge/classify.js';
import { scoreJudgement } from '../../../src/providers/judge/score.js';

const m = (name: string, classification: Classification, weight = 1, critical = false): { judgement: MetricJudgement; weight: number } => ({
  judgement: {
    name,
    classification,
    critical,
    reason: classification === 'Pass' ? null : `The metric ${name} was classified as ${classification}${critical ? ' (Critical)' : ''}`,
    ratio: 1,
    canary: { count: 10, mean: 1, median: 1 },
    baseline: { count: 10, mean: 1, median: 1 },
    test: null,
  },
  weight,
});
const T = { pass: 80, marginal: 60 };

describe('scoreJudgement (Kayenta ScorerSuite, one group per metric)', () => {
  it.each([
    ['Single Metric Pass', [m('a', 'Pass')], 100],
    ['Single Metric Fail', [m('a', 'High')], 0],
    ['Single group Nodata', [m('a', 'NoData')], 0],
    ['Two Groups, one Pass, one Nodata (NoData counts as 100 under the 50% rule)', [m('a', 'Pass'), m('b', 'Pass'), m('c', 'NoData')], 100],
    ['One Group, Two Metrics', [m('a', 'Pass'), m('b', 'High')], 50],
    ['One Group, Three Metrics', [m('a', 'Pass'), m('b', 'High'), m('c', 'Low')], 33.33],
    ['Two Groups, Three Metrics (weights 75/25: here 37.5 + 37.5 + 25)', [m('a', 'Pass', 37.5), m('b', 'Pass', 37.5), m('c', 'High', 25)], 75],
  ])('%s', (_name, metrics, score) => {
    expect(scoreJudgement(metrics, T).score).toBe(score);
  });

  it('Pass at or above pass, Marginal at or above marginal, Fail below', () => {
    expect(scoreJudgement([m('a', 'Pass', 4), m('b', 'High', 1)], T)).toEqual({ score: 80, classification: 'Pass', reason: null });
    expect(scoreJudgement([m('a', 'Pass', 2), m('b', 'High', 1)], T)).toEqual({ score: 66.67, classification: 'Marginal', reason: null });
    expect(scoreJudgement([m('a', 'Pass'), m('b', 'High')], T)).toEqual({ score: 50, classification: 'Fail', reason: null });
  });

  it('a critical metric not Pass fails it on its own, naming the metric', () => {
    expect(scoreJudgement([m('a', 'Pass', 9), m('latency', 'High', 1, true)], T)).toEqual({ score: 0, classification: 'Fail', reason: 'Canary Failed: The metric latency was classified as High (Critical)' });
  });

  it('NoData for half the metrics or more fails it', () => {
    expect(scoreJudgement([m('a', 'Pass'), m('b', 'NoData')], T)).toEqual({ score: 0, classification: 'Fail', reason: 'Canary Failed: 50% or more metrics returned NODATA' });
  });
});
