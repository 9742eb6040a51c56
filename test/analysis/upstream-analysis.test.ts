/**
 * Argo Rollouts' analysis controller scenarios (argoproj/argo-rollouts analysis/analysis_test.go at
 * 9f8d111), each case named by its Go test, run against canary's run.ts/assess.ts.
 *
 * How Argo's fixtures map onto canary's run data:
 * - a MetricResult with counters and measurements -> the same MetricResult here; a measurement with
 *   no finishedAt is one in flight ('Running');
 * - `assessMetricStatus` -> assessMetric; `assessRunStatus` -> assessRun (metric phases, then the
 *   run's); `generateMetricTasks` -> dueMeasurements; `calculateNextReconcileTime` -> nextWakeAt;
 * - a reconcile that takes a measurement -> startMeasurement + finishMeasurement with a provider
 *   answer whose conditions give the phase Argo's mocked provider returned;
 * - a metric's message: canary stores the limit that decided it when the phase is decided, where
 *   Argo recomputes it from the counters; fixtures preset as completed carry it.
 * Not ported, since canary has no such state: ResumeAt and resuming an in-progress measurement
 * (Job/Kayenta providers), run summaries (runSummary, dryRunSummary), TTL and garbage collection of
 * finished runs, invalid durations or a metric without a provider (lint rejects those before a run).
 */
import { assessMetric, limitBreach } from '../../src/analysis/assess.js';
import { assessRun, dueMeasurements, finishMeasurement, newRun, nextWakeAt, startMeasurement, terminateRun } from '../../src/analysis/run.js';
import type { AnalysisPhase, AnalysisRun, Measurement, MetricResult, ResolvedMetric } from '../../src/analysis/types.js';
import type { MetricSpec } from '../../src/manifests/types.js';
import type { ProviderResult } from '../../src/analysis/provider.js';
import { metric, resolved } from './fixtures.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const S = 1000;

/** A finished measurement (or one in flight, for 'Running') taken `ago` ms before NOW. */
function m(phase: Measurement['phase'], ago = 60 * S, value: string | null = '99'): Measurement {
  return { phase, startedAt: NOW - ago, finishedAt: phase === 'Running' ? null : NOW - ago, value, message: null, metadata: {} };
}

function result(name: string, overrides: Partial<MetricResult> = {}): MetricResult {
  return {
    name,
    phase: 'Running',
    measurements: [],
    count: 0,
    successful: 0,
    failed: 0,
    inconclusive: 0,
    error: 0,
    consecutiveError: 0,
    consecutiveSuccess: 0,
    dryRun: false,
    message: null,
    ...overrides,
  };
}

function run(results: MetricResult[], overrides: Partial<AnalysisRun> = {}): AnalysisRun {
  return { id: 'run', phase: 'Running', message: null, startedAt: NOW - 120 * S, completedAt: null, terminating: false, metrics: results, ...overrides };
}

/** Answers whose conditions (`result == 1` passes, `result == 0` fails, else inconclusive) give a phase. */
const answer: Record<'Successful' | 'Failed' | 'Inconclusive' | 'Error', ProviderResult> = {
  Successful: { ok: true, value: 1, valueText: '1', metadata: {} },
  Failed: { ok: true, value: 0, valueText: '0', metadata: {} },
  Inconclusive: { ok: true, value: 2, valueText: '2', metadata: {} },
  Error: { ok: false, message: 'Provider Error', metadata: {} },
};
const gated = (name: string, spec: Partial<MetricSpec> = {}, extra: Partial<Omit<ResolvedMetric, 'spec'>> = {}) =>
  resolved({ name, successCondition: 'result == 1', failureCondition: 'result == 0', ...spec }, extra);

function measure(r: AnalysisRun, metrics: readonly ResolvedMetric[], name: string, phase: keyof typeof answer, at = NOW): AnalysisRun {
  return finishMeasurement(startMeasurement(r, name, at), metrics, name, answer[phase], at);
}

