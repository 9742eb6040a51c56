/**
 * The outcome of one measurement from the metric's conditions (Argo utils/evaluate EvaluateResult).
 * Pure: the expression language does the evaluating, this decides what the two booleans mean.
 */
import type { MetricSpec } from '../manifests/types.js';
import { messageOf } from '../util/errors.js';
import { evalCondition } from '../expr/index.js';
import type { MeasurementPhase } from './types.js';

export interface Evaluation {
  phase: MeasurementPhase;
  /** Set only for Error: why the conditions could not be evaluated. */
  message: string | null;
}

type Conditions = Pick<MetricSpec, 'successCondition' | 'failureCondition'>;

/**
 * `nowMs` is what `now()` returns inside the conditions: the time the measurement was taken (from
 * the injected Clock), as Argo evaluates them when the provider answers. `json`: the result is
 * decoded JSON (the web provider's), whose arrays stay []interface {} as Go's json decodes them.
 */
export function evaluateResult(result: unknown, conditions: Conditions, nowMs: number, options: { json?: boolean } = {}): Evaluation {
  const success = conditions.successCondition || null;
  const failure = conditions.failureCondition || null;

  let successMet = false;
  let failureMet = false;
  try {
    const json = options.json ?? false;
    if (success !== null) successMet = run('successCondition', success, result, nowMs, json);
    if (failure !== null) failureMet = run('failureCondition', failure, result, nowMs, json);
  } catch (err) {
    return { phase: 'Error', message: messageOf(err) };
  }

  // "Always succeed unless there is an error" when no condition is set.
  if (success === null && failure === null) return { phase: 'Successful', message: null };
  // With one condition only, the other is its negation.
  if (failure === null) failureMet = !successMet;
  if (success === null) successMet = !failureMet;

  // Failure wins when both hold.
  if (failureMet) return { phase: 'Failed', message: null };
  if (!successMet) return { phase: 'Inconclusive', message: null };
  return { phase: 'Successful', message: null };
}

function run(which: 'successCondition' | 'failureCondition', source: string, result: unknown, nowMs: number, json: boolean): boolean {
  try {
    return evalCondition(source, result, { nowMs, json });
  } catch (err) {
    const why = isNilOrEmpty(result)
      ? 'metric result is nil or empty: no data returned from the metric provider'
      : messageOf(err);
    throw new Error(`could not evaluate ${which} "${source}": ${why}`, { cause: err });
  }
}

function isNilOrEmpty(result: unknown): boolean {
  return result === null || result === undefined || (Array.isArray(result) && result.length === 0);
}
