/**
 * The analysis run as data: every operation is a synchronous function of (run, metrics, now) that
 * returns a new run. The engine's driver and the standalone scheduler both drive runs through these,
 * persisting the result after each change, so a restarted runner resumes where the last one stopped.
 */
import type { ProviderResult } from './provider.js';
import { assertNever } from '../util/assert-never.js';
import { InternalError } from '../util/errors.js';
import { noRedaction, type Redactor } from '../util/redact.js';
import {
  assessMetric,
  assessRunPhase,
  effectiveCount,
  ERROR_RETRY_INTERVAL_MS,
  isCompleted,
  isTerminating,
} from './assess.js';
import { evaluateResult } from './evaluate.js';
import type { AnalysisRun, Measurement, MeasurementPhase, MetricResult, ResolvedMetric } from './types.js';

export { explainRun } from './explain.js';

export function newRun(id: string, metrics: readonly ResolvedMetric[], now: number): AnalysisRun {
  const invalid = invalidMetrics(metrics);
  return {
    id,
    phase: invalid ? 'Error' : 'Running',
    message: invalid,
    startedAt: now,
    completedAt: invalid ? now : null,
    terminating: false,
    metrics: metrics.map((m) => emptyResult(m)),
  };
}

export function isRunComplete(run: AnalysisRun): boolean {
  return isCompleted(run.phase);
}

/** Names of the metrics to measure at `now`; none while terminating, complete, or in flight. */
export function dueMeasurements(run: AnalysisRun, metrics: readonly ResolvedMetric[], now: number): string[] {
  if (isRunComplete(run) || isTerminating(run)) return [];
  const due: string[] = [];
  for (const metric of metrics) {
    const at = dueAt(run, metric);
    if (at !== null && at <= now) due.push(metric.spec.name);
  }
  return due;
}

/**
 * When the next measurement falls due (epoch ms, possibly already past), or null when nothing is
 * scheduled: the run is complete, terminating, or only waits for in-flight measurements.
 */
export function nextWakeAt(run: AnalysisRun, metrics: readonly ResolvedMetric[], _now: number): number | null {
  if (isRunComplete(run) || isTerminating(run)) return null;
  let earliest: number | null = null;
  for (const metric of metrics) {
    const at = dueAt(run, metric);
    if (at !== null && (earliest === null || at < earliest)) earliest = at;
  }
  return earliest;
}

/** Records an in-flight measurement; the provider call happens outside, then finishMeasurement. */
export function startMeasurement(run: AnalysisRun, name: string, now: number): AnalysisRun {
  if (isRunComplete(run)) throw new InternalError(`analysis run ${run.id}: cannot measure "${name}": the run is ${run.phase}`);
  const result = resultOf(run, name);
  if (result.measurements.at(-1)?.phase === 'Running') {
    throw new InternalError(`analysis run ${run.id}: metric "${name}" already has a measurement in flight`);
  }
  const measurement: Measurement = { phase: 'Running', startedAt: now, finishedAt: null, value: null, message: null, metadata: {} };
  return replaceResult(run, { ...result, phase: 'Running', measurements: [...result.measurements, measurement] });
}

/**
 * Completes the in-flight measurement of `name` with the provider's answer: evaluates the
 * conditions, counts the outcome, trims history to the metric's retention, and reassesses the
 * metric and the run. An answer for a measurement that is no longer in flight (dropped, or the run
 * already ended) changes nothing. Secrets are redacted from everything stored.
 */
export function finishMeasurement(
  run: AnalysisRun,
  metrics: readonly ResolvedMetric[],
  name: string,
  result: ProviderResult,
  now: number,
  redactor: Redactor = noRedaction,
): AnalysisRun {
  if (isRunComplete(run)) return run;
  const current = run.metrics.find((m) => m.name === name);
  const inFlight = current?.measurements.at(-1);
  const metric = metrics.find((m) => m.spec.name === name);
  if (!current || !metric || inFlight?.phase !== 'Running') return run;

  // Conditions are evaluated when the answer lands, so `now()` in them is the measurement's time.
  const outcome = !result.ok
    ? { phase: 'Error' as const, message: result.message }
    : (result.verdict ?? evaluateResult(result.value, metric.spec, now, { json: result.json ?? false }));
  const measurement: Measurement = redactor.json({
    phase: outcome.phase,
    startedAt: inFlight.startedAt,
    finishedAt: now,
    value: result.ok ? result.valueText : null,
    message: outcome.message,
    metadata: { ...result.metadata },
  });
  const counted = count(current, outcome.phase);
  const measurements = [...current.measurements.slice(0, -1), measurement].slice(-Math.max(1, metric.retention));
  return assessRun(replaceResult(run, { ...counted, measurements }), metrics, now);
}

/** A terminate request: no new measurements; in-flight ones finish, then unfinished metrics end Successful. */
export function terminateRun(run: AnalysisRun, metrics: readonly ResolvedMetric[], now: number): AnalysisRun {
  if (isRunComplete(run) || run.terminating) return run;
  return assessRun({ ...run, terminating: true }, metrics, now);
}

export { wasTerminated } from './terminated.js';

