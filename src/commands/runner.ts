/**
 * A rollout driven in the foreground: take the Lease, decide how the run begins, drive it to a
 * verdict while printing, and always give the Lease back. Shared by `run`, `retry`, and `abort`
 * when no runner is alive.
 */
import type { Outcome } from '../contract/outcome.js';
import type { Io } from '../contract/io.js';
import type { MetricProvider } from '../analysis/provider.js';
import type { DriveResult } from '../engine/driver.js';
import { Inbox } from '../engine/inbox.js';
import type { LeaseHolder, Lock, StateStore } from '../engine/ports.js';
import { openRun } from '../engine/session.js';
import type { StartDecision } from '../engine/start.js';
import { isTerminal, type RunRequest } from '../engine/types.js';
import type { JsonObject, ResolvedRollout, SpecSet } from '../manifests/types.js';
import { createRunPrinter, type RunPrinter } from '../output/printer.js';
import { liveStages } from '../output/stages.js';
import { finalLine, verdictOf, type Verdict } from '../output/verdict.js';
import type { Clock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import { LockedError } from '../util/errors.js';
import { hintCommand, type HintTarget } from '../util/hint.js';
import type { Destination } from '../notify/destination.js';
import { Notifier } from '../notify/notifier.js';
import type { ReportFile } from '../output/report.js';
import { postNotification } from '../notify/post.js';
import { argoNotifications } from './notifications.js';
import type { Cluster } from '../wiring/cluster.js';

export interface ForegroundRun {
  io: Io;
  clock: Clock;
  cluster: Cluster;
  namespace: string;
  spec: SpecSet;
  /** The Rollout with its namespace resolved (not time-scaled), its workloadRef's template read. */
  rollout: ResolvedRollout;
  template: JsonObject;
  manifests: string;
  provider: MetricProvider;
  output: 'text' | 'json';
  timeScale: number;
  exitOnPause: boolean;
  timeoutMs: number | null;
  onInterrupt: 'rollback' | 'leave';
  adopt: boolean;
  /** `canary retry`: run a revision that was rolled back before. */
  retry: boolean;
  /** The rollout as hints name it (namespace, --context when given). */
  hint: HintTarget;
  /** `--report FILE`: the run's report, written at the end. */
  report?: ReportFile;
  /** `--notify URL`: destinations of every notification (the Rollout's Argo subscriptions are added to them). */
  notify?: Destination[];
  /** `--scale-down leave`: exit at the verdict, the next canary command scales the canary down. */
  leaveScaleDown?: boolean;
  /** Requests to act on at once (`canary abort` with no live runner). */
  requests?: RunRequest[];
  /** Called with the start decision before anything is driven (e.g. abort refuses to start a new run). */
  accept?: (decision: StartDecision) => string | null;
}

export async function runInForeground(p: ForegroundRun): Promise<Outcome> {
  const { namespace, rollout, io } = p;
  // A runner reads the same objects on every pass: from watches, so that waiting costs the API
  // server (almost) nothing. They end with the run.
  const watches = new AbortController();
  const cluster = p.cluster.watching(watches.signal);
  const workloads = cluster.workloads(rollout, namespace, { adopt: p.adopt });
  const router = cluster.router(rollout, namespace, { adopt: p.adopt });
  const store = cluster.stateStore(rollout.name, namespace);
  const lock = cluster.lock(rollout.name, namespace);
  const previous = await takeLease(p, lock, store).catch((err: unknown) => {
    watches.abort();
    throw err;
  });
  const leaseStop = new AbortController();
  const stop = new AbortController();
  lock.hold(leaseStop.signal, (holder) => stop.abort(`lost the Lease${holder ? ` to ${holder.identity}` : ''}`));
  const signals = new SignalHandler(io, p.onInterrupt, stop);
  try {
    const run = await openRun(
      {
        rollout,
        templates: p.spec.templates,
        template: p.template,
        timeScale: p.timeScale,
        ...(p.leaveScaleDown ? { leaveScaleDown: true } : {}),
        owner: lock.identity,
        retry: p.retry,
        lastAliveAt: previous?.renewedAt ?? null,
        manifests: p.manifests,
      },
      { workloads, router, store, events: cluster.events(rollout.name, namespace), provider: p.provider, clock: p.clock, secrets: cluster.secrets() },
    );
    const printer = await createRunPrinter({
      mode: p.output === 'json' ? 'json' : io.stdout.isTTY && !io.env.CI ? 'tty' : 'lines',
      stdout: io.stdout,
      stderr: io.stderr,
      palette: io.palette,
      errPalette: io.errPalette,
      env: io.env,
      clock: p.clock,
      rollout: `${namespace}/${rollout.name}`,
      hint: p.hint,
      ...(p.report ? { report: p.report } : {}),
      steps: liveStages(run.facts.spec),
    });
    for (const note of run.notes) printer.info(io.palette.dim(note));
    const revision = run.facts.revision;
    const veto = p.accept?.(run.decision) ?? null;
    if (veto !== null) return finishWithout(printer, 'ok', veto, p, run.stored?.revision ?? revision);
    if (run.drive === null) {
      if (run.decision.kind === 'refuse') {
        // A refusal, not a new verdict: CI must not read a re-run as a second rollback.
        const reason =
          `revision ${revision} was ${run.decision.phase === 'Aborted' ? 'aborted' : 'rolled back'} before (${run.decision.why}): not running it again; ` +
          `${hintCommand('retry', p.hint)} runs it again from step 1, a new revision (another image or template) starts a new run`;
        return finishWithout(printer, 'refused', reason, p, revision, 'refused');
      }
      return finishWithout(printer, 'ok', run.decision.why, p, revision, 'unchanged');
    }
    printer.info(io.palette.dim(run.decision.why));
    // One-off reads: the direct client, not one that starts watches.
    const notifier = await notifierFor(p, p.cluster, lock.identity, (line) => printer.info(io.palette.yellow(line)));
    const inbox = new Inbox();
    for (const r of p.requests ?? []) inbox.push({ kind: 'request', request: r });
    signals.attach(inbox, printer);
    const result = await run.drive({
      exitOnPause: p.exitOnPause,
      timeoutMs: p.timeoutMs,
      onEvent: (e) => {
        printer.event(e);
        notifier.event(e);
      },
      onVerdict: (state) => printer.verdict(finalLine(state, p.clock.now())),
      stop: stop.signal,
      inbox,
    });
    await notifier.flush(NOTIFY_FLUSH_MS);
    return await report(printer, result, p);
  } finally {
    signals.detach();
    watches.abort();
    leaseStop.abort();
    await lock.release();
  }
}

/** How long the last notifications (the verdict's) may take once the run is over, before the process exits. */
const NOTIFY_FLUSH_MS = 10_000;

/** `--notify` and the Rollout's Argo subscriptions; what cannot be honoured is said once, here. */
async function notifierFor(p: ForegroundRun, cluster: Cluster, runner: string, report: (line: string) => void): Promise<Notifier> {
  const argo = await argoNotifications(cluster, p.rollout, p.namespace, p.spec.notificationConfigs);
  const destinations = [...(p.notify ?? []), ...argo.destinations];
  const notifier = new Notifier(destinations, runner, { clock: p.clock, post: (d, body, signal) => postNotification(d, body, p.clock, signal), report });
  for (const problem of argo.problems) report(`warning: notifications: ${problem}`);
  return notifier;
}

/** Takes the rollout's Lease or says who holds it; resolves with the previous holder (for a resumed pause). */
async function takeLease(p: ForegroundRun, lock: Lock, store: StateStore): Promise<LeaseHolder | null> {
  let acquired = await lock.acquire();
  if (!acquired.taken) {
    // A runner killed after it stored its verdict (or exiting right now) still holds a live Lease,
    // but has nothing left to drive: the run it owns is over, so its Lease is ours to take.
    const last = (await store.load()).state;
    if (last && isTerminal(last.phase) && last.owner === acquired.holder.identity) acquired = await lock.acquire(last.owner);
  }
  if (acquired.taken) return acquired.previous;
  const { namespace, rollout } = p;
  const h = acquired.holder;
  const age = h.renewedAt === null ? 'never renewed' : `renewed ${formatDuration(Math.max(0, p.clock.now() - h.renewedAt))} ago`;
  const expires = h.renewedAt === null ? null : h.renewedAt + h.durationMs;
  const gone = expires === null ? '' : `; if that runner is gone (killed), its Lease expires at ${new Date(expires).toISOString().slice(11, 19)}Z and \`canary run\` then resumes`;
  throw new LockedError(`another runner drives Rollout ${namespace}/${rollout.name}: ${h.identity} (${age})`, {
    hint: `watch it with ${hintCommand('status', p.hint, '--watch')}; ${hintCommand('abort', p.hint)} asks it to roll back${gone}`,
  });
}

async function report(printer: RunPrinter, result: DriveResult, p: ForegroundRun): Promise<Outcome> {
  const now = p.clock.now();
  switch (result.outcome) {
    case 'finished':
    case 'paused': {
      const { outcome } = verdictOf(result.state);
      const f = finalLine(result.state, now);
      if (result.outcome === 'paused') {
        f.reason = `${result.state.message}; exiting because of --exit-on-pause (${hintCommand('promote', p.hint)} continues, \`canary run\` resumes)`;
      }
      await printer.done(f, p.io.exitCodeOf(outcome));
      return outcome;
    }
    case 'stopped': {
      if (isTerminal(result.state.phase)) {
        // Stopped while waiting for the canary's scale-down: the verdict stands, the next command scales down.
        printer.info(`${result.reason}: the canary's scale-down is left to the next canary command`);
        await printer.done(finalLine(result.state, now), p.io.exitCodeOf(verdictOf(result.state).outcome));
        return verdictOf(result.state).outcome;
      }
      const lost = result.reason.startsWith('lost the Lease');
      const verdict: Verdict = 'left running';
      const reason = `${result.reason}: the rollout stays at step ${Math.min(result.state.stepIndex + 1, result.state.stepCount)}/${result.state.stepCount}${result.state.weight ? ` with ${result.state.weight}% on the canary` : ''}; \`canary run\` resumes it, ${hintCommand('abort', p.hint)} rolls it back`;
      const outcome: Outcome = lost ? 'locked' : 'aborted';
      await printer.done(finalLine(result.state, now, { verdict, reason }), p.io.exitCodeOf(outcome));
      return outcome;
    }
  }
}

async function finishWithout(printer: RunPrinter, outcome: Outcome, reason: string, p: ForegroundRun, revision: string, verdict: Verdict = 'unchanged'): Promise<Outcome> {
  await printer.done(
    { verdict, name: p.rollout.name, namespace: p.namespace, revision, step: '-', durationMs: 0, reason },
    p.io.exitCodeOf(outcome),
  );
  return outcome;
}

/**
 * Ctrl+C / SIGTERM: the first rolls back (or, with --on-interrupt leave, stops at once); the second
 * stops at once, leaving a state that `canary run` resumes or `canary abort` finishes.
 */
class SignalHandler {
  private count = 0;
  private inbox: Inbox | null = null;
  private printer: RunPrinter | null = null;
  private readonly handler = (signal: NodeJS.Signals) => this.onSignal(signal);

  constructor(
    private readonly io: Io,
    private readonly onInterrupt: 'rollback' | 'leave',
    private readonly stop: AbortController,
  ) {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  attach(inbox: Inbox, printer: RunPrinter): void {
    this.inbox = inbox;
    this.printer = printer;
  }

  detach(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }

  private onSignal(signal: NodeJS.Signals): void {
    this.count++;
    if (this.count === 1 && this.onInterrupt === 'rollback' && this.inbox) {
      this.printer?.info(this.io.palette.yellow(`${signal}: rolling back to stable (send it again to exit now and leave the rollout as it is)`));
      this.inbox.push({ kind: 'interrupted', signal });
      return;
    }
    this.stop.abort(`interrupted by ${signal}`);
  }
}
