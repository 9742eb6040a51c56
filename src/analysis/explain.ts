/**
 * One line saying why a run ended as it did, naming the metric, the measured value, the condition
 * and the limit, for rollout messages, CI annotations and the exit summary. Pure. It quotes the
 * resolved conditions, which may hold secret args: print it through the run's Redactor.
 */
import type { MetricSpec } from '../manifests/types.js';
import { effectiveCount, isCompleted, limitBreach } from './assess.js';
import type { AnalysisRun, Measurement, MetricResult, ResolvedMetric } from './types.js';

export function explainRun(run: AnalysisRun, metrics: readonly ResolvedMetric[]): string {
  const specOf = (name: string) => metrics.find((m) => m.spec.name === name)?.spec;
  if (run.phase === 'Successful' || !isCompleted(run.phase)) {
    const parts = run.metrics.filter((r) => !r.dryRun).map((r) => `${r.name} ${summarize(r)}`);
    const dry = run.metrics.filter((r) => r.dryRun && isBad(r)).map((r) => {
      const spec = specOf(r.name);
      return `dry-run ${spec ? explainMetric(spec, r) : `metric ${r.name}: ${r.phase}`}`;
    });
    const head = run.phase === 'Successful' ? `analysis ${run.id} Successful` : `analysis ${run.id} ${run.phase}`;
    return [head + (run.message ? ` (${run.message})` : ''), ...parts, ...dry].join('; ');
  }
  const decisive = run.metrics.find((r) => !r.dryRun && r.phase === run.phase);
  const spec = decisive && specOf(decisive.name);
  if (!decisive || !spec) return run.message ?? `analysis ${run.id} ended ${run.phase}`;
  return explainMetric(spec, decisive);
}

/** `metric NAME: <what was measured against what> (<counter> > <limit>)`. */
export function explainMetric(spec: MetricSpec, r: MetricResult): string {
  const head = `metric ${r.name}`;
  const breach = limitBreach(spec, r);
  if (breach && breach.phase === r.phase) {
    switch (breach.phase) {
      case 'Failed':
        return `${head}: ${conditionDetail(spec, lastWith(r, 'Failed'))} (failed ${r.failed} > failureLimit ${spec.failureLimit})`;
      case 'Inconclusive':
        return `${head}: ${conditionDetail(spec, lastWith(r, 'Inconclusive'))} (inconclusive ${r.inconclusive} > inconclusiveLimit ${spec.inconclusiveLimit})`;
      case 'Error':
        return `${head}: ${lastWith(r, 'Error')?.message ?? 'measurement error'} (consecutiveErrors ${r.consecutiveError} > consecutiveErrorLimit ${spec.consecutiveErrorLimit})`;
      default:
        break;
    }
  }
  const count = effectiveCount(spec);
  if ((r.phase === 'Failed' || r.phase === 'Inconclusive') && spec.consecutiveSuccessLimit > 0 && count !== null) {
    const last = r.measurements.at(-1);
    return `${head}: consecutiveSuccess ${r.consecutiveSuccess} < consecutiveSuccessLimit ${spec.consecutiveSuccessLimit} after count ${count}, last result ${last?.value ?? 'nil'}`;
  }
  return `${head}: ${summarize(r)}`;
}

function conditionDetail(spec: MetricSpec, m: Measurement | undefined): string {
  const value = `result ${m?.value ?? 'nil'}`;
  const success = spec.successCondition || null;
  const failure = spec.failureCondition || null;
  // A provider that decides itself (a Job, the judge) says why in the measurement's message.
  if (success === null && failure === null) return m?.message ?? value;
  if (m?.phase === 'Inconclusive') {
    return `${value} matched neither successCondition "${success ?? ''}" nor failureCondition "${failure ?? ''}"`;
  }
  if (failure !== null) return `${value} matched failureCondition "${failure}"`;
  return `${value} did not match successCondition "${success}"`;
}

function summarize(r: MetricResult): string {
  const last = r.measurements.at(-1);
  const tail = last?.value != null ? `, last result ${last.value}` : last?.message ? `, last error: ${last.message}` : '';
  return `${r.phase}: ${r.successful} successful, ${r.failed} failed, ${r.inconclusive} inconclusive, ${r.error} errors${tail}`;
}

function isBad(r: MetricResult): boolean {
  return r.phase === 'Failed' || r.phase === 'Error' || r.phase === 'Inconclusive';
}

function lastWith(r: MetricResult, phase: Measurement['phase']): Measurement | undefined {
  return [...r.measurements].reverse().find((m) => m.phase === phase);
}