/** newTerminatingRun: "run-forever" has a measurement in flight; "failed-metric" ended `status`. */
function terminatingRun(status: 'Failed' | 'Inconclusive' | 'Error', dryRun: boolean): AnalysisRun {
  const counters = { Failed: { failed: 1 }, Inconclusive: { inconclusive: 1 }, Error: { error: 1 } }[status];
  const reason = { Failed: 'failed (1) > failureLimit (0)', Inconclusive: 'inconclusive (1) > inconclusiveLimit (0)', Error: null }[status];
  return run([
    result('run-forever', { dryRun, measurements: [m('Running')] }),
    result('failed-metric', { dryRun, count: 1, phase: status, message: reason, measurements: [m(status, status === 'Error' ? 120 * S : 60 * S)], ...counters }),
  ]);
}
const terminatingMetrics = (dryRun: boolean) => [gated('run-forever', {}, { dryRun }), gated('failed-metric', {}, { dryRun })];

describe('assessMetricStatus (TestAssessMetricStatus*, TestAssessMetricFailureInconclusiveOrError)', () => {
  const finished = (phase: Measurement['phase'], counters: Partial<MetricResult>) => result('success-rate', { measurements: [m(phase)], ...counters });
  const interval = { intervalMs: 60 * S };
  // [Go test, metric, result, expected when not terminating, expected when terminating]
  const cases: [string, Partial<MetricSpec>, MetricResult, AnalysisPhase | null, AnalysisPhase | null][] = [
    ['TestAssessMetricStatusNoMeasurements', {}, result('success-rate'), 'Pending', 'Successful'],
    ['TestAssessMetricStatusInFlightMeasurement', {}, result('success-rate', { measurements: [m('Successful'), m('Running', 0)] }), 'Running', 'Running'],
    ['TestAssessMetricStatusFailureLimit (failureLimit 2)', { ...interval, failureLimit: 2 }, finished('Failed', { failed: 3, count: 3 }), 'Failed', 'Failed'],
    ['TestAssessMetricStatusFailureLimit (failureLimit 3)', { ...interval, failureLimit: 3 }, finished('Failed', { failed: 3, count: 3 }), 'Running', 'Successful'],
  ];

  // TestAssessMetricStatusConsecutiveSuccessLimit: failureLimit -1, result failed 3, successful 4, consecutiveSuccess 3, count 7.
  const csl = (consecutiveSuccessLimit: number, count: number | null): Partial<MetricSpec> => ({ ...interval, failureLimit: -1, consecutiveSuccessLimit, count });
  const cslResult = finished('Failed', { failed: 3, successful: 4, consecutiveSuccess: 3, count: 7 });
  cases.push(
    ['TestAssessMetricStatusConsecutiveSuccessLimit: indefinite, consecutiveSuccess == limit', csl(3, null), cslResult, 'Successful', 'Successful'],
    ['TestAssessMetricStatusConsecutiveSuccessLimit: indefinite, consecutiveSuccess < limit', csl(5, null), cslResult, 'Running', 'Successful'],
    ['TestAssessMetricStatusConsecutiveSuccessLimit: count reached, consecutiveSuccess 3 < limit 5', csl(5, 7), cslResult, 'Failed', 'Failed'],
    ['TestAssessMetricStatusConsecutiveSuccessLimit: count reached, consecutiveSuccess == limit', csl(3, 7), cslResult, 'Successful', 'Successful'],
    ['TestAssessMetricStatusConsecutiveSuccessLimit: count not reached, consecutiveSuccess == limit', csl(3, 9), cslResult, 'Successful', 'Successful'],
    ['TestAssessMetricStatusConsecutiveSuccessLimit: count not reached, consecutiveSuccess < limit', csl(5, 9), cslResult, 'Running', 'Successful'],
  );

  // TestAssessMetricStatusFailureLimitAndConsecutiveSuccessLimit: failureLimit 4, consecutiveSuccessLimit 4.
  const both = (count: number | null): Partial<MetricSpec> => ({ ...interval, failureLimit: 4, consecutiveSuccessLimit: 4, count });
  const counts = (failed: number, successful: number, count: number, consecutiveSuccess: number) => finished('Failed', { failed, successful, count, consecutiveSuccess });
  const T = 'TestAssessMetricStatusFailureLimitAndConsecutiveSuccessLimit';
  cases.push(
    [`${T}: indefinite, failureLimit kept, success streak short`, both(null), counts(3, 4, 7, 3), 'Running', 'Successful'],
    [`${T}: indefinite, failureLimit violated, success streak short`, both(null), counts(5, 9, 9, 0), 'Failed', 'Failed'],
    [`${T}: indefinite, failureLimit kept, success streak reached`, both(null), counts(3, 5, 8, 4), 'Successful', 'Successful'],
    [`${T}: indefinite, failureLimit violated, success streak reached`, both(null), counts(5, 5, 10, 4), 'Failed', 'Failed'],
    [`${T}: count reached, failureLimit kept, success streak short`, both(10), counts(4, 6, 10, 3), 'Inconclusive', 'Inconclusive'],
    [`${T}: count reached, failureLimit violated, success streak short`, both(10), counts(5, 5, 10, 3), 'Failed', 'Failed'],
    [`${T}: count reached, failureLimit kept, success streak reached`, both(10), counts(4, 6, 10, 4), 'Successful', 'Successful'],
    [`${T}: count reached, failureLimit violated, success streak reached`, both(10), counts(5, 5, 10, 4), 'Failed', 'Failed'],
    [`${T}: count not reached, failureLimit kept, success streak short`, both(10), counts(3, 5, 8, 3), 'Running', 'Successful'],
    [`${T}: count not reached, failureLimit violated, success streak short`, both(10), counts(5, 3, 8, 3), 'Failed', 'Failed'],
    [`${T}: count not reached, failureLimit kept, success streak reached`, both(10), counts(3, 5, 8, 4), 'Successful', 'Successful'],
    [`${T}: count not reached, failureLimit violated, success streak reached`, both(10), counts(5, 4, 9, 4), 'Failed', 'Failed'],
  );

  cases.push(
    ['TestAssessMetricStatusInconclusiveLimit (inconclusiveLimit 2)', { ...interval, inconclusiveLimit: 2 }, finished('Inconclusive', { inconclusive: 3, count: 3 }), 'Inconclusive', 'Inconclusive'],
    ['TestAssessMetricStatusInconclusiveLimit (inconclusiveLimit 3)', { ...interval, inconclusiveLimit: 3 }, finished('Inconclusive', { inconclusive: 3, count: 3 }), 'Running', 'Successful'],
    ['TestAssessMetricStatusConsecutiveErrors (5 errors)', interval, finished('Error', { consecutiveError: 5, count: 5 }), 'Error', 'Error'],
    ['TestAssessMetricStatusConsecutiveErrors (4 errors)', interval, finished('Error', { consecutiveError: 4, count: 5 }), 'Running', 'Successful'],
    ['TestAssessMetricStatusCountReached (all successful)', { count: 10 }, finished('Successful', { successful: 10, count: 10 }), 'Successful', null],
    ['TestAssessMetricStatusCountReached (5 inconclusive)', { count: 10 }, finished('Successful', { successful: 5, inconclusive: 5, count: 10 }), 'Inconclusive', null],
    ['TestAssessMetricFailureInconclusiveOrError (failed)', {}, result('success-rate', { failed: 1, measurements: [m('Failed')] }), null, 'Failed'],
    ['TestAssessMetricFailureInconclusiveOrError (inconclusive)', {}, result('success-rate', { inconclusive: 1, measurements: [m('Inconclusive')] }), null, 'Inconclusive'],
    ['TestAssessMetricFailureInconclusiveOrError (errors)', {}, result('success-rate', { consecutiveError: 5, measurements: [m('Error')] }), null, 'Error'],
  );

  it.each(cases)('%s', (_test, spec, r, running, terminating) => {
    if (running !== null) expect(assessMetric(metric(spec), r, false).phase).toBe(running);
    if (terminating !== null) expect(assessMetric(metric(spec), r, true).phase).toBe(terminating);
  });

  it.each([
    [{ failed: 1 }, 'Failed', 'failed (1) > failureLimit (0)'],
    [{ inconclusive: 1 }, 'Inconclusive', 'inconclusive (1) > inconclusiveLimit (0)'],
    [{ consecutiveError: 5 }, 'Error', 'consecutiveErrors (5) > consecutiveErrorLimit (4)'],
  ] as const)('TestAssessMetricFailureInconclusiveOrError: %p -> %s, "%s"', (counters, phase, reason) => {
    expect(limitBreach(metric(), result('x', counters))).toEqual({ phase, reason });
  });
});