/** For a resumed run: measurements in flight when the previous runner stopped never completed. */
export function dropInFlight(run: AnalysisRun, metrics: readonly ResolvedMetric[], now: number): AnalysisRun {
  if (!run.metrics.some((m) => m.measurements.at(-1)?.phase === 'Running')) return run;
  return assessRun(withoutInFlight(run), metrics, now);
}

/**
 * Argo's assessRunStatus: recomputes metric phases, then the run phase. A metric that ends badly makes the run terminating
 * (Argo's early termination): nothing new is measured, but measurements already in flight are
 * waited for and counted, as Argo's reconcile waits for every measurement it started before it
 * assesses. So siblings measured together all count and the worst phase wins, whichever answers
 * first. Unfinished metrics then end Successful; a second pass runs when the first one turned the
 * run terminating.
 */
export function assessRun(run: AnalysisRun, metrics: readonly ResolvedMetric[], now: number): AnalysisRun {
  if (isRunComplete(run)) return run;
  let current = run;
  for (let pass = 0; pass < 2; pass++) {
    const terminating = isTerminating(current);
    current = {
      ...current,
      metrics: current.metrics.map((r) => {
        const metric = metrics.find((m) => m.spec.name === r.name);
        if (!metric) return r;
        const verdict = assessMetric(metric.spec, r, terminating);
        return verdict.phase === r.phase && verdict.reason === r.message ? r : { ...r, phase: verdict.phase, message: verdict.reason };
      }),
    };
    if (isTerminating(current) === terminating) break;
  }
  const verdict = assessRunPhase(current, metrics);
  if (verdict.phase === current.phase && verdict.message === current.message) return current;
  return {
    ...current,
    phase: verdict.phase,
    message: verdict.message,
    completedAt: isCompleted(verdict.phase) ? now : null,
  };
}

function dueAt(run: AnalysisRun, metric: ResolvedMetric): number | null {
  const result = run.metrics.find((m) => m.name === metric.spec.name);
  if (!result || isCompleted(result.phase)) return null;
  const last = result.measurements.at(-1);
  if (!last) return run.startedAt + metric.spec.initialDelayMs;
  if (last.phase === 'Running' || last.finishedAt === null) return null;
  const limit = effectiveCount(metric.spec);
  if (limit !== null && result.count >= limit) return null;
  // Errors are retried sooner than the interval; they do not use up `count`. Without an interval
  // (only reachable with an invalid count > 1) Argo also falls back to the retry interval.
  if (last.phase === 'Error' || metric.spec.intervalMs === null) return last.finishedAt + (metric.errorRetryMs ?? ERROR_RETRY_INTERVAL_MS);
  return last.finishedAt + metric.spec.intervalMs;
}

function count(r: MetricResult, phase: MeasurementPhase): MetricResult {
  switch (phase) {
    case 'Successful':
      return { ...r, successful: r.successful + 1, count: r.count + 1, consecutiveError: 0, consecutiveSuccess: r.consecutiveSuccess + 1 };
    case 'Failed':
      return { ...r, failed: r.failed + 1, count: r.count + 1, consecutiveError: 0, consecutiveSuccess: 0 };
    case 'Inconclusive':
      return { ...r, inconclusive: r.inconclusive + 1, count: r.count + 1, consecutiveError: 0, consecutiveSuccess: 0 };
    case 'Error':
      return { ...r, error: r.error + 1, consecutiveError: r.consecutiveError + 1, consecutiveSuccess: 0 };
    default:
      return assertNever(phase, 'measurement phase');
  }
}

function withoutInFlight(run: AnalysisRun): AnalysisRun {
  return {
    ...run,
    metrics: run.metrics.map((r) => {
      if (r.measurements.at(-1)?.phase !== 'Running') return r;
      const measurements = r.measurements.slice(0, -1);
      return { ...r, measurements, phase: measurements.length === 0 ? 'Pending' : 'Running' };
    }),
  };
}

function emptyResult(metric: ResolvedMetric): MetricResult {
  return {
    name: metric.spec.name,
    phase: 'Pending',
    measurements: [],
    count: 0,
    successful: 0,
    failed: 0,
    inconclusive: 0,
    error: 0,
    consecutiveError: 0,
    consecutiveSuccess: 0,
    dryRun: metric.dryRun,
    message: null,
  };
}

/** Argo's ValidateMetrics checks that a run can rely on; everything else is validated by src/manifests. */
function invalidMetrics(metrics: readonly ResolvedMetric[]): string | null {
  if (metrics.length === 0) return 'no metrics specified';
  const seen = new Set<string>();
  for (const [i, m] of metrics.entries()) {
    if (seen.has(m.spec.name)) return `metrics[${i}]: duplicate name '${m.spec.name}'`;
    seen.add(m.spec.name);
  }
  return null;
}

function resultOf(run: AnalysisRun, name: string): MetricResult {
  const result = run.metrics.find((m) => m.name === name);
  if (!result) throw new InternalError(`analysis run ${run.id}: no metric named "${name}"`);
  return result;
}

function replaceResult(run: AnalysisRun, result: MetricResult): AnalysisRun {
  return { ...run, metrics: run.metrics.map((m) => (m.name === result.name ? result : m)) };
}
