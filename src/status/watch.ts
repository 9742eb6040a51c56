/**
 * The pure half of `canary status --watch`: when to stop and with which exit code, and when to
 * redraw. The effectful loop (src/commands/status.ts) feeds both with views and `now`.
 */
import type { Outcome } from '../contract/outcome.js';
import { assertNever } from '../util/assert-never.js';
import { revisionMatches } from './focus.js';
import type { StatusView } from './model.js';

export type WatchDecision = 'continue' | { outcome: Outcome; reason: string };

export interface WatchOptions {
  /** Stop (exit 7) at a pause that waits for a person: `canary promote` or an inconclusive analysis (Argo #1389). */
  exitOnPause: boolean;
  /** Judge only the run of this revision (`--revision`); a previous run's verdict never ends the watch. */
  revision?: string;
  /** Epoch ms after which the watch gives up (exit 6); absent: never. */
  timeoutAt?: number | null;
  now: number;
}

/**
 * Exits only on a settled verdict: Degraded while the run goes on (progress deadline without abort,
 * no live runner, rolling back) keeps watching, so a run that recovers is not reported failed (#1225).
 * A verdict seen at the same instant as the timeout wins over it.
 */
export function watchDecision(view: StatusView, o: WatchOptions): WatchDecision {
  const s = view.status;
  const name = `${view.namespace}/${view.name}`;
  const otherRun = o.revision !== undefined && s.reason !== 'AlreadyStable' && !(view.run && revisionMatches(view.run.revision, o.revision));
  if (!otherRun && s.settled) {
    const verdict = verdictOf(view);
    if (verdict) return verdict;
  }
  // A pause that ends by itself (a timed step, autoPromotionSeconds) is not one a person must end.
  const waitsForPerson = s.reason === 'PausedUntilPromote' || s.reason === 'InconclusiveAnalysis' || (s.reason === 'BlueGreenPause' && view.pause?.durationMs === null);
  if (!otherRun && o.exitOnPause && waitsForPerson) {
    return { outcome: 'paused', reason: `${name} is paused: ${s.message}${s.next ? `; ${s.next}` : ''}` };
  }
  if (o.timeoutAt != null && o.now >= o.timeoutAt) {
    const waiting = otherRun ? `the run of revision ${o.revision} has not started; ` : '';
    return { outcome: 'timeout', reason: `gave up waiting for ${name} (--timeout): ${waiting}it is ${s.phase}: ${s.message}` };
  }
  return 'continue';
}

function verdictOf(view: StatusView): WatchDecision | null {
  const s = view.status;
  const name = `${view.namespace}/${view.name}`;
  switch (s.phase) {
    case 'Healthy':
      return { outcome: 'ok', reason: `${name} is Healthy: ${s.message}` };
    case 'Degraded':
      return { outcome: 'rolledBack', reason: `${name} is Degraded: ${s.message}` };
    case 'Aborted':
      return { outcome: 'aborted', reason: `${name} was aborted: ${s.message}` };
    case 'Progressing':
    case 'Paused':
    case 'Unknown':
      return null;
    default:
      return assertNever(s.phase, 'status phase');
  }
}

export type Redraw = { kind: 'draw'; frame: string } | { kind: 'hold'; until: number } | { kind: 'same' };

/**
 * Redraws a terminal view at most every `intervalMs` and only when the frame changed (Argo's
 * viewcontroller DeepEqual + preventFlicker). No timers: the caller asks again at `until`.
 */
export class RedrawThrottle {
  private shown: string | null = null;
  private shownAt = Number.NEGATIVE_INFINITY;
  private pending: string | null = null;

  constructor(private readonly intervalMs = 200) {}

  /** A new frame at `now`: draw it, hold it until the interval has passed, or nothing changed. */
  offer(frame: string, now: number): Redraw {
    if (frame === this.shown) {
      this.pending = null;
      return { kind: 'same' };
    }
    if (now - this.shownAt >= this.intervalMs) return this.draw(frame, now);
    this.pending = frame;
    return { kind: 'hold', until: this.shownAt + this.intervalMs };
  }

  /** The held frame once its time has come; null otherwise. */
  due(now: number): string | null {
    if (this.pending === null || now - this.shownAt < this.intervalMs) return null;
    return this.draw(this.pending, now).frame;
  }

  /** The held frame whatever the time: the last draw before the watch exits must not be lost. */
  flush(now: number): string | null {
    return this.pending === null ? null : this.draw(this.pending, now).frame;
  }

  private draw(frame: string, now: number): { kind: 'draw'; frame: string } {
    this.shown = frame;
    this.shownAt = now;
    this.pending = null;
    return { kind: 'draw', frame };
  }
}