describe('generateMetricTasks (TestGenerateMetricTasks*) -> dueMeasurements', () => {
  it('TestGenerateMetricTasksInterval: not within the interval, then due once it passed', () => {
    const metrics = [resolved({ name: 'success-rate', intervalMs: 60 * S })];
    const at = (ago: number) => run([result('success-rate', { count: 1, successful: 1, measurements: [m('Successful', ago)] })]);
    expect(dueMeasurements(at(50 * S), metrics, NOW)).toEqual([]);
    expect(dueMeasurements(at(61 * S), metrics, NOW)).toEqual(['success-rate']);
  });

  it('TestGenerateMetricTasksFailing: nothing once a metric failed; both when nothing did', () => {
    const metrics = [resolved({ name: 'success-rate' }), resolved({ name: 'latency' })];
    expect(dueMeasurements(run([result('success-rate', { phase: 'Pending' }), result('latency', { phase: 'Failed' })]), metrics, NOW)).toEqual([]);
    expect(dueMeasurements(run([result('success-rate', { phase: 'Pending' }), result('latency', { phase: 'Pending' })]), metrics, NOW)).toEqual(['success-rate', 'latency']);
  });

  it('TestGenerateMetricTasksNoIntervalOrCount: one measurement, then none', () => {
    const metrics = [resolved({ name: 'success-rate' })];
    expect(dueMeasurements(run([result('success-rate', { count: 1, measurements: [m('Successful', 50 * S)] })]), metrics, NOW)).toEqual([]);
    expect(dueMeasurements(run([result('success-rate')]), metrics, NOW)).toEqual(['success-rate']);
  });

  it('TestGenerateMetricTasksHonorInitialDelay: not before initialDelay from the run start', () => {
    const metrics = [resolved({ name: 'success-rate', initialDelayMs: 20 * S })];
    expect(dueMeasurements(run([result('success-rate')], { startedAt: NOW - 10 * S }), metrics, NOW)).toEqual([]);
    expect(dueMeasurements(run([result('success-rate')], { startedAt: NOW - 20 * S }), metrics, NOW)).toEqual(['success-rate']);
  });

  it('TestGenerateMetricTasksError: an errored measurement is retried after 10 s, whatever the interval', () => {
    const errored = run([result('success-rate', { error: 1, consecutiveError: 1, measurements: [m('Error', 120 * S)] })]);
    expect(dueMeasurements(errored, [resolved({ name: 'success-rate' })], NOW)).toEqual(['success-rate']);
    expect(dueMeasurements(errored, [resolved({ name: 'success-rate', intervalMs: 5 * 60 * S })], NOW)).toEqual(['success-rate']);
  });
});

