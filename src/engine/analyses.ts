/** The engine's side of analysis runs: start them, schedule measurements, fold answers in, terminate. */
import { isCompleted } from '../analysis/assess.js';
import { explainRun } from '../analysis/explain.js';
import { dueMeasurements, finishMeasurement, newRun, nextWakeAt, startMeasurement, terminateRun, wasTerminated } from '../analysis/run.js';
import type { AnalysisRun, ResolvedMetric, TerminationCause } from '../analysis/types.js';
import type { ProviderResult } from '../analysis/provider.js';
import type { EngineContext } from './context.js';
import type { Effect } from './effects.js';
import { experimentVars } from './experiment.js';
import type { RunEvent } from './events.js';
import type { Tx } from './tx.js';
import { byCodeUnit } from '../util/compare.js';

export function findRun(tx: Tx, id: string): AnalysisRun | undefined {
  return tx.state.analyses.find((r) => r.id === id);
}

function putRun(tx: Tx, run: AnalysisRun): void {
  const others = tx.state.analyses.filter((r) => r.id !== run.id);
  tx.set({ analyses: [...others, run].sort((a, b) => a.startedAt - b.startedAt || byCodeUnit(a.id, b.id)) });
}

/** Makes sure run `id` exists: created once its templates are resolved, in Error if they cannot be. */
export function ensureRun(tx: Tx, ctx: EngineContext, id: string): AnalysisRun | undefined {
  const existing = findRun(tx, id);
  if (existing) return existing;
  const failure = ctx.analysisErrors.get(id);
  const metrics = ctx.metrics.get(id);
  if (failure !== undefined) {
    const run: AnalysisRun = {
      id,
      phase: 'Error',
      message: ctx.redactor.text(failure),
      startedAt: tx.now,
      completedAt: tx.now,
      terminating: false,
      metrics: [],
    };
    putRun(tx, run);
    tx.emit({ kind: 'analysisStarted', at: tx.now, runId: id, metrics: [], dryRun: [] });
    tx.emit(completed(tx, run));
    return run;
  }
  if (!metrics) {
    tx.effect(resolveEffect(tx, ctx, id));
    return undefined;
  }
  const run = newRun(id, metrics, tx.now);
  putRun(tx, run);
  tx.emit({
    kind: 'analysisStarted',
    at: tx.now,
    runId: id,
    metrics: metrics.map((m) => m.spec.name),
    dryRun: metrics.filter((m) => m.dryRun).map((m) => m.spec.name),
  });
  if (isCompleted(run.phase)) tx.emit(completed(tx, run));
  return run;
}

function resolveEffect(tx: Tx, ctx: EngineContext, runId: string): Effect {
  const vars = experimentVars(tx.state, ctx, runId);
  return vars ? { kind: 'resolveAnalysis', runId, vars } : { kind: 'resolveAnalysis', runId };
}

/** Starts the measurements that are due in every unfinished run, and asks to wake for the next ones. */
export function scheduleMeasurements(tx: Tx, ctx: EngineContext): void {
  for (const run of tx.state.analyses) {
    if (isCompleted(run.phase)) continue;
    const metrics = ctx.metrics.get(run.id);
    if (!metrics) {
      // A run resumed from the state: resolve its templates again (secrets are never persisted).
      if (!ctx.analysisErrors.has(run.id)) tx.effect(resolveEffect(tx, ctx, run.id));
      continue;
    }
    let current = run;
    for (const name of dueMeasurements(current, metrics, tx.now)) {
      current = startMeasurement(current, name, tx.now);
      tx.effect({ kind: 'measure', runId: run.id, metric: name });
    }
    if (current !== run) putRun(tx, current);
    tx.wakeAt(nextWakeAt(current, metrics, tx.now));
  }
}

/** Folds a provider answer into its run. Stale answers (run ended, measurement dropped) change nothing. */
export function recordMeasurement(tx: Tx, ctx: EngineContext, runId: string, metric: string, result: ProviderResult): void {
  const run = findRun(tx, runId);
  const metrics = ctx.metrics.get(runId);
  if (!run || !metrics) return;
  const next = finishMeasurement(run, metrics, metric, result, tx.now, ctx.redactor);
  if (next === run) return;
  putRun(tx, next);
  const r = next.metrics.find((m) => m.name === metric);
  const m = r?.measurements.at(-1);
  if (r && m && m.phase !== 'Running') {
    tx.emit({
      kind: 'measurement',
      at: tx.now,
      runId,
      metric,
      phase: m.phase,
      value: m.value,
      message: m.message,
      counts: { successful: r.successful, failed: r.failed, inconclusive: r.inconclusive, error: r.error },
    });
  }
  if (!isCompleted(run.phase) && isCompleted(next.phase)) tx.emit(completed(tx, next));
}

/** Ends unfinished runs: in-flight measurements still count, unfinished metrics end Successful. */
export function terminateRuns(tx: Tx, ctx: EngineContext, by: TerminationCause, ids?: readonly string[]): void {
  for (const run of tx.state.analyses) {
    if (isCompleted(run.phase) || run.terminating) continue;
    if (ids && !ids.includes(run.id)) continue;
    const metrics: readonly ResolvedMetric[] = ctx.metrics.get(run.id) ?? [];
    const next = metrics.length
      ? { ...terminateRun(run, metrics, tx.now), terminatedBy: by }
      : { ...run, terminating: true, terminatedBy: by, phase: 'Successful' as const, completedAt: tx.now, message: 'terminated' };
    putRun(tx, next);
    if (isCompleted(next.phase)) tx.emit(completed(tx, next));
  }
}

function completed(tx: Tx, run: AnalysisRun): RunEvent {
  const counts = { successful: 0, failed: 0, inconclusive: 0, error: 0 };
  for (const m of run.metrics) {
    counts.successful += m.successful;
    counts.failed += m.failed;
    counts.inconclusive += m.inconclusive;
    counts.error += m.error;
  }
  return { kind: 'analysisCompleted', at: tx.now, runId: run.id, phase: run.phase, message: run.message, terminated: wasTerminated(run), counts };
}

/** The first run that ended Failed or Error (dry-run metrics never make a run fail). */
export function failedRun(tx: Tx): AnalysisRun | undefined {
  return tx.state.analyses.find((r) => r.phase === 'Failed' || r.phase === 'Error');
}

export function allComplete(tx: Tx): boolean {
  return tx.state.analyses.every((r) => isCompleted(r.phase));
}

/** Why a run failed, naming the metric, value, condition and limit. */
export function explainFailure(ctx: EngineContext, run: AnalysisRun): string {
  const metrics = ctx.metrics.get(run.id);
  const why = metrics ? explainRun(run, metrics) : run.message ?? `analysis ${run.id} ended ${run.phase}`;
  return ctx.redactor.text(why);
}

/** The rollback reason for a failed run: "analysis pre-promotion failed: metric ...". */
export function failureReason(ctx: EngineContext, run: AnalysisRun): string {
  return `analysis ${run.id} ${run.phase === 'Error' ? 'errored' : 'failed'}: ${explainFailure(ctx, run)}`;
}
