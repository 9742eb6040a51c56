/** The rollout engine end to end with in-memory ports and a fake clock (Argo's acceptance list). */
import { harness, kinds, runFor, runUntilDone, start } from '../support/engine.js';
import { providerError, ScriptedProvider, vector } from '../support/fake-cluster.js';
import { SEED, seedWith } from '../support/spec.js';

const NEW = 'example/myapp:2';

describe('first deploy', () => {
  it('creates stable at full size, no steps, no analysis, route at 0', async () => {
    const h = harness(SEED);
    const s = await start(h);
    expect(s.decision.kind).toBe('new');
    const r = await runUntilDone(h, s);
    expect(r.outcome).toBe('finished');
    expect(r.state.phase).toBe('Healthy');
    expect(r.state.mode).toBe('initial');
    expect(r.state.analyses).toEqual([]);
    // The Services move to the stable pods only once all are available (Argo adopts a Service so).
    expect(h.cluster.log).toEqual(['ensure stable ' + s.revision + ' x2', 'weight 0', 'route stable->stable', 'route canary->stable']);
    expect(h.provider.calls).toEqual([]);
  });
});

describe('nothing to do', () => {
  it('an unchanged template is a no-op', async () => {
    const h = harness(SEED);
    const first = await start(h);
    await runUntilDone(h, first);
    const again = await start(h);
    expect(again.decision).toEqual({ kind: 'noop', why: `nothing to do: revision ${first.revision} is already the stable revision` });
  });
});