describe('calculateNextReconcileTime (TestCalculateNextReconcile*) -> nextWakeAt', () => {
  it('TestCalculateNextReconcileTimeInterval: at the interval; not while in flight; not once completed', () => {
    const metrics = [resolved({ name: 'success-rate', intervalMs: 60 * S })];
    expect(nextWakeAt(run([result('success-rate', { count: 1, measurements: [m('Successful', 30 * S)] })]), metrics, NOW)).toBe(NOW + 30 * S);
    expect(nextWakeAt(run([result('success-rate', { measurements: [m('Running', 30 * S)] })]), metrics, NOW)).toBeNull();
    expect(nextWakeAt(run([result('success-rate', { phase: 'Successful', measurements: [m('Successful', 120 * S)] })]), metrics, NOW)).toBeNull();
  });

  it('TestCalculateNextReconcileTimeInitialDelay: at the end of a sibling\'s initialDelay', () => {
    const metrics = [resolved({ name: 'success-rate', intervalMs: 60 * S }), resolved({ name: 'start-delay', intervalMs: 60 * S, initialDelayMs: 40 * S })];
    const r = run([result('success-rate', { count: 1, measurements: [m('Successful', 30 * S)] }), result('start-delay', { phase: 'Pending' })], { startedAt: NOW - 30 * S });
    expect(nextWakeAt(r, metrics, NOW)).toBe(NOW + 10 * S);
  });

  it('TestCalculateNextReconcileTimeNoInterval: nothing after count 1', () => {
    const metrics = [resolved({ name: 'success-rate', count: 1 })];
    expect(nextWakeAt(run([result('success-rate', { phase: 'Successful', count: 1, measurements: [m('Successful', 0)] })]), metrics, NOW)).toBeNull();
  });

  it('TestCalculateNextReconcileEarliestMetric: the earliest of the metrics', () => {
    const metrics = [resolved({ name: 'success-rate', intervalMs: 60 * S }), resolved({ name: 'latency', intervalMs: 60 * S })];
    const r = run([result('success-rate', { count: 1, measurements: [m('Successful', 30 * S)] }), result('latency', { count: 1, measurements: [m('Successful', 50 * S)] })]);
    expect(nextWakeAt(r, metrics, NOW)).toBe(NOW + 10 * S);
  });

  it('TestCalculateNextReconcileUponError: 10 s after an error, with or without an interval', () => {
    const errored = run([result('success-rate', { error: 1, consecutiveError: 1, measurements: [m('Error', 0)] })]);
    expect(nextWakeAt(errored, [resolved({ name: 'success-rate' })], NOW)).toBe(NOW + 10 * S);
    expect(nextWakeAt(errored, [resolved({ name: 'success-rate', intervalMs: 5 * 60 * S })], NOW)).toBe(NOW + 10 * S);
  });
});

