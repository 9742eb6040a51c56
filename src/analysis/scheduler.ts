/**
 * Runs one analysis in the foreground (`canary analyze`): measures due metrics in parallel, reports
 * every change, sleeps on the injected Clock until the next measurement falls due. All decisions
 * are run.ts's; this file only waits, and feeds back the answers of the calls measurer.ts makes.
 */
import type { MetricProvider, ProviderResult } from './provider.js';
import type { Clock } from '../util/clock.js';
import { InternalError } from '../util/errors.js';
import { noRedaction, type Redactor } from '../util/redact.js';
import {
  dropInFlight,
  dueMeasurements,
  finishMeasurement,
  isRunComplete,
  newRun,
  nextWakeAt,
  startMeasurement,
  terminateRun,
} from './run.js';
import { Measurer } from './measurer.js';
import type { AnalysisRun, ResolvedMetric } from './types.js';

export interface RunAnalysisOptions {
  /** A run to resume (its in-flight measurements are discarded); otherwise a new run named `id`. */
  run?: AnalysisRun;
  id?: string;
  metrics: readonly ResolvedMetric[];
  provider: MetricProvider;
  clock: Clock;
  /** Stops at once: in-flight calls are aborted and the run is returned as it stands (resumable). */
  signal: AbortSignal;
  /** Called with the new run after every change; persist or render it. */
  onUpdate: (run: AnalysisRun) => void;
  /** Ends the run gracefully: in-flight measurements finish, unfinished metrics end Successful. */
  terminate?: AbortSignal;
  /** Applied to everything stored in the run (secret arg values). */
  redactor?: Redactor;
}

export async function runAnalysis(options: RunAnalysisOptions): Promise<AnalysisRun> {
  const { metrics, clock, signal, terminate } = options;
  const redactor = options.redactor ?? noRedaction;
  const answers: { name: string; result: ProviderResult }[] = [];
  let wake = new AbortController();
  const poke = () => wake.abort();
  const measurer = new Measurer(options.provider, signal, (name, result) => {
    answers.push({ name, result });
    poke();
  });
  signal.addEventListener('abort', poke);
  terminate?.addEventListener('abort', poke);

  let run = options.run
    ? dropInFlight(options.run, metrics, clock.now())
    : newRun(options.id ?? 'analysis', metrics, clock.now());
  options.onUpdate(run);
  const update = (next: AnalysisRun) => {
    if (next === run) return;
    run = next;
    options.onUpdate(run);
  };

  try {
    while (!signal.aborted) {
      if (terminate?.aborted) update(terminateRun(run, metrics, clock.now()));
      for (const answer of answers.splice(0)) update(finishMeasurement(run, metrics, answer.name, answer.result, clock.now(), redactor));
      cancelAbandoned(run, measurer);
      if (isRunComplete(run)) break;

      for (const name of dueMeasurements(run, metrics, clock.now())) {
        update(startMeasurement(run, name, clock.now()));
        measurer.start(name, metrics.find((m) => m.spec.name === name)!.spec.provider, { run: run.id, metric: name });
      }

      wake = new AbortController();
      if (answers.length > 0) continue;
      const at = nextWakeAt(run, metrics, clock.now());
      if (at === null) {
        if (measurer.size === 0) throw new InternalError(`analysis run ${run.id}: nothing to measure and nothing in flight, yet the run is ${run.phase}`);
        await aborted(wake.signal);
      } else if (at > clock.now()) {
        await clock.sleep(at - clock.now(), wake.signal);
      }
    }
  } finally {
    signal.removeEventListener('abort', poke);
    terminate?.removeEventListener('abort', poke);
    await measurer.close();
  }
  if (signal.aborted) update(dropInFlight(run, metrics, clock.now()));
  return run;
}

/** Calls whose measurement the run no longer waits for (the run ended early) are aborted. */
function cancelAbandoned(run: AnalysisRun, measurer: Measurer): void {
  for (const name of measurer.inFlight()) {
    const stillWaiting = run.metrics.find((m) => m.name === name)?.measurements.at(-1)?.phase === 'Running';
    if (isRunComplete(run) || !stillWaiting) measurer.cancel(name);
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
