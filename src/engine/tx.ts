/**
 * A transition being built: the next state, the events it reports and the effects it asks for.
 * Local mutation inside one pure function call; nothing outside it is touched.
 */
import type { Effect } from './effects.js';
import type { RunEvent } from './events.js';
import type { RunState } from './types.js';

export class Tx {
  state: RunState;
  readonly events: RunEvent[] = [];
  readonly effects: Effect[] = [];
  private wake: number | null = null;

  constructor(
    state: RunState,
    readonly now: number,
  ) {
    this.state = state;
  }

  set(patch: Partial<RunState>): void {
    this.state = { ...this.state, ...patch };
  }

  emit(event: RunEvent): void {
    this.events.push(event);
  }

  effect(e: Effect): void {
    const key = JSON.stringify(e);
    if (!this.effects.some((x) => JSON.stringify(x) === key)) this.effects.push(e);
  }

  /** Asks to be called again at `at` even if nothing else happens. */
  wakeAt(at: number | null): void {
    if (at === null) return;
    this.wake = this.wake === null ? at : Math.min(this.wake, at);
  }

  get wakeTime(): number | null {
    return this.wake;
  }
}