describe('assessRunStatus (TestAssessRunStatus*)', () => {
  it('TestAssessRunStatus: Running while one metric runs; then the worst completed phase', () => {
    const metrics = [resolved({ name: 'latency' }), resolved({ name: 'success-rate' })];
    const running = assessRun(run([result('latency', { phase: 'Successful' }), result('success-rate')]), metrics, NOW);
    expect(running).toMatchObject({ phase: 'Running', message: null });
    const failed = assessRun(run([result('latency', { phase: 'Successful' }), result('success-rate', { phase: 'Failed' })]), metrics, NOW);
    expect(failed).toMatchObject({ phase: 'Failed', message: null });
  });

  it('TestAssessRunStatusUpdateResult: a metric flips to Failed while a sibling is in flight; the run keeps running', () => {
    const metrics = [resolved({ name: 'sleep-infinity', intervalMs: 60 * S }), resolved({ name: 'fail-after-30' })];
    const r = assessRun(run([result('sleep-infinity', { measurements: [m('Running')] }), result('fail-after-30', { count: 1, failed: 1, measurements: [m('Failed')] })]), metrics, NOW);
    expect(r).toMatchObject({ phase: 'Running', message: null });
    expect(r.metrics[1]!.phase).toBe('Failed');
  });

  const phaseFail = (dryRun: boolean) => {
    const r = terminatingRun('Failed', dryRun);
    return { ...r, metrics: [{ ...r.metrics[0]!, phase: 'Successful' as const }, r.metrics[1]!] };
  };

  it('TestAssessRunStatusErrorMessageAnalysisPhaseFail', () => {
    expect(assessRun(phaseFail(false), terminatingMetrics(false), NOW)).toMatchObject({
      phase: 'Failed',
      message: 'Metric "failed-metric" assessed Failed due to failed (1) > failureLimit (0)',
    });
  });

  it('TestAssessRunStatusErrorMessageAnalysisPhaseFailInDryRunMode', () => {
    expect(assessRun(phaseFail(true), terminatingMetrics(true), NOW)).toMatchObject({ phase: 'Successful', message: null });
  });

  const withProviderMessage = (dryRun: boolean) => {
    const r = phaseFail(dryRun);
    const failed = r.metrics[1]!;
    return { ...r, metrics: [r.metrics[0]!, { ...failed, measurements: [{ ...failed.measurements[0]!, message: 'Provider Error' }] }] };
  };

  it('TestAssessRunStatusErrorMessageFromProvider', () => {
    expect(assessRun(withProviderMessage(false), terminatingMetrics(false), NOW)).toMatchObject({
      phase: 'Failed',
      message: 'Metric "failed-metric" assessed Failed due to failed (1) > failureLimit (0): "Error Message: Provider Error"',
    });
  });

  it('TestAssessRunStatusErrorMessageFromProviderInDryRunMode', () => {
    expect(assessRun(withProviderMessage(true), terminatingMetrics(true), NOW)).toMatchObject({ phase: 'Successful', message: null });
  });

  const multipleFailures = (dryRun: boolean) => {
    const r = terminatingRun('Failed', dryRun);
    const first = { ...r.metrics[0]!, phase: 'Failed' as const, failed: 1, message: 'failed (1) > failureLimit (0)' };
    return { ...r, metrics: [first, r.metrics[1]!] };
  };

  it('TestAssessRunStatusMultipleFailures: the message of the first failed metric', () => {
    expect(assessRun(multipleFailures(false), terminatingMetrics(false), NOW)).toMatchObject({
      phase: 'Failed',
      message: 'Metric "run-forever" assessed Failed due to failed (1) > failureLimit (0)',
    });
  });

  it('TestAssessRunStatusMultipleFailuresInDryRunMode', () => {
    expect(assessRun(multipleFailures(true), terminatingMetrics(true), NOW)).toMatchObject({ phase: 'Successful', message: null });
  });

  it('TestAssessRunStatusWorstMessageInReconcileAnalysisRun (and InDryRunMode)', () => {
    // A reconcile of the same run: nothing is due (it is terminating), so it is assessed as it stands.
    for (const dryRun of [false, true]) {
      const r = multipleFailures(dryRun);
      expect(dueMeasurements(r, terminatingMetrics(dryRun), NOW)).toEqual([]);
      expect(assessRun(r, terminatingMetrics(dryRun), NOW)).toMatchObject(
        dryRun ? { phase: 'Successful', message: null } : { phase: 'Failed', message: 'Metric "run-forever" assessed Failed due to failed (1) > failureLimit (0)' },
      );
    }
  });

  it('TestAssessRunStatusWithOnlyDryRunMetrics: only dry-run metrics -> Successful', () => {
    const metrics = [gated('success-metric', {}, { dryRun: true })];
    const r = run([result('success-metric', { dryRun: true, count: 1, successful: 1, phase: 'Successful', measurements: [m('Successful')] })]);
    expect(assessRun(r, metrics, NOW).phase).toBe('Successful');
  });

  it('TestAssessRunStatusWithMixedMetrics: a dry-run failure does not count; the other metric\'s Inconclusive does', () => {
    const metrics = [gated('run-forever', { intervalMs: 60 * S }), gated('success-metric', {}, { dryRun: true })];
    const r = run([
      result('run-forever', { inconclusive: 1, measurements: [m('Running')] }),
      result('success-metric', { dryRun: true, count: 1, failed: 1, phase: 'Successful', measurements: [m('Failed')] }),
    ]);
    // Argo's reconcile resumes the in-flight measurement, which the mock completes Successful.
    const after = finishMeasurement(r, metrics, 'run-forever', answer.Successful, NOW);
    expect(after).toMatchObject({ phase: 'Inconclusive', message: 'Metric "run-forever" assessed Inconclusive due to inconclusive (1) > inconclusiveLimit (0)' });
  });
});

