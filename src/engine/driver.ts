/**
 * The one effectful loop: observe the cluster, reconcile, persist, report, perform effects, wait for
 * the next change (a watch event, a request, a measurement, a timer). Everything it decides comes
 * from machine.ts; everything it touches goes through the ports; analyses run in the background
 * (analysis-worker.ts) and answer through the inbox.
 */
import { stepsOf } from '../manifests/strategy.js';
import { CanaryError, messageOf } from '../util/errors.js';
import { AnalysisWorker } from './analysis-worker.js';
import type { EngineContext, RunFacts } from './context.js';
import { isBackground, type Effect } from './effects.js';
import { summarizeStep, type RunEvent } from './events.js';
import { kubeEventOf, withHistory } from './history.js';
import type { Inbox } from './inbox.js';
import { apply, reconcile } from './machine.js';
import { DEFERRED_SAVE_MS, urgentKey } from './save-policy.js';
import { describeEffect, observe, perform } from './perform.js';
import { awaitsScaleDown } from './scale-down.js';
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
  /** Called once when the run reaches its verdict (traffic safe), before any scale-down it waits for. */
  onVerdict?(state: RunState): void;
  /** A safety net for missed watch events: re-observe at least this often. */
  resyncMs?: number;
}

export interface DriveControl {
  /** Aborting it stops the loop at once, leaving the persisted state as it is (second Ctrl+C, lost lease). */
  stop: AbortSignal;
  /** Inputs from outside the cluster (signals); call `push` on Ctrl+C / SIGTERM. */
  inbox: Inbox;
}

export type DriveResult =
  | { outcome: 'finished'; state: RunState }
  | { outcome: 'paused'; state: RunState }
  | { outcome: 'stopped'; state: RunState; reason: string };

const DEFAULT_RESYNC_MS = 30_000;
const MAX_BACKOFF_MS = 30_000;

export async function drive(initial: RunState, options: DriveOptions, ports: DriverPorts, control: DriveControl): Promise<DriveResult> {
  return new Driver(initial, options, ports, control).run();
}

class Driver {
  private state: RunState;
  /** The state last stored (updatedAt aside), to store only changes. */
  private saved = '';
  /** Its urgentKey, and when it was stored: a change that only adds successful measurements waits (save-policy.ts). */
  private savedUrgent = '';
  private savedAt = 0;
  /** When a change that waits must be stored at the latest; null: nothing waits. */
  private flushAt: number | null = null;
  /** Consecutive passes that could not read or write the cluster: the backoff grows with them. */
  private failures = 0;
  private timedOut = false;
  private verdictGiven = false;
  private readonly timeoutAt: number | null;
  private readonly warned = new Set<string>();
  private readonly inbox: Inbox;
  /** Ends the watches and the background work when the drive returns or is stopped. */
  private readonly watchStop = new AbortController();
  private readonly analyses: AnalysisWorker;
  /** Kubernetes Events published during a pass, sent when its writes are made (sendEvents). */
  private readonly kubeEvents: NonNullable<ReturnType<typeof kubeEventOf>>[] = [];
  private passing = false;

  constructor(
    initial: RunState,
    private readonly options: DriveOptions,
    private readonly ports: DriverPorts,
    private readonly control: DriveControl,
  ) {
    this.state = initial;
    this.inbox = control.inbox;
    this.timeoutAt = options.timeoutMs === null ? null : ports.clock.now() + options.timeoutMs;
    this.analyses = new AnalysisWorker(ports, this.inbox, this.watchStop.signal);
  }

  async run(): Promise<DriveResult> {
    const stopAll = () => this.watchStop.abort();
    this.control.stop.addEventListener('abort', stopAll, { once: true });
    try {
      await this.begin();
      for (;;) {
        const result = await this.pass();
        if (result) return result;
      }
    } finally {
      this.watchStop.abort();
      this.control.stop.removeEventListener('abort', stopAll);
    }
  }

