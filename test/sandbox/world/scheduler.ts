/**
 * How the world's controllers react: store changes only enqueue keys (store listeners run inside
 * the store's write, so writing back from them would re-enter it), and a queue drains the keys on
 * the next macrotask. Delayed work (a pod becoming Ready, a progress deadline) goes through the
 * injected Clock so tests can advance time instead of waiting for it.
 */
import type { Clock } from '../../../src/util/clock.js';

export type Log = (message: string) => void;

export class WorkQueue {
  private readonly pending = new Set<string>();
  private immediate: NodeJS.Immediate | undefined;
  private closed = false;

  constructor(
    private readonly name: string,
    private readonly handle: (key: string) => void,
    private readonly log: Log,
  ) {}

  add(key: string): void {
    if (this.closed) return;
    this.pending.add(key);
    this.immediate ??= setImmediate(() => this.drain());
  }

  /** True while keys wait to be handled (tests wait for a quiet world). */
  busy(): boolean {
    return this.pending.size > 0;
  }

  close(): void {
    this.closed = true;
    this.pending.clear();
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
  }

  private drain(): void {
    this.immediate = undefined;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      if (this.closed) return;
      try {
        this.handle(key);
      } catch (err) {
        // A failing key must not stop the others; the real controllers requeue with back-off.
        this.log(`${this.name}: ${key}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

/** Keyed one-shot timers on a Clock; a key keeps its earliest due time. */
export class Timers {
  private readonly timers = new Map<string, { due: number; abort: AbortController }>();
  private closed = false;

  constructor(private readonly clock: Clock) {}

  after(key: string, ms: number, fn: () => void): void {
    if (this.closed) return;
    const due = this.clock.now() + Math.max(0, ms);
    const existing = this.timers.get(key);
    if (existing && existing.due <= due) return;
    existing?.abort.abort();
    const abort = new AbortController();
    this.timers.set(key, { due, abort });
    void this.clock.sleep(Math.max(0, ms), abort.signal).then(() => {
      if (abort.signal.aborted || this.closed) return;
      this.timers.delete(key);
      fn();
    });
  }

  cancel(key: string): void {
    this.timers.get(key)?.abort.abort();
    this.timers.delete(key);
  }

  cancelPrefix(prefix: string): void {
    for (const key of [...this.timers.keys()]) if (key.startsWith(prefix)) this.cancel(key);
  }

  size(): number {
    return this.timers.size;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) t.abort.abort();
    this.timers.clear();
  }
}
