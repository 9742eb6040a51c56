/** Runs the engine with in-memory ports and a fake clock, for scenario tests. */
import { staticSecrets } from '../../src/analysis/secrets.js';
import type { DriveResult } from '../../src/engine/driver.js';
import type { RunEvent } from '../../src/engine/events.js';
import { Inbox } from '../../src/engine/inbox.js';
import { withImages } from '../../src/engine/revision.js';
import { openRun } from '../../src/engine/session.js';
import type { StartDecision } from '../../src/engine/start.js';
import type { RunState } from '../../src/engine/types.js';
import { isResolved, type JsonObject, type ResolvedRollout, type RolloutSpec, type SpecSet } from '../../src/manifests/types.js';
import { EventLog, FakeCluster, MemoryStore, ScriptedProvider, vector } from './fake-cluster.js';
import { FakeClock, settle } from './fake-clock.js';
import { errors, specFrom } from './spec.js';

export interface Harness {
  clock: FakeClock;
  cluster: FakeCluster;
  store: MemoryStore;
  events: RunEvent[];
  kube: EventLog;
  provider: ScriptedProvider;
  spec: SpecSet;
}

export function harness(yaml: string, provider = new ScriptedProvider(() => vector())): Harness {
  const clock = new FakeClock();
  const { spec, issues } = specFrom(yaml);
  const errs = errors(issues);
  if (errs.length) throw new Error(`test spec is invalid:\n${errs.join('\n')}`);
  return { clock, cluster: new FakeCluster(clock), store: new MemoryStore(), events: [], kube: new EventLog(), provider, spec };
}

export interface Started {
  decision: StartDecision;
  result: Promise<DriveResult> | null;
  inbox: Inbox;
  stop: AbortController;
  revision: string;
  /** The state the driver reported its verdict with (onVerdict), and the number of events seen by then. */
  verdict: { state: RunState; eventsBefore: number } | null;
  notes: string[];
}

export async function start(
  h: Harness,
  options: { image?: string; exitOnPause?: boolean; timeoutMs?: number; retry?: boolean; owner?: string; rollout?: RolloutSpec; lastAliveAt?: number; leaveScaleDown?: boolean } = {},
): Promise<Started> {
  const rollout = resolved(options.rollout ?? h.spec.rollouts[0]!);
  const template = options.image ? (withImages(rollout.template, [['*', options.image]]).template as JsonObject) : rollout.template;
  const run = await openRun(
    {
      rollout,
      templates: h.spec.templates,
      template,
      timeScale: 1,
      owner: options.owner ?? 'test-runner',
      retry: options.retry ?? false,
      lastAliveAt: options.lastAliveAt ?? h.store.run.state?.updatedAt ?? null,
      runId: `run-${h.clock.now()}`,
      ...(options.leaveScaleDown ? { leaveScaleDown: true } : {}),
    },
    {
      workloads: h.cluster.workloads,
      router: rollout.strategy.kind === 'canary' && rollout.strategy.trafficRouting.kind !== 'none' ? h.cluster.router : null,
      store: h.store,
      events: h.kube,
      provider: h.provider,
      clock: h.clock,
      secrets: staticSecrets({}),
    },
  );
  const inbox = new Inbox();
  const stop = new AbortController();
  const revision = run.facts.revision;
  const started: Started = { decision: run.decision, result: null, inbox, stop, revision, verdict: null, notes: run.notes };
  if (!run.drive) return started;
  started.result = run.drive({
    exitOnPause: options.exitOnPause ?? false,
    timeoutMs: options.timeoutMs ?? null,
    onEvent: (e) => h.events.push(e),
    onVerdict: (state) => (started.verdict = { state, eventsBefore: h.events.length }),
    stop: stop.signal,
    inbox,
  });
  await settle();
  return started;
}

/** Advances the fake clock in steps until the run settles or `maxMs` passes. */
export async function runUntilDone(h: Harness, s: Started, maxMs = 3_600_000, stepMs = 1_000): Promise<DriveResult> {
  let done: DriveResult | null = null;
  let failed: { error: unknown } | null = null;
  s.result!.then(
    (r) => (done = r),
    (error: unknown) => (failed = { error }),
  );
  for (let t = 0; t < maxMs && !done && !failed; t += stepMs) {
    await h.clock.advance(stepMs);
  }
  await settle();
  if (failed) throw (failed as { error: unknown }).error;
  if (!done) throw new Error(`run did not finish within ${maxMs} ms; last phase ${h.store.run.state?.phase}; log:\n${h.cluster.log.join('\n')}`);
  return done;
}

export async function runFor(h: Harness, ms: number, stepMs = 1_000): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) await h.clock.advance(stepMs);
}

export function kinds(events: RunEvent[]): string[] {
  return events.map((e) => e.kind);
}

/** A Rollout of the test's YAML with its template written inline (the tests' Rollouts are). */
export function resolved(r: RolloutSpec): ResolvedRollout {
  if (!isResolved(r)) throw new Error(`test setup: Rollout ${r.name} has no inline template`);
  return r;
}