  /** Watches the cluster and the stored requests, reports the start, stores the state. */
  private async begin(): Promise<void> {
    const { ports, state, options } = this;
    ports.workloads.watch(() => this.inbox.poke(), this.watchStop.signal);
    ports.store.watch((run) => this.onStored(run), this.watchStop.signal);
    this.onStored(await ports.store.load());
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
        strategy: options.facts.spec.strategy.kind,
      },
    ];
    const step = stepsOf(options.facts.spec.strategy)[state.stepIndex];
    if (step && state.mode === 'canary' && (state.phase === 'Progressing' || state.phase === 'Paused')) {
      started.push({ kind: 'stepStarted', at: now, index: state.stepIndex, stepCount: state.stepCount, step: summarizeStep(step) });
    }
    this.publish(started);
    await this.persist(true);
  }

  /** One pass of the loop; resolves with the result once the drive ends, else null. */
  private async pass(): Promise<DriveResult | null> {
    this.passing = true;
    let next: Awaited<ReturnType<Driver['act']>>;
    try {
      next = await this.act();
    } finally {
      this.passing = false;
      this.sendEvents();
    }
    if (next.kind === 'wait') await this.waitForChange(next.until);
    return next.kind === 'end' ? next.result : null;
  }

  /** A pass up to its writes: the drive's result, another pass at once, or a wait until a time (null: a change). */
  private async act(): Promise<{ kind: 'end'; result: DriveResult } | { kind: 'again' } | { kind: 'wait'; until: number | null }> {
    const end = (result: DriveResult) => ({ kind: 'end' as const, result });
    if (this.control.stop.aborted) return end(this.stopped());
    this.takeInputs();
    const obs = await this.observe();
    if (!obs) return { kind: 'again' };
    const r = reconcile(this.state, obs, this.ctx());
    this.state = r.state;
    this.publish(r.events);
    await this.persist();
    if (this.control.stop.aborted) return end(this.stopped());
    if (isTerminal(this.state.phase) && r.effects.length === 0 && !awaitsScaleDown(this.state)) return end({ outcome: 'finished', state: this.state });
    const pause = this.state.pause;
    if (this.options.exitOnPause && this.state.phase === 'Paused' && pause && (pause.durationMs === null || pause.reason === 'InconclusiveAnalysis')) {
      return end({ outcome: 'paused', state: this.state });
    }
    const done = await this.carryOut(r.effects);
    if (done === 'stopped') return end(this.stopped());
    // Clear the mark before observing again: a change during this pass triggers another one.
    if (this.inbox.takePoke() || done === 'changed' || this.inbox.size > 0) return { kind: 'again' };
    const wakes = [r.wakeAt, this.timeoutAt !== null && !this.timedOut ? this.timeoutAt : null, this.flushAt].filter((t): t is number => t !== null);
    return { kind: 'wait', until: wakes.length ? Math.min(...wakes) : null };
  }

  /** Folds in what came from outside the cluster: requests (each once), signals, answers, the timeout. */
  private takeInputs(): void {
    if (this.timeoutAt !== null && !this.timedOut && this.ports.clock.now() >= this.timeoutAt) {
      this.timedOut = true;
      this.inbox.push({ kind: 'timedOut', afterMs: this.options.timeoutMs! });
    }
    const seen = new Set<string>();
    for (const input of this.inbox.drain()) {
      if (input.kind === 'request') {
        if (seen.has(input.request.id) || this.handled(input.request)) continue;
        seen.add(input.request.id);
      }
      const r = apply(this.state, input, this.ctx());
      this.state = r.state;
      this.publish(r.events);
    }
  }

  /** The cluster now; null (after a backoff) when it cannot be read. */
  private async observe(): Promise<Observation | null> {
    try {
      const obs = await observe(this.ports);
      this.failures = 0;
      return obs;
    } catch (err) {
      if (isFatal(err)) throw err;
      await this.backoff(`cannot read the cluster: ${messageOf(err)}`);
      return null;
    }
  }

  /**
   * The effects in order: background ones start, cluster writes are awaited one by one; a write
   * that fails ends the pass (after a backoff) so the next one observes first.
   */
  private async carryOut(effects: readonly Effect[]): Promise<'stopped' | 'changed' | 'unchanged'> {
    for (const effect of effects) {
      if (isBackground(effect)) {
        this.analyses.start(effect);
        continue;
      }
      if (this.control.stop.aborted) return 'stopped';
      try {
        await perform(effect, this.ports, this.options.facts);
        this.failures = 0;
        if (effect.kind === 'deleteExperimentObject') this.deleted(effect);
      } catch (err) {
        if (isFatal(err)) throw err;
        await this.backoff(`${describeEffect(effect)} failed: ${messageOf(err)}`);
        return 'changed';
      }
    }
    return effects.some((e) => !isBackground(e)) ? 'changed' : 'unchanged';
  }

  private ctx(): EngineContext {
    const { metrics, analysisErrors, redactor } = this.analyses;
    return { ...this.options.facts, metrics, analysisErrors, redactor, now: this.ports.clock.now() };
  }

  private handled(r: RunRequest): boolean {
    return this.state.handledRequests.includes(r.id);
  }

  private onStored(run: StoredRun): void {
    for (const r of run.requests) if (!this.handled(r)) this.inbox.push({ kind: 'request', request: r });
  }

  /** Events go to the history, the caller and (some) to Kubernetes Events, secrets redacted. */
  private publish(events: RunEvent[]): void {
    if (events.length === 0) return;
    this.state = withHistory(this.state, events);
    for (const e of events) {
      this.options.onEvent(e);
      if (e.kind === 'finished') this.settled();
      const k = kubeEventOf(e);
      if (k) this.kubeEvents.push({ ...k, message: this.analyses.redactor.text(k.message) });
    }
    if (!this.passing) this.sendEvents();
  }

  /**
   * Kubernetes Events are recorded once a pass has made its writes: sent as they came, the three of an
   * abort reached the API server ahead of the state and the weight 0 (issue 15). Best effort, not awaited.
   */
  private sendEvents(): void {
    for (const k of this.kubeEvents.splice(0)) void this.ports.events.record(k.type, k.reason, k.message);
  }

  /** Each experiment object deleted is said once (a pass may ask again before the observation shows it gone). */
  private deleted(e: Extract<Effect, { kind: 'deleteExperimentObject' }>): void {
    const key = `${e.object}/${e.name}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.publish([{ kind: 'experimentDeleted', at: this.ports.clock.now(), object: e.object, name: e.name, leftover: e.leftover }]);
  }

  /** Each distinct warning once. */
  private warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.publish([{ kind: 'warning', at: this.ports.clock.now(), message }]);
  }

  /** Stores the state when it changed (the manifests with the first save); what may wait, waits (save-policy.ts). */
  private async persist(force = false): Promise<void> {
    const json = JSON.stringify({ ...this.state, updatedAt: 0 });
    if (!force && json === this.saved) {
      this.flushAt = null;
      return;
    }
    const now = this.ports.clock.now();
    const urgent = urgentKey(this.state);
    if (!force && urgent === this.savedUrgent && now < this.savedAt + DEFERRED_SAVE_MS) {
      this.flushAt = this.savedAt + DEFERRED_SAVE_MS;
      return;
    }
    const { manifests } = this.options;
    await this.ports.store.save(this.analyses.redactor.json(this.state), manifests && this.saved === '' ? { manifests } : undefined);
    this.saved = json;
    this.savedUrgent = urgent;
    this.savedAt = now;
    this.flushAt = null;
  }

  /** The verdict, once: traffic is safe; a scale-down may follow. */
  private settled(): void {
    if (this.verdictGiven) return;
    this.verdictGiven = true;
    this.options.onVerdict?.(this.state);
  }

  private stopped(): DriveResult {
    return { outcome: 'stopped', state: this.state, reason: stopReason(this.control.stop) };
  }

  private async backoff(message: string): Promise<void> {
    this.warn(this.analyses.redactor.text(message));
    const ms = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(++this.failures, 6));
    await this.waitForChange(this.ports.clock.now() + ms, false);
  }

  /** Sleeps until `until`, the resync interval, a stop, or (unless told not to) any change. */
  private async waitForChange(until: number | null, wakeOnPoke = true): Promise<void> {
    // Nothing is held back while waiting (a backoff waits within a pass).
    this.sendEvents();
    const { inbox, ports } = this;
    if (wakeOnPoke && (inbox.takePoke() || inbox.size > 0)) return;
    const deadline = Math.min(until ?? Infinity, ports.clock.now() + (this.options.resyncMs ?? DEFAULT_RESYNC_MS));
    const wake = new AbortController();
    const onStop = () => wake.abort();
    this.control.stop.addEventListener('abort', onStop, { once: true });
    const poked = wakeOnPoke ? inbox.next().then(() => wake.abort()) : null;
    try {
      if (inbox.size === 0 || !wakeOnPoke) await ports.clock.sleep(Math.max(0, deadline - ports.clock.now()), wake.signal);
    } finally {
      this.control.stop.removeEventListener('abort', onStop);
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
