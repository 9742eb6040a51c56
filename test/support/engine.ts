/** Runs the engine with in-memory ports and a fake clock, for scenario tests. */
import { analysisResolver } from '../../src/engine/analysis-resolver.js';
import type { EngineContext } from '../../src/engine/context.js';
import { drive, Inbox, type DriveResult } from '../../src/engine/driver.js';
import type { RunEvent } from '../../src/engine/events.js';
import { decideStart, type StartDecision } from '../../src/engine/start.js';
import { templateRevision, withImages } from '../../src/engine/revision.js';
import { staticSecrets } from '../../src/analysis/secrets.js';
import type { JsonObject, RolloutSpec, SpecSet } from '../../src/manifests/types.js';
import { createRedactor } from '../../src/util/redact.js';
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
}

export async function start(
  h: Harness,
  options: { image?: string; exitOnPause?: boolean; timeoutMs?: number; retry?: boolean; owner?: string; rollout?: RolloutSpec; lastAliveAt?: number } = {},
): Promise<Started> {
  const rollout = options.rollout ?? h.spec.rollouts[0]!;
  const template = options.image ? (withImages(rollout.template, [['*', options.image]]).template as JsonObject) : rollout.template;
  const revision = templateRevision(template);
  const owner = options.owner ?? 'test-runner';
  const ctx: EngineContext = {
    spec: rollout,
    template,
    revision,
    metrics: new Map(),
    analysisErrors: new Map(),
    redactor: createRedactor([]),
    now: h.clock.now(),
    owner,
    timeScale: 1,
    routeKind: rollout.canary.trafficRouting.kind === 'none' ? null : h.cluster.router.objectKind,
  };
  const stored = await h.store.load();
  const w = await h.cluster.workloads.observe();
  const obs = { ...w, weight: h.cluster.weight, weightVerified: null };
  const decision = decideStart({
    stored: stored.state,
    obs,
    ctx,
    runId: `run-${h.clock.now()}`,
    retry: options.retry ?? false,
    lastAliveAt: options.lastAliveAt ?? stored.state?.updatedAt ?? null,
    images: { canary: [], stable: [] },
  });
  const inbox = new Inbox();
  const stop = new AbortController();
  if (decision.kind !== 'new' && decision.kind !== 'resume') return { decision, result: null, inbox, stop, revision };
  const result = drive(
    decision.state,
    {
      spec: rollout,
      template,
      revision,
      owner,
      timeScale: 1,
      exitOnPause: options.exitOnPause ?? false,
      timeoutMs: options.timeoutMs ?? null,
      onEvent: (e) => h.events.push(e),
    },
    {
      workloads: h.cluster.workloads,
      router: rollout.canary.trafficRouting.kind === 'none' ? null : h.cluster.router,
      store: h.store,
      events: h.kube,
      provider: h.provider,
      clock: h.clock,
      resolveAnalysis: analysisResolver({
        spec: rollout,
        templates: h.spec.templates,
        secrets: staticSecrets({}),
        context: { namespace: 'apps', rollout: null, podTemplateHash: { stable: null, latest: revision } },
        timeScale: 1,
      }),
    },
    { stop: stop.signal, inbox },
  );
  await settle();
  return { decision, result, inbox, stop, revision };
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
