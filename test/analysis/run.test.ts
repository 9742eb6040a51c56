/**
 * Tick-by-tick runs through run.ts, time passed explicitly: what is due when, how each answer moves
 * counters and phases, and how the run ends. The scheduler test drives the same rules on a clock.
 */
import {
  dropInFlight,
  dueMeasurements,
  explainRun,
  finishMeasurement,
  newRun,
  nextWakeAt,
  startMeasurement,
  terminateRun,
} from '../../src/analysis/run.js';
import type { AnalysisRun, ResolvedMetric } from '../../src/analysis/types.js';
import type { ProviderResult } from '../../src/analysis/provider.js';
import { createRedactor } from '../../src/util/redact.js';
import { resolved } from './fixtures.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const S = 1000;

const value = (v: number | number[]): ProviderResult => ({
  ok: true,
  value: v,
  valueText: Array.isArray(v) ? `[${v.join(',')}]` : String(v),
  metadata: { resolvedQuery: 'q' },
});
const down: ProviderResult = { ok: false, message: 'Prometheus http://127.0.0.1:9 is unreachable: connect ECONNREFUSED 127.0.0.1:9', metadata: {} };

/** The seed's metric: measured every 15 s until terminated, any 500 fails it. */
const seed = (overrides: Parameters<typeof resolved>[0] = {}, extra: Parameters<typeof resolved>[1] = {}) =>
  resolved(
    {
      intervalMs: 15 * S,
      successCondition: 'len(result) == 0 || result[0] == 0',
      failureCondition: 'len(result) > 0 && result[0] > 0',
      ...overrides,
    },
    extra,
  );

/** Pass/fail by a single number: 1 passes, 0 fails, anything else is inconclusive. */
const gate = (name: string, overrides: Parameters<typeof resolved>[0] = {}, extra: Parameters<typeof resolved>[1] = {}) =>
  resolved({ name, successCondition: 'result == 1', failureCondition: 'result == 0', intervalMs: 10 * S, ...overrides }, extra);

/** Takes one measurement of `name` at `at`, checking that it was due. */
function measure(run: AnalysisRun, metrics: ResolvedMetric[], name: string, result: ProviderResult, at: number): AnalysisRun {
  expect(dueMeasurements(run, metrics, at)).toContain(name);
  return finishMeasurement(startMeasurement(run, name, at), metrics, name, result, at);
}

