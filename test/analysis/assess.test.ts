import { assessMetric, assessRunPhase, effectiveCount, isWorse, limitBreach } from '../../src/analysis/assess.js';
import type { AnalysisRun, Measurement, MetricResult } from '../../src/analysis/types.js';
import { metric, resolved } from './fixtures.js';

const done = (phase: Measurement['phase']): Measurement => ({ phase, startedAt: 0, finishedAt: phase === 'Running' ? null : 0, value: null, message: null, metadata: {} });

function result(overrides: Partial<MetricResult> = {}): MetricResult {
  return {
    name: 'success-rate', phase: 'Running', measurements: [done('Successful')], count: 1, successful: 1, failed: 0,
    inconclusive: 0, error: 0, consecutiveError: 0, consecutiveSuccess: 1, dryRun: false, message: null, ...overrides,
  };
}

describe('effectiveCount', () => {
  it.each([
    [null, null, 1],
    [0, null, 1],
    [null, 15_000, null],
    [0, 15_000, null],
    [5, 15_000, 5],
    [1, null, 1],
  ])('count %p, interval %p -> %p', (count, intervalMs, expected) => {
    expect(effectiveCount({ count, intervalMs })).toBe(expected);
  });
});

describe('limitBreach', () => {
  it('checks failed, then inconclusive, then consecutive errors, the later overriding', () => {
    const spec = metric({ failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 0 });
    expect(limitBreach(spec, result({ failed: 1 }))).toEqual({ phase: 'Failed', reason: 'failed (1) > failureLimit (0)' });
    expect(limitBreach(spec, result({ failed: 1, inconclusive: 1 }))).toEqual({ phase: 'Inconclusive', reason: 'inconclusive (1) > inconclusiveLimit (0)' });
    expect(limitBreach(spec, result({ failed: 1, inconclusive: 1, consecutiveError: 1 }))).toEqual({
      phase: 'Error',
      reason: 'consecutiveErrors (1) > consecutiveErrorLimit (0)',
    });
  });

  it('ignores failures when failureLimit is -1, and tolerates failures up to the limit', () => {
    expect(limitBreach(metric({ failureLimit: -1, consecutiveSuccessLimit: 1 }), result({ failed: 100 }))).toBeNull();
    expect(limitBreach(metric({ failureLimit: 2 }), result({ failed: 2 }))).toBeNull();
    expect(limitBreach(metric(), result({ consecutiveError: 4 }))).toBeNull();
    expect(limitBreach(metric(), result({ consecutiveError: 5 }))?.phase).toBe('Error');
  });
});

describe('assessMetric', () => {
  const indefinite = metric({ intervalMs: 15_000 });
  it.each([
    ['no measurements yet', indefinite, result({ measurements: [], count: 0, successful: 0 }), false, 'Pending'],
    ['no measurements, terminating', indefinite, result({ measurements: [], count: 0, successful: 0 }), true, 'Successful'],
    ['a measurement in flight', indefinite, result({ measurements: [done('Successful'), done('Running')] }), true, 'Running'],
    ['running indefinitely', indefinite, result(), false, 'Running'],
    ['running indefinitely, terminating', indefinite, result(), true, 'Successful'],
    ['single measurement done', metric(), result(), false, 'Successful'],
    ['consecutiveSuccessLimit reached', metric({ intervalMs: 1, count: 10, consecutiveSuccessLimit: 3 }), result({ count: 4, consecutiveSuccess: 3 }), false, 'Successful'],
    ['count reached, success limit missed, failure limit applicable', metric({ intervalMs: 1, count: 3, failureLimit: 1, consecutiveSuccessLimit: 2 }), result({ count: 3, failed: 1, consecutiveSuccess: 1 }), false, 'Inconclusive'],
    ['count reached, success limit missed, failure limit disabled', metric({ intervalMs: 1, count: 3, failureLimit: -1, consecutiveSuccessLimit: 2 }), result({ count: 3, failed: 2, consecutiveSuccess: 1 }), false, 'Failed'],
    ['count reached with tolerated failures', metric({ intervalMs: 1, count: 3, failureLimit: 2 }), result({ count: 3, failed: 2 }), false, 'Successful'],
    ['count not reached', metric({ intervalMs: 1, count: 3 }), result({ count: 2 }), false, 'Running'],
    ['already completed keeps its phase', indefinite, result({ phase: 'Failed', message: 'x' }), false, 'Failed'],
  ] as const)('%s -> %s', (_what, spec, r, terminating, phase) => {
    expect(assessMetric(spec, r, terminating).phase).toBe(phase);
  });
});

describe('run phase', () => {
  it('orders phases Successful < Running < Pending < Inconclusive < Error < Failed', () => {
    const order = ['Successful', 'Running', 'Pending', 'Inconclusive', 'Error', 'Failed'] as const;
    for (let i = 0; i < order.length; i++) {
      for (let j = 0; j < order.length; j++) expect(isWorse(order[i]!, order[j]!)).toBe(j > i);
    }
  });

  const run = (metrics: MetricResult[], terminating = false): AnalysisRun => ({
    id: 'r', phase: 'Running', message: null, startedAt: 0, completedAt: null, terminating, metrics,
  });
  const specs = [resolved({ name: 'a' }), resolved({ name: 'b' }), resolved({ name: 'c' }, { dryRun: true })];

  it('takes the worst non-dry-run phase once everything completed, with Argo\'s message', () => {
    const out = assessRunPhase(
      run([
        result({ name: 'a', phase: 'Inconclusive', inconclusive: 1, message: 'inconclusive (1) > inconclusiveLimit (0)' }),
        result({ name: 'b', phase: 'Error', message: 'consecutiveErrors (5) > consecutiveErrorLimit (4)', measurements: [{ ...done('Error'), message: 'connect ECONNREFUSED' }] }),
        result({ name: 'c', phase: 'Failed', dryRun: true, message: 'failed (1) > failureLimit (0)' }),
      ]),
      specs,
    );
    expect(out).toEqual({
      phase: 'Error',
      message: 'Metric "b" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): "Error Message: connect ECONNREFUSED"',
    });
  });

  it('keeps Running while a metric has not finished or not started', () => {
    expect(assessRunPhase(run([result({ name: 'a', phase: 'Successful' }), result({ name: 'b', phase: 'Pending', measurements: [] }), result({ name: 'c', phase: 'Successful', dryRun: true })]), specs).phase).toBe('Running');
  });

  it('ends Successful when only dry-run metrics failed', () => {
    const only = [resolved({ name: 'c' }, { dryRun: true })];
    expect(assessRunPhase(run([result({ name: 'c', phase: 'Failed', dryRun: true, message: 'failed (1) > failureLimit (0)' })]), only)).toEqual({ phase: 'Successful', message: null });
  });

  it('waits for in-flight measurements of a terminating run, then ends with the worst so far', () => {
    const inFlight = run([result({ name: 'a', phase: 'Running', measurements: [done('Running')] }), result({ name: 'b', phase: 'Successful' })], true);
    expect(assessRunPhase(inFlight, specs.slice(0, 2)).phase).toBe('Running');
    const finished = run([result({ name: 'a', phase: 'Successful' }), result({ name: 'b', phase: 'Successful' })], true);
    expect(assessRunPhase(finished, specs.slice(0, 2))).toEqual({ phase: 'Successful', message: 'Run Terminated' });
  });
});
