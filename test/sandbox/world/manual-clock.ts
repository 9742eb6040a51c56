/**
 * A Clock that moves only when told to: tests of deadlines and back-offs advance minutes in
 * microseconds. Between due sleeps it lets the event loop turn so that the world's queues (which
 * drain on setImmediate) react before the next timer fires, as they would in real time.
 */
import type { Clock } from '../../../src/util/clock.js';

interface Sleeper {
  due: number;
  seq: number;
  resolve: () => void;
}

export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private sleepers: Sleeper[] = [];

  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper: Sleeper = { due: this.t + Math.max(0, ms), seq: this.seq++, resolve };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      };
      sleeper.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
      if (ms <= 0) queueMicrotask(() => this.fireDue());
    });
  }

  /** Moves time forward by `ms`, firing every sleep that falls due in order and letting each settle. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await turn();
      const next = this.sleepers.filter((s) => s.due <= end).sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (!next) break;
      this.t = Math.max(this.t, next.due);
      this.sleepers = this.sleepers.filter((s) => s !== next);
      next.resolve();
    }
    this.t = end;
    await turn();
  }

  pendingSleeps(): number {
    return this.sleepers.length;
  }

  private fireDue(): void {
    const due = this.sleepers.filter((s) => s.due <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.due > this.t);
    for (const s of due) s.resolve();
  }
}

/** Two macrotask turns: promise callbacks run, then setImmediate-drained queues run. */
async function turn(): Promise<void> {
  await new Promise<void>((r) => setImmediate(r));
  await new Promise<void>((r) => setImmediate(r));
}
