/** Clocks for adapter tests against a real (loopback) server, where requests take real time. */
import type { Clock } from '../../../src/util/clock.js';
import { systemClock } from '../../../src/util/clock.js';

/**
 * Real time, with the client's waits recorded (to assert backoff and Retry-After) and scaled down.
 * Request deadlines sleep on the same clock: a sleep of exactly `deadlineMs` is one, it runs
 * unscaled and is not recorded.
 */
export class RecordingClock implements Clock {
  readonly sleeps: number[] = [];
  private readonly scale: number;
  private readonly deadlineMs: number;
  constructor(options: { scale?: number; deadlineMs?: number } = {}) {
    this.scale = options.scale ?? 1;
    this.deadlineMs = options.deadlineMs ?? 30_000;
  }
  now(): number {
    return Date.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms === this.deadlineMs) return systemClock.sleep(ms, signal);
    this.sleeps.push(ms);
    return systemClock.sleep(ms * this.scale, signal);
  }
}

/** Resolves once `predicate` holds, checking every few milliseconds; fails after `ms` of real time. */
export async function eventually(predicate: () => boolean | Promise<boolean>, ms = 5_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
