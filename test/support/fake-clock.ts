/**
 * A Clock whose time moves only when a test says so. `sleep` registers a sleeper; `advance(ms)`
 * moves time forward, waking each sleeper whose deadline has passed in deadline order and letting
 * the woken code run (pending promise callbacks) before waking the next one.
 */
import type { Clock } from '../../src/util/clock.js';

interface Sleeper {
  at: number;
  seq: number;
  wake: () => void;
}

export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private sleepers: Sleeper[] = [];
  /** Every duration passed to sleep(), in call order. */
  readonly requested: number[] = [];

  constructor(start = Date.UTC(2026, 0, 1, 12, 0, 0)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.requested.push(ms);
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper: Sleeper = {
        at: this.t + Math.max(0, ms),
        seq: this.seq++,
        wake: () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          signal?.removeEventListener('abort', sleeper.wake);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', sleeper.wake, { once: true });
    });
  }

  /** Moves time forward by `ms`, waking due sleepers one at a time in deadline order. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    await settle();
    for (;;) {
      const next = this.earliest();
      if (!next || next.at > target) break;
      this.t = Math.max(this.t, next.at);
      next.wake();
      await settle();
    }
    this.t = target;
    await settle();
  }

  /** Moves time to the earliest sleeper's deadline and wakes it; false when nobody sleeps. */
  async advanceToNext(): Promise<boolean> {
    await settle();
    const next = this.earliest();
    if (!next) return false;
    await this.advance(Math.max(0, next.at - this.t));
    return true;
  }

  /** Number of sleepers waiting. */
  pending(): number {
    return this.sleepers.length;
  }

  /** Deadline of the earliest sleeper, or null. */
  nextDeadline(): number | null {
    return this.earliest()?.at ?? null;
  }

  private earliest(): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const s of this.sleepers) if (!best || s.at < best.at || (s.at === best.at && s.seq < best.seq)) best = s;
    return best;
  }
}

/** Lets queued promise callbacks run; a macrotask turn drains the microtask queue first. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
