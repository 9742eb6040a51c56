/**
 * Delivers notifications off the run's event stream without ever holding the release up: event()
 * only queues; each destination has its own queue (its posts keep their order), retried with
 * backoff on the injected Clock; a destination's failure is reported once, with every secret of
 * every destination redacted. flush() gives the queues a bounded time before the process exits.
 */
import type { RunEvent } from '../engine/events.js';
import type { Clock } from '../util/clock.js';
import { createRedactor, type Redactor } from '../util/redact.js';
import type { Destination } from './destination.js';
import { slackBody, webhookBody, type RunContext } from './message.js';
import { notificationOf, TRIGGER_OF, type Notification } from './triggers.js';

export type PostResult = { ok: true } | { ok: false; error: string; retryable: boolean };

export interface NotifierPorts {
  clock: Clock;
  /** One POST of `body` (JSON) to the destination; never throws. */
  post(d: Destination, body: string, signal: AbortSignal): Promise<PostResult>;
  /** A line for the person reading the run's output (already redacted). */
  report(message: string): void;
}

interface Queue {
  destination: Destination;
  tail: Promise<void>;
  pending: number;
  /** The last delivery failed for good. */
  failed: boolean;
  /** Its failure was reported (once per destination and run). */
  reported: boolean;
}

export class Notifier {
  private run: RunContext | null = null;
  private readonly queues: Queue[];
  private readonly redactor: Redactor;
  private readonly stop = new AbortController();

  constructor(
    destinations: readonly Destination[],
    private readonly runner: string,
    private readonly ports: NotifierPorts,
  ) {
    this.queues = destinations.map((destination) => ({ destination, tail: Promise.resolve(), pending: 0, failed: false, reported: false }));
    this.redactor = createRedactor(destinations.flatMap((d) => d.secrets));
  }

  get active(): boolean {
    return this.queues.length > 0;
  }

  /** Queues the notification this event is (if any) for every destination subscribed to its trigger. */
  event(e: RunEvent): void {
    if (e.kind === 'started') {
      this.run = { namespace: e.namespace, name: e.name, mode: e.mode, revision: e.revision, stableRevision: e.stableRevision, images: e.images, stepCount: e.stepCount, runner: this.runner };
    }
    if (!this.run || this.queues.length === 0) return;
    const n = notificationOf(e, this.run.mode);
    if (!n) return;
    for (const q of this.queues) {
      if (q.destination.triggers && !q.destination.triggers.has(TRIGGER_OF[n.kind])) continue;
      const body = JSON.stringify(bodyFor(q.destination, n, this.run));
      q.pending++;
      q.tail = q.tail.then(() => this.deliver(q, body)).finally(() => q.pending--);
    }
  }

  /** Waits for what is queued, at most `ms`; what is left then is reported (and dropped when the process exits). */
  async flush(ms: number): Promise<void> {
    const timer = new AbortController();
    const all = Promise.all(this.queues.map((q) => q.tail));
    await Promise.race([all, this.ports.clock.sleep(ms, timer.signal)]);
    timer.abort();
    const left = this.queues.filter((q) => q.pending > 0);
    this.stop.abort();
    for (const q of left) this.ports.report(this.redactor.text(`warning: ${q.pending} notification(s) to ${q.destination.label} not delivered within ${Math.round(ms / 1000)}s of the end`));
  }

  private async deliver(q: Queue, body: string): Promise<void> {
    const { destination: d } = q;
    let last: PostResult = { ok: false, error: 'not sent', retryable: true };
    // A destination that already failed gets one try per notification: a dead endpoint must not
    // queue the run's notifications up behind its backoffs (it recovers with the next success).
    const retries = q.failed ? 0 : d.retry.max;
    for (let attempt = 0; attempt <= retries && !this.stop.signal.aborted; attempt++) {
      if (attempt > 0) await this.ports.clock.sleep(Math.min(d.retry.waitMaxMs, d.retry.waitMinMs * 2 ** (attempt - 1)), this.stop.signal);
      if (this.stop.signal.aborted) return;
      last = await this.ports.post(d, body, this.stop.signal);
      if (last.ok || !last.retryable) break;
    }
    if (this.stop.signal.aborted) return;
    q.failed = !last.ok;
    // Once per destination: a dead endpoint must not fill the log with one line per event.
    if (last.ok || q.reported) return;
    q.reported = true;
    this.ports.report(this.redactor.text(`warning: notification to ${d.label} failed: ${last.error}; the release goes on (further failures to it are not reported)`));
  }
}

function bodyFor(d: Destination, n: Notification, run: RunContext): unknown {
  switch (d.format) {
    case 'json':
      return webhookBody(n, run);
    case 'slack':
      return slackBody(n, run);
    case 'slackApi':
      return { ...slackBody(n, run, d.channel), ...d.slackExtras };
  }
}
