/**
 * Runs one analysis in the foreground (`canary analyze`): measures due metrics in parallel, reports
 * every change, sleeps on the injected Clock until the next measurement falls due. All decisions
 * are run.ts's; this file only waits, calls the provider and feeds answers back.
 */
import type { MetricProvider, ProviderResult } from './provider.js';
import type { Clock } from '../util/clock.js';
import { InternalError, messageOf } from '../util/errors.js';
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
  const { metrics, provider, clock, signal, terminate } = options;
  const redactor = options.redactor ?? noRedaction;
  /** The abort handle of each metric's in-flight provider call. */
  const flights = new Map<string, AbortController>();
  const unsettled = new Set<Promise<void>>();
  const answers: { name: string; result: ProviderResult }[] = [];
  let wake = new AbortController();
  const poke = () => wake.abort();
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

  const launch = (name: string) => {
    const metric = metrics.find((m) => m.spec.name === name)!;
    const controller = new AbortController();
    const settled = provider
      .measure(metric.spec.provider, AbortSignal.any([signal, controller.signal]))
      .then(
        (result) => result,
        // The port rejects only on abort; anything else is a provider bug, still only one measurement's error.
        (err: unknown): ProviderResult => ({ ok: false, message: messageOf(err), metadata: {} }),
      )
      .then((result) => {
        if (controller.signal.aborted || signal.aborted) return;
        answers.push({ name, result });
        poke();
      });
    flights.set(name, controller);
    unsettled.add(settled);
    void settled.then(() => unsettled.delete(settled));
  };

  try {
    while (!signal.aborted) {
      if (terminate?.aborted) update(terminateRun(run, metrics, clock.now()));
      for (const answer of answers.splice(0)) {
        flights.delete(answer.name);
        update(finishMeasurement(run, metrics, answer.name, answer.result, clock.now(), redactor));
      }
      cancelAbandoned(run, flights);
      if (isRunComplete(run)) break;

      for (const name of dueMeasurements(run, metrics, clock.now())) {
        update(startMeasurement(run, name, clock.now()));
        launch(name);
      }

      wake = new AbortController();
      if (answers.length > 0) continue;
      const at = nextWakeAt(run, metrics, clock.now());
      if (at === null) {
        if (flights.size === 0) throw new InternalError(`analysis run ${run.id}: nothing to measure and nothing in flight, yet the run is ${run.phase}`);
        await aborted(wake.signal);
      } else if (at > clock.now()) {
        await clock.sleep(at - clock.now(), wake.signal);
      }
    }
  } finally {
    signal.removeEventListener('abort', poke);
    terminate?.removeEventListener('abort', poke);
    for (const controller of flights.values()) controller.abort();
    await Promise.all([...unsettled]);
  }
  if (signal.aborted) update(dropInFlight(run, metrics, clock.now()));
  return run;
}

/** Calls whose measurement the run no longer waits for (the run ended early) are aborted. */
function cancelAbandoned(run: AnalysisRun, flights: Map<string, AbortController>): void {
  for (const [name, controller] of flights) {
    const stillWaiting = run.metrics.find((m) => m.name === name)?.measurements.at(-1)?.phase === 'Running';
    if (isRunComplete(run) || !stillWaiting) {
      controller.abort();
      flights.delete(name);
    }
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
