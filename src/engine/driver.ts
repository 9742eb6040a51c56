/**
 * The one effectful loop: observe the cluster, reconcile, persist, report, perform effects, wait for
 * the next change (a watch event, a request, a measurement, a timer). Everything it decides comes
 * from machine.ts; everything it touches goes through the ports.
 */
import type { ResolvedMetric } from '../analysis/types.js';
import type { ProviderResult } from '../analysis/provider.js';
import { CanaryError, messageOf } from '../util/errors.js';
import { createRedactor, type Redactor } from '../util/redact.js';
import type { EngineContext, RunFacts } from './context.js';
import { effectKey, isBackground, type Effect } from './effects.js';
import { summarizeStep, type RunEvent } from './events.js';
import { kubeEventOf, withHistory } from './history.js';
import { Inbox } from './inbox.js';
import { apply, reconcile } from './machine.js';
import { describeEffect, observe, perform } from './perform.js';
import type { DriverPorts, Observation, StoredRun } from './ports.js';
import { isTerminal, type RunRequest, type RunState } from './types.js';

export interface DriveOptions {
  facts: RunFacts;
  /** The run was picked up from the state of a runner that is gone. */
  resumed: boolean;
  /** Container images of the desired template, for the start event. */
  images: string[];
  /** Stop (exit 7) at an indefinite pause or an inconclusive analysis instead of waiting for promote. */
  exitOnPause: boolean;
  /** Roll back and stop after this long (ms since the driver started); null = no limit. */
  timeoutMs: number | null;
  /** Stored with the state so that abort and retry work without the files. */
  manifests?: string;
  onEvent(e: RunEvent): void;
  /** A safety net for missed watch events: re-observe at least this often. */
  resyncMs?: number;
}

export interface DriveControl {
  /** Aborting it stops the loop at once, leaving the persisted state as it is (second Ctrl+C, lost lease). */
  stop: AbortSignal;
  /** Inputs from outside the cluster (signals); call `push` on Ctrl+C / SIGTERM. */
  inbox: Inbox;
}

export { Inbox };

export type DriveResult =
  | { outcome: 'finished'; state: RunState }
  | { outcome: 'paused'; state: RunState }
  | { outcome: 'stopped'; state: RunState; reason: string };

const DEFAULT_RESYNC_MS = 30_000;
const MAX_BACKOFF_MS = 30_000;