function metricOf(run: AnalysisRun, name = 'success-rate') {
  return run.metrics.find((m) => m.name === name)!;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

describe('a new run', () => {
  it('starts Running with every metric Pending and due at once', () => {
    const metrics = [seed()];
    const run = newRun('step-2', metrics, T0);
    expect(run).toMatchObject({ id: 'step-2', phase: 'Running', startedAt: T0, completedAt: null, terminating: false });
    expect(metricOf(run)).toMatchObject({ phase: 'Pending', measurements: [], count: 0, dryRun: false });
    expect(dueMeasurements(run, metrics, T0)).toEqual(['success-rate']);
    expect(nextWakeAt(run, metrics, T0)).toBe(T0);
  });

  it('is an Error without metrics or with duplicate names', () => {
    expect(newRun('r', [], T0)).toMatchObject({ phase: 'Error', message: 'no metrics specified', completedAt: T0 });
    expect(newRun('r', [seed(), seed()], T0)).toMatchObject({ phase: 'Error', message: "metrics[1]: duplicate name 'success-rate'" });
  });
});

describe('the seed metric (interval 15s, failureLimit 0)', () => {
  it('measures every 15 s after the last answer and fails the run on the first 500', () => {
    const metrics = [seed()];
    let run = newRun('step-2', metrics, T0);
    run = measure(run, metrics, 'success-rate', value([]), T0);
    expect(metricOf(run)).toMatchObject({ phase: 'Running', count: 1, successful: 1, consecutiveSuccess: 1 });
    expect(run.phase).toBe('Running');
    expect(dueMeasurements(run, metrics, T0 + 15 * S - 1)).toEqual([]);
    expect(nextWakeAt(run, metrics, T0 + S)).toBe(T0 + 15 * S);

    run = measure(run, metrics, 'success-rate', value([0]), T0 + 15 * S);
    run = measure(run, metrics, 'success-rate', value([3]), T0 + 30 * S);
    expect(metricOf(run)).toMatchObject({ phase: 'Failed', count: 3, successful: 2, failed: 1, message: 'failed (1) > failureLimit (0)' });
    expect(run).toMatchObject({
      phase: 'Failed',
      completedAt: T0 + 30 * S,
      message: 'Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)',
    });
    expect(dueMeasurements(run, metrics, T0 + 60 * S)).toEqual([]);
    expect(nextWakeAt(run, metrics, T0 + 60 * S)).toBeNull();
    expect(explainRun(run, metrics)).toBe(
      'metric success-rate: result [3] matched failureCondition "len(result) > 0 && result[0] > 0" (failed 1 > failureLimit 0)',
    );
  });

  it('runs until terminated, then ends Successful with Argo\'s "Run Terminated"', () => {
    const metrics = [seed()];
    let run = newRun('background', metrics, T0);
    for (let i = 0; i < 4; i++) run = measure(run, metrics, 'success-rate', value([0]), T0 + i * 15 * S);
    expect(run.phase).toBe('Running');
    run = terminateRun(run, metrics, T0 + 50 * S);
    expect(run).toMatchObject({ phase: 'Successful', message: 'Run Terminated', terminating: true, completedAt: T0 + 50 * S });
    expect(metricOf(run).phase).toBe('Successful');
  });
});

describe('failureLimit', () => {
  it('tolerates failures up to failureLimit 2 and succeeds when count is reached', () => {
    const metrics = [gate('g', { count: 5, failureLimit: 2 })];
    let run = newRun('r', metrics, T0);
    [0, 1, 0, 1, 1].forEach((v, i) => (run = measure(run, metrics, 'g', value(v), T0 + i * 10 * S)));
    expect(metricOf(run, 'g')).toMatchObject({ phase: 'Successful', failed: 2, successful: 3, count: 5 });
    expect(run.phase).toBe('Successful');
  });

  it('fails on the third failure with failureLimit 2', () => {
    const metrics = [gate('g', { count: 5, failureLimit: 2 })];
    let run = newRun('r', metrics, T0);
    [0, 0, 0].forEach((v, i) => (run = measure(run, metrics, 'g', value(v), T0 + i * 10 * S)));
    expect(run).toMatchObject({ phase: 'Failed', message: 'Metric "g" assessed Failed due to failed (3) > failureLimit (2)' });
  });

  it('with -1 relies on consecutiveSuccessLimit alone: reached -> Successful early', () => {
    const metrics = [gate('g', { count: 10, failureLimit: -1, consecutiveSuccessLimit: 3 })];
    let run = newRun('r', metrics, T0);
    [1, 0, 0, 1, 1].forEach((v, i) => (run = measure(run, metrics, 'g', value(v), T0 + i * 10 * S)));
    expect(run.phase).toBe('Running');
    run = measure(run, metrics, 'g', value(1), T0 + 50 * S);
    expect(metricOf(run, 'g')).toMatchObject({ phase: 'Successful', consecutiveSuccess: 3, failed: 2, count: 6 });
    expect(run.phase).toBe('Successful');
  });

  it('with -1, count reached without enough consecutive successes -> Failed', () => {
    const metrics = [gate('g', { count: 4, failureLimit: -1, consecutiveSuccessLimit: 3 })];
    let run = newRun('r', metrics, T0);
    [1, 1, 0, 1].forEach((v, i) => (run = measure(run, metrics, 'g', value(v), T0 + i * 10 * S)));
    expect(run).toMatchObject({
      phase: 'Failed',
      message: 'Metric "g" assessed Failed due to consecutiveSuccessLimit (3) not reached after count (4)',
    });
    expect(explainRun(run, metrics)).toBe('metric g: consecutiveSuccess 1 < consecutiveSuccessLimit 3 after count 4, last result 1');
  });

  it('with both limits, count reached without the success streak -> Inconclusive', () => {
    const metrics = [gate('g', { count: 3, failureLimit: 1, consecutiveSuccessLimit: 2 })];
    let run = newRun('r', metrics, T0);
    [1, 0, 1].forEach((v, i) => (run = measure(run, metrics, 'g', value(v), T0 + i * 10 * S)));
    expect(run.phase).toBe('Inconclusive');
  });
});

describe('errors', () => {
  it('retries after 10 s without using up count, and ends in Error at the 5th consecutive error (dead Prometheus)', () => {
    const metrics = [seed({ intervalMs: 60 * S, count: 3 })];
    let run = newRun('r', metrics, T0);
    for (let i = 0; i < 4; i++) {
      run = measure(run, metrics, 'success-rate', down, T0 + i * 10 * S);
      expect(metricOf(run)).toMatchObject({ phase: 'Running', count: 0, error: i + 1, consecutiveError: i + 1 });
      expect(dueMeasurements(run, metrics, T0 + (i + 1) * 10 * S - 1)).toEqual([]);
      expect(nextWakeAt(run, metrics, T0)).toBe(T0 + (i + 1) * 10 * S);
    }
    run = measure(run, metrics, 'success-rate', down, T0 + 40 * S);
    expect(metricOf(run)).toMatchObject({ phase: 'Error', consecutiveError: 5, count: 0 });
    expect(run).toMatchObject({
      phase: 'Error',
      message:
        'Metric "success-rate" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): "Error Message: Prometheus http://127.0.0.1:9 is unreachable: connect ECONNREFUSED 127.0.0.1:9"',
    });
    expect(explainRun(run, metrics)).toBe(
      'metric success-rate: Prometheus http://127.0.0.1:9 is unreachable: connect ECONNREFUSED 127.0.0.1:9 (consecutiveErrors 5 > consecutiveErrorLimit 4)',
    );
  });

  it('resets the consecutive error count on any answer, and measures at the interval again', () => {
    const metrics = [seed({ intervalMs: 60 * S })];
    let run = newRun('r', metrics, T0);
    for (let i = 0; i < 4; i++) run = measure(run, metrics, 'success-rate', down, T0 + i * 10 * S);
    run = measure(run, metrics, 'success-rate', value([]), T0 + 40 * S);
    expect(metricOf(run)).toMatchObject({ consecutiveError: 0, error: 4, count: 1 });
    expect(nextWakeAt(run, metrics, T0)).toBe(T0 + 100 * S);
    run = measure(run, metrics, 'success-rate', down, T0 + 100 * S);
    expect(metricOf(run)).toMatchObject({ phase: 'Running', consecutiveError: 1 });
  });

  it('counts a condition that cannot be evaluated as an error, saying there was no data', () => {
    const metrics = [resolved({ successCondition: 'result[0] >= 0.95', consecutiveErrorLimit: 0 })];
    let run = newRun('r', metrics, T0);
    run = measure(run, metrics, 'success-rate', value([]), T0);
    expect(metricOf(run).measurements[0]).toMatchObject({
      phase: 'Error',
      value: '[]',
      message: 'could not evaluate successCondition "result[0] >= 0.95": metric result is nil or empty: no data returned from the metric provider',
    });
    expect(run.phase).toBe('Error');
  });
});

describe('inconclusive', () => {
  it('ends the run Inconclusive past inconclusiveLimit', () => {
    const metrics = [gate('g', { inconclusiveLimit: 1 })];
    let run = newRun('r', metrics, T0);
    run = measure(run, metrics, 'g', value(0.5), T0);
    expect(run.phase).toBe('Running');
    run = measure(run, metrics, 'g', value(0.5), T0 + 10 * S);
    expect(run).toMatchObject({ phase: 'Inconclusive', message: 'Metric "g" assessed Inconclusive due to inconclusive (2) > inconclusiveLimit (1)' });
    expect(explainRun(run, metrics)).toBe(
      'metric g: result 0.5 matched neither successCondition "result == 1" nor failureCondition "result == 0" (inconclusive 2 > inconclusiveLimit 1)',
    );
  });
});

describe('dry-run metrics', () => {
  it('never fail the run, and do not stop the others', () => {
    const metrics = [gate('shadow', { count: 2 }, { dryRun: true }), gate('real', { count: 2 })];
    let run = newRun('r', metrics, T0);
    expect(metricOf(run, 'shadow').dryRun).toBe(true);
    run = measure(run, metrics, 'shadow', value(0), T0);
    run = measure(run, metrics, 'real', value(1), T0);
    expect(metricOf(run, 'shadow')).toMatchObject({ phase: 'Failed', message: 'failed (1) > failureLimit (0)' });
    expect(run.phase).toBe('Running');
    expect(dueMeasurements(run, metrics, T0 + 10 * S)).toEqual(['real']);
    run = measure(run, metrics, 'real', value(1), T0 + 10 * S);
    expect(run).toMatchObject({ phase: 'Successful', message: null });
    expect(explainRun(run, metrics)).toContain('dry-run metric shadow: result 0 matched failureCondition "result == 0" (failed 1 > failureLimit 0)');
  });

  it('a run of dry-run metrics only ends Successful', () => {
    const metrics = [gate('shadow', {}, { dryRun: true })];
    const run = measure(newRun('r', metrics, T0), metrics, 'shadow', value(0), T0);
    expect(run.phase).toBe('Successful');
  });
});

describe('early termination', () => {
  it('ends the run when one metric fails: no new measurement, unfinished siblings end Successful', () => {
    const metrics = [gate('fast'), seed({ name: 'slow', intervalMs: 60 * S })];
    let run = newRun('r', metrics, T0);
    run = measure(run, metrics, 'slow', value([]), T0);
    run = measure(run, metrics, 'fast', value(1), T0);
    run = measure(run, metrics, 'fast', value(0), T0 + 10 * S);
    expect(run).toMatchObject({ phase: 'Failed', completedAt: T0 + 10 * S });
    expect(metricOf(run, 'slow')).toMatchObject({ phase: 'Successful', count: 1 });
    expect(dueMeasurements(run, metrics, T0 + 60 * S)).toEqual([]);
  });

  it('waits for a sibling measured at the same time and counts it (Argo waits for every measurement it started)', () => {
    const metrics = [gate('fast'), seed({ name: 'slow', intervalMs: 60 * S })];
    let run = newRun('r', metrics, T0);
    run = startMeasurement(startMeasurement(run, 'slow', T0), 'fast', T0);
    run = finishMeasurement(run, metrics, 'fast', value(0), T0);
    expect(run.phase).toBe('Running');
    expect(dueMeasurements(run, metrics, T0 + 60 * S)).toEqual([]);
    expect(nextWakeAt(run, metrics, T0)).toBeNull();
    run = finishMeasurement(run, metrics, 'slow', value([5]), T0 + S);
    expect(run).toMatchObject({ phase: 'Failed', completedAt: T0 + S });
    expect(metricOf(run, 'slow')).toMatchObject({ phase: 'Failed', count: 1, failed: 1 });
  });

  // Issue 13 item 1: metrics `unsure` (neither condition holds) and `bad` (failureCondition holds),
  // both count 1. The run is the worst of the two whichever is listed or answers first.
  it.each([
    ['unsure then bad, unsure answers first', ['unsure', 'bad'], ['unsure', 'bad']],
    ['unsure then bad, bad answers first', ['unsure', 'bad'], ['bad', 'unsure']],
    ['bad then unsure, unsure answers first', ['bad', 'unsure'], ['unsure', 'bad']],
    ['bad then unsure, bad answers first', ['bad', 'unsure'], ['bad', 'unsure']],
  ] as const)('Failed beats Inconclusive: %s', (_what, listed, answered) => {
    const metrics = listed.map((name) => gate(name, { intervalMs: null, count: 1 }));
    const answers = { unsure: value(2), bad: value(0) };
    let run = newRun('r', metrics, T0);
    for (const name of dueMeasurements(run, metrics, T0)) run = startMeasurement(run, name, T0);
    for (const name of answered) run = finishMeasurement(run, metrics, name, answers[name], T0);
    expect(run.phase).toBe('Failed');
    expect(run.message).toBe('Metric "bad" assessed Failed due to failed (1) > failureLimit (0)');
    expect(metricOf(run, 'unsure').phase).toBe('Inconclusive');
  });

  it('Failed beats Error, whichever answers first', () => {
    for (const order of [['broken', 'bad'], ['bad', 'broken']] as const) {
      const metrics = [gate('broken', { intervalMs: null, count: 1, consecutiveErrorLimit: 0 }), gate('bad', { intervalMs: null, count: 1 })];
      const answers = { broken: down, bad: value(0) };
      let run = newRun('r', metrics, T0);
      for (const name of dueMeasurements(run, metrics, T0)) run = startMeasurement(run, name, T0);
      for (const name of order) run = finishMeasurement(run, metrics, name, answers[name], T0);
      expect(run.phase).toBe('Failed');
      expect(metricOf(run, 'broken').phase).toBe('Error');
    }
  });

  it('a dry-run metric that fails neither stops the run nor waits for anything', () => {
    const metrics = [gate('trial', { intervalMs: null, count: 1 }, { dryRun: true }), gate('real', { intervalMs: null, count: 1 })];
    let run = newRun('r', metrics, T0);
    run = startMeasurement(startMeasurement(run, 'trial', T0), 'real', T0);
    run = finishMeasurement(run, metrics, 'trial', value(0), T0);
    expect(run.phase).toBe('Running');
    run = finishMeasurement(run, metrics, 'real', value(1), T0);
    expect(run.phase).toBe('Successful');
  });

  it('evaluates now() in a condition at the time the answer lands', () => {
    const metrics = [gate('fresh', { intervalMs: null, count: 1, successCondition: 'now() > now() - duration("1s")', failureCondition: null })];
    const run = measure(newRun('r', metrics, T0), metrics, 'fresh', value(1), T0);
    expect(run.phase).toBe('Successful');
    expect(metricOf(run, 'fresh').measurements[0]).toMatchObject({ phase: 'Successful', message: null });
  });
});

describe('count and initialDelay', () => {
  it('stops measuring once count is reached', () => {
    const metrics = [gate('g', { count: 3 })];
    let run = newRun('r', metrics, T0);
    for (let i = 0; i < 3; i++) run = measure(run, metrics, 'g', value(1), T0 + i * 10 * S);
    expect(run.phase).toBe('Successful');
    expect(dueMeasurements(run, metrics, T0 + 100 * S)).toEqual([]);
  });

  it('waits initialDelay from the run start before the first measurement', () => {
    const metrics = [seed({ initialDelayMs: 30 * S }), gate('now', { count: 1, intervalMs: null })];
    const run = newRun('r', metrics, T0);
    expect(dueMeasurements(run, metrics, T0)).toEqual(['now']);
    expect(dueMeasurements(run, metrics, T0 + 30 * S - 1)).toEqual(['now']);
    expect(dueMeasurements(run, metrics, T0 + 30 * S)).toEqual(['success-rate', 'now']);
    const after = measure(run, metrics, 'now', value(1), T0);
    expect(after.phase).toBe('Running');
    expect(metricOf(after).phase).toBe('Pending');
    expect(nextWakeAt(after, metrics, T0)).toBe(T0 + 30 * S);
  });
});

describe('terminate', () => {
  it('lets an in-flight measurement finish, then ends the run', () => {
    const metrics = [seed()];
    let run = newRun('r', metrics, T0);
    run = startMeasurement(run, 'success-rate', T0);
    run = terminateRun(run, metrics, T0 + S);
    expect(run).toMatchObject({ phase: 'Running', terminating: true });
    expect(dueMeasurements(run, metrics, T0 + 60 * S)).toEqual([]);
    expect(nextWakeAt(run, metrics, T0 + S)).toBeNull();
    run = finishMeasurement(run, metrics, 'success-rate', value([]), T0 + 2 * S);
    expect(run).toMatchObject({ phase: 'Successful', message: 'Run Terminated', completedAt: T0 + 2 * S });
    expect(metricOf(run)).toMatchObject({ phase: 'Successful', count: 1 });
  });

  it('counts the last in-flight answer: a failure still fails the run', () => {
    const metrics = [seed()];
    let run = startMeasurement(newRun('r', metrics, T0), 'success-rate', T0);
    run = terminateRun(run, metrics, T0 + S);
    run = finishMeasurement(run, metrics, 'success-rate', value([1]), T0 + 2 * S);
    expect(run.phase).toBe('Failed');
  });

  it('ends a run that never measured Successful', () => {
    const metrics = [seed({ initialDelayMs: 60 * S })];
    expect(terminateRun(newRun('r', metrics, T0), metrics, T0 + S)).toMatchObject({ phase: 'Successful', message: 'Run Terminated' });
  });
});

describe('retention', () => {
  it('keeps the last 10 measurements by default and counts them all', () => {
    const metrics = [seed()];
    let run = newRun('r', metrics, T0);
    for (let i = 0; i < 12; i++) run = measure(run, metrics, 'success-rate', value([]), T0 + i * 15 * S);
    expect(metricOf(run).measurements).toHaveLength(10);
    expect(metricOf(run).measurements[0]!.startedAt).toBe(T0 + 2 * 15 * S);
    expect(metricOf(run).count).toBe(12);
  });

  it('keeps the number a measurementRetention rule gave', () => {
    const metrics = [seed({}, { retention: 3 })];
    let run = newRun('r', metrics, T0);
    for (let i = 0; i < 5; i++) run = measure(run, metrics, 'success-rate', value([]), T0 + i * 15 * S);
    expect(metricOf(run).measurements.map((m) => m.startedAt)).toEqual([T0 + 30 * S, T0 + 45 * S, T0 + 60 * S]);
  });
});

describe('as data', () => {
  it('never mutates its input and stays JSON', () => {
    const metrics = deepFreeze([seed(), gate('g')]);
    let run = deepFreeze(newRun('r', metrics, T0));
    run = deepFreeze(startMeasurement(run, 'g', T0));
    run = deepFreeze(finishMeasurement(run, metrics, 'g', value(1), T0));
    run = deepFreeze(measure(run, metrics, 'success-rate', down, T0));
    run = deepFreeze(terminateRun(run, metrics, T0 + S));
    expect(JSON.parse(JSON.stringify(run))).toEqual(run);
  });

  it('drops a measurement left in flight by a runner that stopped, making the metric due again', () => {
    const metrics = [seed()];
    let run = measure(newRun('r', metrics, T0), metrics, 'success-rate', value([]), T0);
    run = startMeasurement(run, 'success-rate', T0 + 15 * S);
    expect(dueMeasurements(run, metrics, T0 + 60 * S)).toEqual([]);
    const resumed = dropInFlight(JSON.parse(JSON.stringify(run)) as AnalysisRun, metrics, T0 + 70 * S);
    expect(metricOf(resumed).measurements).toHaveLength(1);
    expect(metricOf(resumed).phase).toBe('Running');
    expect(dueMeasurements(resumed, metrics, T0 + 70 * S)).toEqual(['success-rate']);
    const fresh = dropInFlight(startMeasurement(newRun('r', metrics, T0), 'success-rate', T0), metrics, T0);
    expect(metricOf(fresh).phase).toBe('Pending');
  });

  it('redacts secrets from everything a measurement stores', () => {
    const metrics = [seed({ consecutiveErrorLimit: 0 })];
    const redactor = createRedactor(['hunter2']);
    let run = startMeasurement(newRun('r', metrics, T0), 'success-rate', T0);
    run = finishMeasurement(
      run,
      metrics,
      'success-rate',
      { ok: false, message: 'Prometheus http://u:hunter2@127.0.0.1:9: 401', metadata: { resolvedQuery: 'x{token="hunter2"}' } },
      T0,
      redactor,
    );
    const json = JSON.stringify(run);
    expect(json).not.toContain('hunter2');
    expect(metricOf(run).measurements[0]).toMatchObject({ message: 'Prometheus http://u:*****@127.0.0.1:9: 401', metadata: { resolvedQuery: 'x{token="*****"}' } });
    expect(run.message).toContain('*****');
  });

  it('refuses to start a second measurement of a metric or one on a finished run', () => {
    const metrics = [seed()];
    const run = startMeasurement(newRun('r', metrics, T0), 'success-rate', T0);
    expect(() => startMeasurement(run, 'success-rate', T0)).toThrow('analysis run r: metric "success-rate" already has a measurement in flight');
    expect(() => startMeasurement(run, 'nope', T0)).toThrow('analysis run r: no metric named "nope"');
  });
});

describe('results that decide or type themselves', () => {
  const one = (spec: Parameters<typeof resolved>[0]) => [resolved({ count: 1, ...spec })];
  const finish = (metrics: ResolvedMetric[], result: ProviderResult) =>
    finishMeasurement(startMeasurement(newRun('r', metrics, T0), 'success-rate', T0), metrics, 'success-rate', result, T0 + S).metrics[0]!;

  it('a web answer\'s top-level list of numbers is []interface {} as Go\'s json decodes it: `result[0] == "ok"` is false (Failed), not a type error', () => {
    const metrics = one({ successCondition: 'result[0] == "ok"' });
    const json: ProviderResult = { ok: true, value: [1, 2], valueText: '[1,2]', metadata: {}, json: true };
    expect(finish(metrics, json)).toMatchObject({ phase: 'Failed', failed: 1 });
    // A Prometheus vector is []float64: the same condition does not compile against it.
    expect(finish(metrics, value([1, 2]))).toMatchObject({ phase: 'Running', error: 1 });
  });

  it('a provider\'s own verdict (a Job\'s) is taken as is, with its message; the conditions are not evaluated', () => {
    const metrics = one({ successCondition: 'result == "never"' });
    const verdict: ProviderResult = { ok: true, value: null, valueText: 'Failed', metadata: { 'job-name': 'j' }, verdict: { phase: 'Failed', message: 'Job apps/j failed: BackoffLimitExceeded' } };
    const r = finish(metrics, verdict);
    expect(r).toMatchObject({ phase: 'Failed', failed: 1 });
    expect(r.measurements[0]).toMatchObject({ phase: 'Failed', message: 'Job apps/j failed: BackoffLimitExceeded', value: 'Failed', metadata: { 'job-name': 'j' } });
  });
});