describe('a canary release', () => {
  async function deployed() {
    const h = harness(SEED);
    await runUntilDone(h, await start(h));
    h.cluster.log.length = 0;
    return h;
  }

  it('walks the steps: weight only after the canary is available, timed pause, indefinite pause, promote, promotion order', async () => {
    const h = await deployed();
    const s = await start(h, { image: NEW });
    expect(s.decision.kind).toBe('new');
    await runFor(h, 40_000);
    // setWeight 10 (1 of 2 pods), 30 s pause, setWeight 50 (1 pod), then the indefinite pause.
    expect(h.store.run.state?.phase).toBe('Paused');
    expect(h.store.run.state?.stepIndex).toBe(3);
    const log = h.cluster.log;
    expect(log.slice(0, 3)).toEqual([`ensure canary ${s.revision} x1`, 'route canary->canary', 'weight 10']);
    expect(log).toContain('weight 50');
    await h.store.request({ id: 'p1', kind: 'promote', at: h.clock.now(), by: 'alice@laptop', reason: null });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Healthy');
    const tail = h.cluster.log.slice(h.cluster.log.indexOf('weight 50') + 1);
    expect(tail).toEqual([
      `ensure canary ${s.revision} x2`,
      'weight 100',
      `ensure stable ${s.revision} x2`,
      'weight 0',
      'route canary->stable',
      'scale canary x0',
    ]);
    // Background analysis ran and was terminated Successful at the end of the steps (as Argo: not shown as Terminated).
    expect(r.state.analyses.map((a) => [a.id, a.phase, a.terminatedBy])).toEqual([['background', 'Successful', 'promotion']]);
    expect(h.events.filter((e) => e.kind === 'analysisCompleted')).toEqual([expect.objectContaining({ terminated: false })]);
    expect(kinds(h.events)).toContain('requestReceived');
    expect(h.kube.events.map((e) => e.reason)).toEqual(expect.arrayContaining(['RolloutStepCompleted', 'TrafficWeightUpdated', 'RolloutPaused', 'RolloutResumed', 'RolloutCompleted']));
  });

  it('a failing metric rolls back at once: weight 0, canary Service back to stable, the verdict, then the canary scaled down after the delay', async () => {
    const h = harness(SEED, new ScriptedProvider(() => vector(3)));
    await runUntilDone(h, await start(h));
    h.cluster.log.length = 0;
    h.events.length = 0;
    const s = await start(h, { image: NEW });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Degraded');
    expect(r.state.rollback?.cause).toBe('analysis');
    expect(r.state.message).toMatch(/errors.*result \[3\].*failureCondition/);
    expect(h.cluster.weight).toBe(0);
    expect(h.cluster.services.canary).toBe('stable');
    expect(h.cluster.deployments.canary?.replicas).toBe(0);
    const w0 = h.cluster.log.lastIndexOf('weight 0');
    expect(w0).toBeLessThan(h.cluster.log.indexOf('scale canary x0'));
    // The verdict as soon as traffic is back on stable; the canary's scale-down after abortScaleDownDelaySeconds.
    const rolled = h.events.find((e) => e.kind === 'rollingBack')!;
    const finished = h.events.find((e) => e.kind === 'finished')!;
    const scheduled = h.events.find((e) => e.kind === 'scaleDownScheduled')!;
    const scaled = h.events.find((e) => e.kind === 'scaledDown')!;
    expect(finished.at - rolled.at).toBeLessThan(5_000);
    expect(kinds(h.events).slice(kinds(h.events).indexOf('finished'))).toEqual(['finished', 'scaleDownScheduled', 'scaledDown']);
    expect(scheduled).toMatchObject({ due: finished.at + 30_000, delay: 'abortScaleDownDelaySeconds', left: false });
    expect(scaled.at).toBeGreaterThanOrEqual(finished.at + 30_000);
    expect(r.state.scaleDown).toBeNull();
  });

  it('a dead Prometheus errors 5 times in a row, then rolls back (consecutiveErrorLimit 4)', async () => {
    const h = harness(SEED, new ScriptedProvider(() => providerError('Prometheus http://p:9090 is unreachable: connect ECONNREFUSED')));
    await runUntilDone(h, await start(h));
    const s = await start(h, { image: NEW });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Degraded');
    expect(h.provider.calls.length).toBe(5);
    expect(r.state.message).toMatch(/unreachable/);
  });

  it('abort during a pause rolls back and ends Aborted', async () => {
    const h = await deployed();
    const s = await start(h, { image: NEW });
    await runFor(h, 10_000);
    expect(h.store.run.state?.phase).toBe('Paused');
    await h.store.request({ id: 'a1', kind: 'abort', at: h.clock.now(), by: 'bob', reason: 'error budget' });
    await runFor(h, 1_000);
    expect(h.cluster.weight).toBe(0);
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Aborted');
    expect(r.state.message).toMatch(/aborted by bob: error budget/);
    // The background analysis was cut short by the rollback: Terminated, not a success (issue 16 item 1).
    expect(r.state.analyses.map((a) => [a.id, a.phase, a.terminatedBy])).toEqual([['background', 'Successful', 'rollback']]);
    const done = h.events.filter((e) => e.kind === 'analysisCompleted');
    expect(done).toEqual([expect.objectContaining({ runId: 'background', terminated: true, counts: expect.objectContaining({ failed: 0 }) })]);
    expect(h.kube.events.map((e) => e.reason)).toContain('AnalysisRunTerminated');
  });

  it("an abort's Kubernetes Events are sent after the pass's writes: the weight 0 does not queue behind them (issue 15)", async () => {
    const h = await deployed();
    const record = h.kube.record.bind(h.kube);
    h.kube.record = async (type, reason, message) => {
      h.cluster.log.push(`EVENT ${reason}`);
      return record(type, reason, message);
    };
    await start(h, { image: NEW });
    await runFor(h, 10_000);
    const from = h.cluster.log.length;
    await h.store.request({ id: 'a1', kind: 'abort', at: h.clock.now(), by: 'bob', reason: null });
    await runFor(h, 1_000);
    const after = h.cluster.log.slice(from);
    const weight0 = after.findIndex((l) => /weight.* 0\b/.test(l));
    const firstEvent = after.findIndex((l) => l.startsWith('EVENT '));
    expect({ weight0: weight0 >= 0, firstEvent: firstEvent >= 0 }).toEqual({ weight0: true, firstEvent: true });
    expect(firstEvent).toBeGreaterThan(weight0);
    // None is lost: the abort's own are among them.
    expect(after.filter((l) => l.startsWith('EVENT ')).length).toBeGreaterThanOrEqual(2);
  });

  it('re-running an aborted revision is refused until retry', async () => {
    const h = await deployed();
    const s = await start(h, { image: NEW });
    await runFor(h, 5_000);
    await h.store.request({ id: 'a1', kind: 'abort', at: h.clock.now(), by: 'bob', reason: null });
    await runUntilDone(h, s);
    const again = await start(h, { image: NEW });
    expect(again.decision.kind).toBe('refuse');
    const retried = await start(h, { image: NEW, retry: true });
    expect(retried.decision.kind).toBe('new');
    retried.stop.abort();
  });

  it('exits at an indefinite pause with --exit-on-pause, and a new runner resumes there', async () => {
    const h = await deployed();
    const s = await start(h, { image: NEW, exitOnPause: true });
    const r = await runUntilDone(h, s);
    expect(r.outcome).toBe('paused');
    expect(r.state.stepIndex).toBe(3);
    const resumed = await start(h, { image: NEW });
    expect(resumed.decision.kind).toBe('resume');
    await h.store.request({ id: 'p', kind: 'promote', at: h.clock.now(), by: 'ci', reason: null });
    const done = await runUntilDone(h, resumed);
    expect(done.state.phase).toBe('Healthy');
  });
});

describe('first-class timing', () => {
  it('a timed pause resumed by another runner keeps its remaining time', async () => {
    const yaml = seedWith([['        - pause: {}\n', '']]);
    const h = harness(yaml);
    await runUntilDone(h, await start(h));
    const s = await start(h, { image: NEW });
    await runFor(h, 12_000); // weight 10 after 2 s, then 10 s into the 30 s pause
    s.stop.abort('killed');
    await s.result;
    const killedAt = h.clock.now();
    await runFor(h, 60_000); // the runner is gone for a minute
    const resumed = await start(h, { image: NEW, lastAliveAt: killedAt });
    expect(resumed.decision.kind).toBe('resume');
    const pauseStart = h.clock.now();
    await runFor(h, 15_000);
    expect(h.store.run.state?.stepIndex).toBe(1); // still pausing: ~20 s were left
    await runFor(h, 10_000);
    expect(h.store.run.state?.stepIndex).toBeGreaterThan(1);
    expect(h.clock.now() - pauseStart).toBeLessThan(30_000);
    resumed.stop.abort();
  });
});
