/** Analysis runs as the status shows them: Argo's counters, per-metric last value and recent samples. */
import type { AnalysisPhase, AnalysisRun, Measurement, MetricResult } from '../analysis/types.js';
import { wasTerminated } from '../analysis/terminated.js';
import { assertNever } from '../util/assert-never.js';
import { ICON, type Icon } from './icons.js';
import type { AnalysisView, Counts, MetricView } from './model.js';
import { iso } from './time.js';

export function analysisViews(runs: readonly AnalysisRun[], now: number): AnalysisView[] {
  return runs.map((run) => {
    const terminated = wasTerminated(run);
    const metrics = run.metrics.map((m) => metricView(m, terminated && m.phase === 'Successful'));
    return {
      id: run.id,
      phase: run.phase,
      terminated,
      icon: terminated ? ICON.terminated : analysisIcon(run.phase),
      message: run.message,
      startedAt: iso(run.startedAt),
      completedAt: run.completedAt === null ? null : iso(run.completedAt),
      ageMs: Math.max(0, now - run.startedAt),
      counts: metrics.reduce<Counts>(
        (c, m) => ({
          successful: c.successful + m.counts.successful,
          failed: c.failed + m.counts.failed,
          inconclusive: c.inconclusive + m.counts.inconclusive,
          error: c.error + m.counts.error,
        }),
        { successful: 0, failed: 0, inconclusive: 0, error: 0 },
      ),
      metrics,
    };
  });
}

function metricView(r: MetricResult, terminated: boolean): MetricView {
  const finished = r.measurements.filter((m): m is Measurement & { phase: Exclude<Measurement['phase'], 'Running'> } => m.phase !== 'Running');
  const last = finished.at(-1);
  return {
    name: r.name,
    phase: r.phase,
    terminated,
    icon: terminated ? ICON.terminated : analysisIcon(r.phase),
    dryRun: r.dryRun,
    counts: { successful: r.successful, failed: r.failed, inconclusive: r.inconclusive, error: r.error },
    lastValue: [...finished].reverse().find((m) => m.value !== null)?.value ?? null,
    lastError: last?.phase === 'Error' ? last.message ?? 'measurement error' : null,
    samples: finished.map((m) => sampleOf(m.value)),
    message: r.message,
  };
}

/**
 * The number a sparkline plots for a stored value: "0.99" or the first element of "[0.99,1]".
 * null for no data ("[]"), NaN, infinities (JSON cannot carry them) and non-numeric results.
 */
export function sampleOf(value: string | null): number | null {
  if (value === null) return null;
  const text = value.trim();
  const first = text.startsWith('[') ? text.slice(1, -1).split(',')[0]!.trim() : text;
  if (first === '') return null;
  const n = Number(first);
  return Number.isFinite(n) ? n : null;
}

export function analysisIcon(phase: AnalysisPhase): Icon {
  switch (phase) {
    case 'Successful':
      return ICON.healthy;
    case 'Failed':
      return ICON.failed;
    case 'Error':
      return ICON.error;
    case 'Inconclusive':
      return ICON.unknown;
    case 'Running':
      return ICON.progressing;
    case 'Pending':
      return ICON.waiting;
    default:
      return assertNever(phase, 'analysis phase');
  }
}
