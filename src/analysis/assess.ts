/**
 * Argo's assessment rules (analysis/analysis.go assessMetricStatus, assessRunStatus): the phase of a
 * metric from its counters and limits, and the phase of a run from its metrics. Pure.
 */
import type { MetricSpec } from '../manifests/types.js';
import type { AnalysisPhase, AnalysisRun, MetricResult, ResolvedMetric } from './types.js';

export const DEFAULT_MEASUREMENT_RETENTION = 10;
export const ERROR_RETRY_INTERVAL_MS = 10_000;

const BADNESS: readonly AnalysisPhase[] = ['Successful', 'Running', 'Pending', 'Inconclusive', 'Error', 'Failed'];

export function isCompleted(phase: AnalysisPhase): boolean {
  return phase === 'Successful' || phase === 'Failed' || phase === 'Inconclusive' || phase === 'Error';
}

/** True when `next` is strictly worse than `current` (Successful < Running < Pending < Inconclusive < Error < Failed). */
export function isWorse(current: AnalysisPhase, next: AnalysisPhase): boolean {
  return BADNESS.indexOf(next) > BADNESS.indexOf(current);
}

/** How many non-error measurements complete the metric; null = until the run is terminated. */
export function effectiveCount(spec: Pick<MetricSpec, 'count' | 'intervalMs'>): number | null {
  if (spec.count === null || spec.count === 0) return spec.intervalMs === null ? 1 : null;
  return spec.count;
}

export interface MetricVerdict {
  phase: AnalysisPhase;
  /** Why a limit decided the phase, e.g. `failed (1) > failureLimit (0)`; null otherwise. */
  reason: string | null;
}

/**
 * The limit checks, in Argo's order: a later match overrides an earlier one, so Error beats
 * Inconclusive beats Failed.
 */
export function limitBreach(spec: MetricSpec, r: MetricResult): MetricVerdict | null {
  let verdict: MetricVerdict | null = null;
  if (spec.failureLimit >= 0 && r.failed > spec.failureLimit) {
    verdict = { phase: 'Failed', reason: `failed (${r.failed}) > failureLimit (${spec.failureLimit})` };
  }
  if (r.inconclusive > spec.inconclusiveLimit) {
    verdict = {
      phase: 'Inconclusive',
      reason: `inconclusive (${r.inconclusive}) > inconclusiveLimit (${spec.inconclusiveLimit})`,
    };
  }
  if (r.consecutiveError > spec.consecutiveErrorLimit) {
    verdict = {
      phase: 'Error',
      reason: `consecutiveErrors (${r.consecutiveError}) > consecutiveErrorLimit (${spec.consecutiveErrorLimit})`,
    };
  }
  return verdict;
}

export function assessMetric(spec: MetricSpec, r: MetricResult, terminating: boolean): MetricVerdict {
  if (isCompleted(r.phase)) return { phase: r.phase, reason: r.message };
  const last = r.measurements.at(-1);
  if (!last) return { phase: terminating ? 'Successful' : 'Pending', reason: null };
  if (last.phase === 'Running') return { phase: 'Running', reason: null };

  const breach = limitBreach(spec, r);
  if (breach) return breach;

  const successLimit = spec.consecutiveSuccessLimit;
  if (successLimit > 0 && r.consecutiveSuccess >= successLimit) return { phase: 'Successful', reason: null };

  const count = effectiveCount(spec);
  if (count !== null && r.count >= count) {
    // failureLimit and consecutiveSuccessLimit were checked above and neither decided.
    if (successLimit > 0 && spec.failureLimit >= 0) {
      return {
        phase: 'Inconclusive',
        reason: `consecutiveSuccessLimit (${successLimit}) not reached and failureLimit (${spec.failureLimit}) not violated after count (${count})`,
      };
    }
    if (successLimit > 0) {
      return { phase: 'Failed', reason: `consecutiveSuccessLimit (${successLimit}) not reached after count (${count})` };
    }
    return { phase: 'Successful', reason: null };
  }
  return { phase: terminating ? 'Successful' : 'Running', reason: null };
}

/** A run stops taking measurements once asked to, or once a metric that counts has ended badly. */
export function isTerminating(run: Pick<AnalysisRun, 'terminating' | 'metrics'>): boolean {
  return run.terminating || run.metrics.some((m) => !m.dryRun && isStoppingPhase(m.phase));
}

function isStoppingPhase(phase: AnalysisPhase): boolean {
  return phase === 'Failed' || phase === 'Error' || phase === 'Inconclusive';
}

export interface RunVerdict {
  phase: AnalysisPhase;
  message: string | null;
}

/**
 * The run's phase from its (already assessed) metrics. Running while any metric is unfinished;
 * then the worst non-dry-run phase. A terminating run ends as soon as nothing is in flight, with
 * the worst phase so far (Successful when nothing counted).
 */
export function assessRunPhase(run: AnalysisRun, metrics: readonly ResolvedMetric[]): RunVerdict {
  const terminating = isTerminating(run);
  let worst: AnalysisPhase | null = null;
  let message: string | null = run.terminating ? 'Run Terminated' : null;
  let everythingCompleted = true;
  let inFlight = false;

  for (const resolved of metrics) {
    const r = run.metrics.find((m) => m.name === resolved.spec.name);
    if (!r || !isCompleted(r.phase)) {
      everythingCompleted = false;
      if (r?.measurements.at(-1)?.phase === 'Running') inFlight = true;
      continue;
    }
    if (r.dryRun) {
      worst ??= 'Successful';
      continue;
    }
    if (worst === null || isWorse(worst, r.phase)) {
      worst = r.phase;
      if (r.message) message = runMessage(r);
    }
  }

  if (terminating) {
    if (inFlight) return { phase: 'Running', message: null };
    return { phase: worst ?? 'Successful', message };
  }
  if (!everythingCompleted || worst === null) return { phase: 'Running', message: null };
  return { phase: worst, message };
}

/** `Metric "x" assessed Failed due to failed (1) > failureLimit (0): "Error Message: ..."`, as Argo words it. */
function runMessage(r: MetricResult): string {
  const base = `Metric "${r.name}" assessed ${r.phase} due to ${r.message}`;
  const lastMessage = r.measurements.at(-1)?.message;
  return lastMessage ? `${base}: "Error Message: ${lastMessage}"` : base;
}