export async function drive(initial: RunState, options: DriveOptions, ports: DriverPorts, control: DriveControl): Promise<DriveResult> {
  const metrics = new Map<string, readonly ResolvedMetric[]>();
  const analysisErrors = new Map<string, string>();
  const secrets = new Set<string>();
  let redactor: Redactor = createRedactor([]);
  const inbox = control.inbox;
  const inflight = new Set<string>();
  const watchStop = new AbortController();
  const stopAll = () => watchStop.abort();
  control.stop.addEventListener('abort', stopAll, { once: true });
  const startedAt = ports.clock.now();
  const timeoutAt = options.timeoutMs === null ? null : startedAt + options.timeoutMs;
  let timedOut = false;
  let state = initial;
  let saved = '';
  let failures = 0;
  const warned = new Set<string>();

  const ctx = (): EngineContext => ({ ...options.facts, metrics, analysisErrors, redactor, now: ports.clock.now() });

  const publish = (events: RunEvent[]) => {
    if (events.length === 0) return;
    state = withHistory(state, events);
    for (const e of events) {
      options.onEvent(e);
      const k = kubeEventOf(e);
      if (k) void ports.events.record(k.type, k.reason, redactor.text(k.message));
    }
  };

  const warn = (message: string) => {
    if (warned.has(message)) return;
    warned.add(message);
    publish([{ kind: 'warning', at: ports.clock.now(), message }]);
  };

  const persist = async (force = false) => {
    const json = JSON.stringify({ ...state, updatedAt: 0 });
    if (!force && json === saved) return;
    await ports.store.save(redactor.json(state), options.manifests && saved === '' ? { manifests: options.manifests } : undefined);
    saved = json;
  };

  const handled = (r: RunRequest) => state.handledRequests.includes(r.id);
  const onStored = (run: StoredRun) => {
    for (const r of run.requests) if (!handled(r)) inbox.push({ kind: 'request', request: r });
  };

  try {
    ports.workloads.watch(() => inbox.poke(), watchStop.signal);
    ports.store.watch(onStored, watchStop.signal);
    onStored(await ports.store.load());
    const now = ports.clock.now();
    const started: RunEvent[] = [
      {
        kind: 'started',
        at: now,
        namespace: state.rollout.namespace,
        name: state.rollout.name,
        mode: state.mode,
        resumed: options.resumed,
        revision: state.revision,
        stableRevision: state.stableRevision,
        images: options.images,
        stepCount: state.stepCount,
        timeScale: options.facts.timeScale,
      },
    ];
    const step = options.facts.spec.canary.steps[state.stepIndex];
    if (step && state.mode === 'canary' && (state.phase === 'Progressing' || state.phase === 'Paused')) {
      started.push({ kind: 'stepStarted', at: now, index: state.stepIndex, stepCount: state.stepCount, step: summarizeStep(step) });
    }
    publish(started);
    await persist(true);

    for (;;) {
      if (control.stop.aborted) return { outcome: 'stopped', state, reason: stopReason(control.stop) };

      if (timeoutAt !== null && !timedOut && ports.clock.now() >= timeoutAt) {
        timedOut = true;
        inbox.push({ kind: 'timedOut', afterMs: options.timeoutMs! });
      }
      const seen = new Set<string>();
      for (const input of inbox.drain()) {
        if (input.kind === 'request') {
          if (seen.has(input.request.id) || handled(input.request)) continue;
          seen.add(input.request.id);
        }
        const r = apply(state, input, ctx());
        state = r.state;
        publish(r.events);
      }

      let obs: Observation;
      try {
        obs = await observe(ports);
        failures = 0;
      } catch (err) {
        if (isFatal(err)) throw err;
        await backoff(++failures, `cannot read the cluster: ${messageOf(err)}`);
        continue;
      }

      const r = reconcile(state, obs, ctx());
      state = r.state;
      publish(r.events);
      await persist();
      if (control.stop.aborted) return { outcome: 'stopped', state, reason: stopReason(control.stop) };

      if (isTerminal(state.phase) && r.effects.length === 0) return { outcome: 'finished', state };
      if (options.exitOnPause && state.phase === 'Paused' && state.pause && (state.pause.durationMs === null || state.pause.reason === 'InconclusiveAnalysis')) {
        return { outcome: 'paused', state };
      }

      let wrote = false;
      let failed = false;
      for (const effect of r.effects) {
        if (isBackground(effect)) {
          startBackground(effect);
          continue;
        }
        if (control.stop.aborted) return { outcome: 'stopped', state, reason: stopReason(control.stop) };
        try {
          await perform(effect, ports, options.facts);
          wrote = true;
          failures = 0;
        } catch (err) {
          if (isFatal(err)) throw err;
          failed = true;
          await backoff(++failures, `${describeEffect(effect)} failed: ${messageOf(err)}`);
          break;
        }
      }
      // Clear the mark before observing again: a change during this pass triggers another one.
      if (inbox.takePoke() || wrote || failed || inbox.size > 0) continue;

      const wakes = [r.wakeAt, timeoutAt !== null && !timedOut ? timeoutAt : null].filter((t): t is number => t !== null);
      const until = wakes.length ? Math.min(...wakes) : null;
      await waitForChange(until);
    }
  } finally {
    watchStop.abort();
    control.stop.removeEventListener('abort', stopAll);
  }

  function startBackground(effect: Effect): void {
    const key = effectKey(effect);
    if (inflight.has(key)) return;
    inflight.add(key);
    const finish = () => {
      inflight.delete(key);
      inbox.poke();
    };
    switch (effect.kind) {
      case 'resolveAnalysis':
        void ports
          .resolveAnalysis(effect.runId)
          .then((res) => {
            if (res.ok) {
              metrics.set(effect.runId, res.metrics);
              for (const s of res.secrets) secrets.add(s);
              redactor = createRedactor(secrets);
              inbox.push({ kind: 'analysisResolved', runId: effect.runId });
            } else {
              analysisErrors.set(effect.runId, res.message);
            }
          })
          .catch((err: unknown) => analysisErrors.set(effect.runId, messageOf(err)))
          .finally(finish);
        return;
      case 'measure': {
        const metric = metrics.get(effect.runId)?.find((m) => m.spec.name === effect.metric);
        if (!metric) return finish();
        // The result's push wakes the loop once; a poke on top (finish) would cost another observation of the cluster.
        const settle = (result: ProviderResult | null) => {
          inflight.delete(key);
          if (result) inbox.push({ kind: 'measured', runId: effect.runId, metric: effect.metric, result });
          else inbox.poke();
        };
        void ports.provider.measure(metric.spec.provider, watchStop.signal).then(
          (result) => settle(result),
          (err: unknown) => settle(watchStop.signal.aborted ? null : { ok: false, message: messageOf(err), metadata: {} }),
        );
        return;
      }
      default:
        finish();
    }
  }

  async function backoff(attempt: number, message: string): Promise<void> {
    warn(redactor.text(message));
    const ms = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(attempt, 6));
    await waitForChange(ports.clock.now() + ms, false);
  }

  async function waitForChange(until: number | null, wakeOnPoke = true): Promise<void> {
    if (wakeOnPoke && (inbox.takePoke() || inbox.size > 0)) return;
    const resync = options.resyncMs ?? DEFAULT_RESYNC_MS;
    const deadline = Math.min(until ?? Infinity, ports.clock.now() + resync);
    const wake = new AbortController();
    const onStop = () => wake.abort();
    control.stop.addEventListener('abort', onStop, { once: true });
    const poked = wakeOnPoke ? inbox.next().then(() => wake.abort()) : null;
    try {
      if (inbox.size === 0 || !wakeOnPoke) await ports.clock.sleep(Math.max(0, deadline - ports.clock.now()), wake.signal);
    } finally {
      control.stop.removeEventListener('abort', onStop);
      if (poked) wake.abort();
    }
  }
}

/** Errors no retry can fix (forbidden, API not served, someone else's object): stop and say so. */
function isFatal(err: unknown): boolean {
  return err instanceof CanaryError && !err.retryable;
}

function stopReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return typeof r === 'string' ? r : r instanceof Error ? r.message : 'stopped';
}
