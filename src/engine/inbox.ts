/** The driver's mailbox: inputs from outside the cluster, and a wake-up that is never lost. */
import type { Input } from './machine.js';

/** A queue of inputs with a wake-up: producers push, the loop drains. */
export class Inbox {
  private readonly items: Input[] = [];
  private waiter: (() => void) | null = null;
  /** A poke that came while nobody waited: the next wait returns at once, so no change is missed. */
  private poked = false;

  push(input: Input): void {
    this.items.push(input);
    this.poke();
  }

  /** Wakes the loop without an input (something changed in the cluster). */
  poke(): void {
    const w = this.waiter;
    this.waiter = null;
    if (w) w();
    else this.poked = true;
  }

  drain(): Input[] {
    return this.items.splice(0, this.items.length);
  }

  get size(): number {
    return this.items.length;
  }

  /** True when something changed since the last wait; clears the mark. */
  takePoke(): boolean {
    const p = this.poked;
    this.poked = false;
    return p;
  }

  /** Resolves on the next push or poke. */
  next(): Promise<void> {
    return new Promise((resolve) => (this.waiter = resolve));
  }
}
