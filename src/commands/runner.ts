/**
 * A rollout driven in the foreground: take the Lease, decide how the run begins, drive it to a
 * verdict while printing, and always give the Lease back. Shared by `run`, `retry`, and `abort`
 * when no runner is alive.
 */
import type { Outcome } from '../cli/exit-codes.js';
import { exitCodeOf } from '../cli/exit-codes.js';
import type { Io } from '../cli/io.js';
import { analysisResolver } from '../engine/analysis-resolver.js';
import type { EngineContext } from '../engine/context.js';
import { drive, Inbox, type DriveResult } from '../engine/driver.js';
import { summarizeStep } from '../engine/events.js';
import type { Observation } from '../engine/ports.js';
import { decideStart } from '../engine/start.js';
import { scaleRollout } from '../engine/time-scale.js';
import { isTerminal, type RunRequest } from '../engine/types.js';
import type { Cluster } from '../wiring/cluster.js';
import { createRunPrinter, type RunPrinter } from '../output/printer.js';
import { finalLine, verdictOf, type Verdict } from '../output/verdict.js';
import type { MetricProvider } from '../analysis/provider.js';
import { SourceDoc } from '../manifests/source.js';
import type { JsonObject, JsonValue, RolloutSpec, SpecSet } from '../manifests/types.js';
import type { Clock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import { LockedError } from '../util/errors.js';
import { createRedactor } from '../util/redact.js';

export interface ForegroundRun {
  io: Io;
  clock: Clock;
  cluster: Cluster;
  namespace: string;
  spec: SpecSet;
  /** The Rollout with its namespace resolved (not time-scaled). */
  rollout: RolloutSpec;
  template: JsonObject;
  revision: string;
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
  /** Requests to act on at once (`canary abort` with no live runner). */
  requests?: RunRequest[];
  /** Called with the start decision before anything is driven (e.g. abort refuses to start a new run). */
  accept?: (decision: ReturnType<typeof decideStart>) => string | null;
}

export async function runInForeground(p: ForegroundRun): Promise<Outcome> {
  const { cluster, namespace, rollout, io } = p;
  const scaled = scaleRollout(rollout, p.timeScale);
  const workloads = cluster.workloads(rollout, namespace, { adopt: p.adopt });
  const router = cluster.router(rollout, namespace, { adopt: p.adopt });
  const store = cluster.stateStore(rollout.name, namespace);
  const lock = cluster.lock(rollout.name, namespace);
  const events = cluster.events(rollout.name, namespace);

  let acquired = await lock.acquire();
  if (!acquired.taken) {
    // A runner killed after it stored its verdict (or exiting right now) still holds a live Lease,
    // but has nothing left to drive: the run it owns is over, so its Lease is ours to take.
    const last = (await store.load()).state;
    if (last && isTerminal(last.phase) && last.owner === acquired.holder.identity) acquired = await lock.acquire(last.owner);
  }
  if (!acquired.taken) {
    const h = acquired.holder;
    const age = h.renewedAt === null ? 'never renewed' : `renewed ${formatDuration(Math.max(0, p.clock.now() - h.renewedAt))} ago`;
    const expires = h.renewedAt === null ? null : h.renewedAt + h.durationMs;
    const gone = expires === null ? '' : `; if that runner is gone (killed), its Lease expires at ${new Date(expires).toISOString().slice(11, 19)}Z and \`canary run\` then resumes`;
    throw new LockedError(`another runner drives Rollout ${namespace}/${rollout.name}: ${h.identity} (${age})`, {
      hint: `watch it with \`canary status ${rollout.name} -n ${namespace} --watch\`; \`canary abort ${rollout.name}\` asks it to roll back${gone}`,
    });
  }
  const leaseStop = new AbortController();
  const stop = new AbortController();
  lock.hold(leaseStop.signal, (holder) => stop.abort(`lost the Lease${holder ? ` to ${holder.identity}` : ''}`));
  const signals = new SignalHandler(io, p.onInterrupt, stop);
  let printer: RunPrinter | null = null;
  try {
    const stored = await store.load();
    const obs: Observation = { ...(await workloads.observe()), weight: router ? await router.getWeight() : null, weightVerified: null };
    const ctx: EngineContext = {
      spec: scaled,
      template: p.template,
      revision: p.revision,
      metrics: new Map(),
      analysisErrors: new Map(),
      redactor: createRedactor([]),
      now: p.clock.now(),
      owner: lock.identity,
      timeScale: p.timeScale,
      routeKind: router?.objectKind ?? null,
    };
    const decision = decideStart({
      stored: stored.state,
      obs,
      ctx,
      runId: `${p.revision}-${p.clock.now().toString(36)}`,
      retry: p.retry,
      lastAliveAt: acquired.previous?.renewedAt ?? null,
      images: { canary: imagesOf(p.template), stable: obs.stable?.images ?? [] },
    });
    const veto = p.accept?.(decision) ?? null;
    const rolloutName = `${namespace}/${rollout.name}`;
    printer = await createRunPrinter({
      mode: p.output === 'json' ? 'json' : io.stdout.isTTY && !io.env.CI ? 'tty' : 'lines',
      stdout: io.stdout,
      stderr: io.stderr,
      palette: io.palette,
      errPalette: io.errPalette,
      env: io.env,
      clock: p.clock,
      rollout: rolloutName,
      name: rollout.name,
      steps: scaled.canary.steps.map(summarizeStep),
    });
    if (veto !== null) return finishWithout(printer, 'ok', veto, p, stored.state?.revision ?? p.revision);
    switch (decision.kind) {
      case 'noop':
        return finishWithout(printer, 'ok', decision.why, p, p.revision, 'unchanged');
      case 'refuse': {
        const outcome = decision.phase === 'Aborted' ? 'aborted' : 'rolledBack';
        const reason = `revision ${p.revision} was rolled back before (${decision.why}); \`canary retry ${rollout.name}\` runs it again, a new revision starts over`;
        return finishWithout(printer, outcome, reason, p, p.revision, decision.phase === 'Aborted' ? 'aborted' : 'rolled back');
      }
      case 'new':
      case 'resume':
        break;
    }
    printer.info(io.palette.dim(decision.why));
    const inbox = new Inbox();
    for (const r of p.requests ?? []) inbox.push({ kind: 'request', request: r });
    signals.attach(inbox, printer);
    const result = await drive(
      decision.state,
      {
        resumed: decision.kind === 'resume',
        images: imagesOf(p.template),
        spec: scaled,
        template: p.template,
        revision: p.revision,
        owner: lock.identity,
        timeScale: p.timeScale,
        exitOnPause: p.exitOnPause,
        timeoutMs: p.timeoutMs,
        manifests: p.manifests,
        onEvent: (e) => printer!.event(e),
      },
      {
        workloads,
        router,
        store,
        events,
        provider: p.provider,
        clock: p.clock,
        resolveAnalysis: analysisResolver({
          spec: rollout,
          templates: p.spec.templates,
          secrets: cluster.secrets(),
          context: {
            namespace,
            rollout: rolloutObject(rollout),
            podTemplateHash: { stable: obs.stable?.revision ?? null, latest: p.revision },
          },
          timeScale: p.timeScale,
        }),
      },
      { stop: stop.signal, inbox },
    );
    return await report(printer, result, p);
  } finally {
    signals.detach();
    leaseStop.abort();
    await lock.release();
  }
}

async function report(printer: RunPrinter, result: DriveResult, p: ForegroundRun): Promise<Outcome> {
  const now = p.clock.now();
  switch (result.outcome) {
    case 'finished':
    case 'paused': {
      const { outcome } = verdictOf(result.state);
      const f = finalLine(result.state, now);
      if (result.outcome === 'paused') {
        f.reason = `${result.state.message}; exiting because of --exit-on-pause (\`canary promote ${p.rollout.name}\` continues, \`canary run\` resumes)`;
      }
      await printer.done(f, exitCodeOf(outcome));
      return outcome;
    }
    case 'stopped': {
      const lost = result.reason.startsWith('lost the Lease');
      const verdict: Verdict = 'left running';
      const reason = `${result.reason}: the rollout stays at step ${Math.min(result.state.stepIndex + 1, result.state.stepCount)}/${result.state.stepCount}${result.state.weight ? ` with ${result.state.weight}% on the canary` : ''}; \`canary run\` resumes it, \`canary abort ${p.rollout.name}\` rolls it back`;
      const outcome: Outcome = lost ? 'locked' : 'aborted';
      await printer.done(finalLine(result.state, now, { verdict, reason }), exitCodeOf(outcome));
      return outcome;
    }
  }
}

async function finishWithout(printer: RunPrinter, outcome: Outcome, reason: string, p: ForegroundRun, revision: string, verdict: Verdict = 'unchanged'): Promise<Outcome> {
  await printer.done(
    { verdict, name: p.rollout.name, namespace: p.namespace, revision, step: '-', durationMs: 0, reason },
    exitCodeOf(outcome),
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

function imagesOf(template: JsonObject): string[] {
  const spec = template.spec as { containers?: { image?: string }[] } | undefined;
  return (spec?.containers ?? []).map((c) => c.image ?? '');
}

/** The Rollout as a JSON object, for `valueFrom.fieldRef` args (metadata.*, spec.*). */
function rolloutObject(rollout: RolloutSpec): JsonValue | null {
  return rollout.source instanceof SourceDoc ? (rollout.source.value as JsonValue) : null;
}