describe('reconcileAnalysisRun (TestReconcileAnalysisRun*, TestRunMeasurements*, TestTerminateAnalysisRun*, TestTrimMeasurementHistory)', () => {
  it('TestReconcileAnalysisRunInitial: interval 60s keeps running; count 1 ends Successful; no count and no interval is one measurement', () => {
    for (const [spec, phase] of [
      [{ intervalMs: 60 * S }, 'Running'],
      [{ intervalMs: 60 * S, count: 1 }, 'Successful'],
      [{ intervalMs: null, count: 0 }, 'Successful'],
    ] as const) {
      const metrics = [resolved({ name: 'success-rate', ...spec })];
      const r = measure(newRun('run', metrics, NOW), metrics, 'success-rate', 'Successful');
      expect(r.phase).toBe(phase);
      expect(r.metrics[0]!.phase).toBe(phase);
      expect(r.metrics[0]!.measurements.map((x) => x.phase)).toEqual(['Successful']);
    }
  });

  it('TestReconcileAnalysisRunTerminateSiblingAfterFail: the sibling\'s in-flight measurement is awaited, then the run takes the failed phase', () => {
    // Argo terminates the in-flight measurement (its mocked Job provider says Inconclusive). canary's
    // providers answer synchronously in Argo's terms: the measurement is waited for and counted.
    for (const status of ['Failed', 'Inconclusive', 'Error'] as const) {
      const metrics = terminatingMetrics(false);
      const waiting = assessRun(terminatingRun(status, false), metrics, NOW);
      expect(waiting.phase).toBe('Running');
      expect(dueMeasurements(waiting, metrics, NOW)).toEqual([]);
      const done = finishMeasurement(waiting, metrics, 'run-forever', answer.Inconclusive, NOW);
      expect(done.phase).toBe(status);
      expect(done.metrics[1]!.phase).toBe(status);
      expect(done.metrics[0]!.phase).toBe('Inconclusive');
      expect(done.metrics[0]!.measurements[0]).toMatchObject({ phase: 'Inconclusive', finishedAt: NOW });
    }
  });

  it('TestRunMeasurementsResetConsecutiveErrorCounter: an error adds to consecutive errors without using up count', () => {
    const metrics = [gated('test')];
    const r = run([result('test', { consecutiveError: 4, count: 4, error: 4 })]);
    const after = measure(r, metrics, 'test', 'Error');
    expect(after.metrics[0]).toMatchObject({ consecutiveError: 5, error: 5, count: 4, phase: 'Error' });
  });

  it('TestTerminateAnalysisRun (and InDryRunMode): terminated before its first measurement -> Successful, "Run Terminated"', () => {
    for (const dryRun of [false, true]) {
      const metrics = [resolved({ name: 'success-rate', initialDelayMs: 20 * S, intervalMs: 20 * S, successCondition: 'result[0] > 0.90' }, { dryRun })];
      const r = terminateRun(newRun('run', metrics, NOW), metrics, NOW);
      expect(r).toMatchObject({ phase: 'Successful', message: 'Run Terminated' });
    }
  });

  it('TestTrimMeasurementHistory: keeps the newest measurements, per metric retention', () => {
    const history = (retention1: number, retention2: number) => {
      const metrics = [resolved({ name: 'metric1', intervalMs: 60 * S }, { retention: retention1 }), resolved({ name: 'metric2', intervalMs: 30 * S }, { retention: retention2 })];
      let r = newRun('run', metrics, NOW - 60 * S);
      const valued = (v: string): ProviderResult => ({ ok: true, value: Number(v), valueText: v, metadata: {} });
      r = finishMeasurement(startMeasurement(r, 'metric1', NOW - 60 * S), metrics, 'metric1', valued('1'), NOW - 60 * S);
      r = finishMeasurement(startMeasurement(r, 'metric2', NOW - 60 * S), metrics, 'metric2', valued('2'), NOW - 60 * S);
      r = finishMeasurement(startMeasurement(r, 'metric2', NOW - 30 * S), metrics, 'metric2', valued('3'), NOW - 30 * S);
      return r.metrics.map((x) => x.measurements.map((y) => y.value));
    };
    expect(history(2, 2)).toEqual([['1'], ['2', '3']]);
    expect(history(1, 1)).toEqual([['1'], ['3']]);
    // A measurementRetention rule for metric2 (limit 2) over a default of 1.
    expect(history(1, 2)).toEqual([['1'], ['2', '3']]);
  });
});
