/**
 * Measurements in flight: each call to the provider runs in the background and its answer is
 * handed back once, by key. A call whose answer is no longer wanted is aborted and its answer
 * dropped. Shared by the analysis scheduler (`canary analyze`) and the engine's background
 * analysis; neither waits on a provider in its own loop.
 */
import type { ProviderSpec } from '../manifests/types.js';
import { messageOf } from '../util/errors.js';
import type { MeasureContext, MetricProvider, ProviderResult } from './provider.js';

export class Measurer {
  /** The abort handle of each call not answered yet. */
  private readonly flights = new Map<string, AbortController>();
  private readonly unsettled = new Set<Promise<void>>();

  /**
   * `signal` aborts every call (the run stops); `onAnswer` gets each answer that is still wanted,
   * once. A provider rejects only on abort; any other rejection is a provider bug, and still only
   * one measurement's error.
   */
  constructor(
    private readonly provider: MetricProvider,
    private readonly signal: AbortSignal,
    private readonly onAnswer: (key: string, result: ProviderResult) => void,
  ) {}

  /** Starts measuring `spec` under `key`; false (and nothing started) when that key is already in flight. */
  start(key: string, spec: ProviderSpec, context: MeasureContext): boolean {
    if (this.flights.has(key)) return false;
    const controller = new AbortController();
    this.flights.set(key, controller);
    const settled = this.provider
      .measure(spec, AbortSignal.any([this.signal, controller.signal]), context)
      .then(
        (result) => result,
        (err: unknown): ProviderResult => ({ ok: false, message: messageOf(err), metadata: {} }),
      )
      .then((result) => {
        if (controller.signal.aborted || this.signal.aborted) return;
        this.flights.delete(key);
        this.onAnswer(key, result);
      });
    this.unsettled.add(settled);
    void settled.then(() => this.unsettled.delete(settled));
    return true;
  }

  /** Keys of the calls not answered yet. */
  inFlight(): string[] {
    return [...this.flights.keys()];
  }

  get size(): number {
    return this.flights.size;
  }

  /** Aborts the call under `key`, if any; its answer will not be handed back. */
  cancel(key: string): void {
    this.flights.get(key)?.abort();
    this.flights.delete(key);
  }

  /** Aborts every call and resolves once each has settled. */
  async close(): Promise<void> {
    for (const key of this.inFlight()) this.cancel(key);
    await Promise.all([...this.unsettled]);
  }
}
