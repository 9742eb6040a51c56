/**
 * Argo's acceptance list (reference/argo-rollouts.md section 6), scenario by scenario, with in-memory
 * ports and a fake clock.
 */
import { harness, runFor, runUntilDone, start, type Harness } from '../support/engine.js';
import { providerError, ScriptedProvider, vector } from '../support/fake-cluster.js';
import { rolloutYaml, templateYaml } from '../support/spec.js';
import { UnreachableError } from '../../src/util/errors.js';
import type { ProviderResult } from '../../src/analysis/provider.js';

const NEW = 'example/myapp:2';

async function deployed(yaml: string, answer: (q: string, n: number) => ProviderResult = () => vector()): Promise<Harness> {
  const h = harness(yaml, new ScriptedProvider(answer));
  await runUntilDone(h, await start(h));
  h.cluster.log.length = 0;
  h.events.length = 0;
  return h;
}

describe('step analysis', () => {
  const yaml = (metric: string[]) =>
    rolloutYaml({
      steps: ['setWeight: 20', 'analysis: {templates: [{templateName: check}]}', 'setWeight: 50'],
      docs: [templateYaml('check', metric)],
    });

  it('Successful advances to the next step', async () => {
    const h = await deployed(yaml(['interval: 5s', 'count: 2', 'successCondition: result[0] < 1']), () => vector(0));
    const r = await runUntilDone(h, await start(h, { image: NEW }));
    expect(r.state.phase).toBe('Healthy');
    expect(r.state.analyses.map((a) => [a.id, a.phase, a.metrics[0]!.count])).toEqual([['step-2', 'Successful', 2]]);
    expect(h.cluster.log).toContain('weight 50');
  });

  it('Failed aborts: weight back to 0 without reaching the next step', async () => {
    const h = await deployed(yaml(['successCondition: result[0] < 1']), () => vector(5));
    const r = await runUntilDone(h, await start(h, { image: NEW }));
    expect(r.state.phase).toBe('Degraded');
    expect(h.cluster.log).not.toContain('weight 50');
    expect(r.state.message).toMatch(/analysis step-2 failed: .*result \[5\]/);
    expect(h.cluster.weight).toBe(0);
  });

  it('Inconclusive pauses until promote, which moves on to the next step', async () => {
    const h = await deployed(yaml(['successCondition: result[0] < 1', 'failureCondition: result[0] > 10']), () => vector(5));
    const s = await start(h, { image: NEW });
    await runFor(h, 20_000);
    expect(h.store.run.state?.phase).toBe('Paused');
    expect(h.store.run.state?.pause?.reason).toBe('InconclusiveAnalysis');
    expect(h.store.run.state?.message).toMatch(/inconclusive/);
    await h.store.request({ id: 'p', kind: 'promote', at: h.clock.now(), by: 'ci', reason: null });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Healthy');
    expect(h.cluster.log).toContain('weight 50');
  });

  it('an analysis whose template needs an arg nobody supplies ends in Error and rolls back', async () => {
    const t = templateYaml('check', ['successCondition: result[0] < 1']).replace('spec:\n', 'spec:\n  args: [{name: who}]\n');
    const h = await deployed(rolloutYaml({ steps: ['setWeight: 20', 'analysis: {templates: [{templateName: check}], args: [{name: who, value: x}]}'], docs: [t] }));
    // Break the reference after validation: the runtime resolution must fail cleanly, not crash.
    const rollout = h.spec.rollouts[0]!;
    if (rollout.strategy.kind !== 'canary') throw new Error('a canary Rollout');
    const step = rollout.strategy.steps[1]!;
    if (step.kind === 'analysis') step.analysis.args = [];
    const r = await runUntilDone(h, await start(h, { image: NEW }));
    expect(r.state.phase).toBe('Degraded');
    expect(r.state.message).toMatch(/errored: .*who/);
  });
});

describe('background analysis', () => {
  it('starts at startingStep, not before, and is terminated Successful when the steps end', async () => {
    const yaml = rolloutYaml({
      steps: ['setWeight: 20', 'pause: {duration: 20s}', 'setWeight: 60', 'pause: {duration: 20s}'],
      background: { template: 'bg', startingStep: 2 },
      docs: [templateYaml('bg', ['interval: 5s', 'failureCondition: result[0] > 0'])],
    });
    const h = await deployed(yaml, () => vector(0));
    const s = await start(h, { image: NEW });
    await runFor(h, 15_000);
    expect(h.provider.calls).toEqual([]);
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Healthy');
    const bg = r.state.analyses.find((a) => a.id === 'background')!;
    expect(bg.phase).toBe('Successful');
    expect(bg.metrics[0]!.count).toBeGreaterThanOrEqual(4);
  });
});

describe('background analysis with startingStep equal to the number of steps (issue 13 item 11)', () => {
  const yaml = rolloutYaml({
    steps: ['setWeight: 20', 'pause: {duration: 20s}'],
    background: { template: 'bg', startingStep: 2 },
    docs: [templateYaml('bg', ['interval: 5s', 'failureCondition: result[0] > 0'])],
  });

  it('starts once the steps are done, and the promotion terminates it (Argo\'s e2e TestCanaryPromoteFull relies on the value)', async () => {
    const h = await deployed(yaml, () => vector(0));
    const r = await runUntilDone(h, await start(h, { image: NEW }));
    expect(r.state.phase).toBe('Healthy');
    expect(r.state.analyses.map((a) => [a.id, a.phase, a.message])).toEqual([['background', 'Successful', 'Run Terminated']]);
    const started = h.events.findIndex((e) => e.kind === 'analysisStarted');
    const promoting = h.events.findIndex((e) => e.kind === 'promoting');
    expect(started).toBeGreaterThan(h.events.findIndex((e) => e.kind === 'stepCompleted' && e.index === 1));
    expect(started).toBeLessThan(promoting);
  });

  it('is never started by promote --full', async () => {
    const h = await deployed(yaml, () => vector(0));
    const s = await start(h, { image: NEW });
    await runFor(h, 5_000);
    await h.store.request({ id: 'p', kind: 'promoteFull', at: h.clock.now(), by: 'ci', reason: null });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Healthy');
    expect(r.state.analyses).toEqual([]);
  });
});

describe('several metrics in one analysis (issue 13 item 1)', () => {
  // `unsure` answers 2 (neither condition holds), `bad` answers 3 (its failureCondition holds).
  const docs = [
    templateYaml('unsure', ['count: 1', 'successCondition: result[0] == 0', 'failureCondition: result[0] > 2'], 'unsure'),
    templateYaml('bad', ['count: 1', 'successCondition: result[0] == 0', 'failureCondition: result[0] > 2'], 'bad'),
  ];
  const answer = (q: string) => vector(q === 'unsure-query' ? 2 : 3);
  const refs = (order: string[]) => `{templates: [${order.map((t) => `{templateName: ${t}}`).join(', ')}]}`;

  it.each([[['unsure', 'bad']], [['bad', 'unsure']]])('a step analysis of %p rolls back (Failed beats Inconclusive)', async (order) => {
    const h = await deployed(rolloutYaml({ steps: ['setWeight: 20', `analysis: ${refs(order)}`, 'setWeight: 50'], docs }), answer);
    const r = await runUntilDone(h, await start(h, { image: NEW }));
    expect(r.state.phase).toBe('Degraded');
    expect(r.state.analyses.map((a) => [a.id, a.phase])).toEqual([['step-2', 'Failed']]);
    expect(r.state.message).toMatch(/analysis step-2 failed: metric bad: result \[3\]/);
  });

  it.each([[['unsure', 'bad']], [['bad', 'unsure']]])('a background analysis of %p rolls back (Failed beats Inconclusive)', async (order) => {
    const background = `      analysis: ${refs(order)}`;
    const yaml = rolloutYaml({ steps: ['setWeight: 20', 'pause: {duration: 20s}'], docs }).replace('      steps:\n', `${background}\n      steps:\n`);
    const h = await deployed(yaml, answer);
    const r = await runUntilDone(h, await start(h, { image: NEW }));
    expect(r.state.phase).toBe('Degraded');
    expect(r.state.analyses.map((a) => [a.id, a.phase])).toEqual([['background', 'Failed']]);
  });
});

describe('metric limits', () => {
  const yaml = (limits: string[]) =>
    rolloutYaml({
      steps: ['setWeight: 20', 'analysis: {templates: [{templateName: check}]}'],
      docs: [templateYaml('check', ['interval: 5s', 'successCondition: result[0] < 1', ...limits])],
    });

  it.each([
    ['failureLimit 0: the first failure fails', ['count: 5'], [0, 5], 'Degraded', 2],
    ['failureLimit 2 tolerates two failures', ['count: 5', 'failureLimit: 2'], [5, 5, 0, 0, 0], 'Healthy', 5],
    ['failureLimit 2: the third failure fails', ['count: 5', 'failureLimit: 2'], [5, 5, 5], 'Degraded', 3],
    ['failureLimit -1 with consecutiveSuccessLimit 2', ['count: 6', 'failureLimit: -1', 'consecutiveSuccessLimit: 2'], [5, 0, 5, 0, 0], 'Healthy', 5],
  ] as const)('%s', async (_name, limits, values, phase, measured) => {
    const h = await deployed(yaml([...limits]), (_q, n) => vector(values[n] ?? 0));
    const r = await runUntilDone(h, await start(h, { image: NEW }));
    expect(r.state.phase).toBe(phase);
    expect(h.provider.calls.length).toBe(measured);
  });

  it('errors do not use up count, and are retried after 10 s', async () => {
    const h = await deployed(yaml(['count: 2']), (_q, n) => (n < 2 ? providerError('timeout') : vector(0)));
    const s = await start(h, { image: NEW });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Healthy');
    const m = r.state.analyses[0]!.metrics[0]!;
    expect([m.count, m.error, m.successful]).toEqual([2, 2, 2]);
  });
});

describe('dry-run metrics', () => {
  it('a failing dry-run metric never fails the run', async () => {
    const t = templateYaml('check', ['count: 2', 'interval: 5s', 'successCondition: result[0] < 1']).replace('spec:\n', 'spec:\n  dryRun: [{metricName: m}]\n');
    const h = await deployed(rolloutYaml({ steps: ['setWeight: 20', 'analysis: {templates: [{templateName: check}]}'], docs: [t] }), () => vector(9));
    const r = await runUntilDone(h, await start(h, { image: NEW }));
    expect(r.state.phase).toBe('Healthy');
    const run = r.state.analyses[0]!;
    expect(run.phase).toBe('Successful');
    expect(run.metrics[0]!.dryRun).toBe(true);
    expect(run.metrics[0]!.failed).toBeGreaterThan(0);
  });
});

describe('promote --full', () => {
  it('skips the remaining steps and analysis', async () => {
    const yaml = rolloutYaml({
      steps: ['setWeight: 20', 'pause: {}', 'setWeight: 40', 'analysis: {templates: [{templateName: check}]}', 'setWeight: 60'],
      docs: [templateYaml('check', ['successCondition: result[0] < 1'])],
    });
    const h = await deployed(yaml, () => vector(5));
    const s = await start(h, { image: NEW });
    await runFor(h, 10_000);
    await h.store.request({ id: 'f', kind: 'promoteFull', at: h.clock.now(), by: 'ci', reason: null });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Healthy');
    expect(h.cluster.log).not.toContain('weight 40');
    expect(h.provider.calls).toEqual([]);
    expect(r.state.promotion?.full).toBe(true);
  });
});

describe('rollback to stable', () => {
  it('re-applying the stable template while a canary runs undoes it with no steps', async () => {
    const yaml = rolloutYaml({ steps: ['setWeight: 20', 'pause: {}'] });
    const h = await deployed(yaml);
    const s = await start(h, { image: NEW });
    await runFor(h, 5_000);
    expect(h.cluster.weight).toBe(20);
    s.stop.abort('killed');
    await s.result;
    const back = await start(h); // the original template again
    expect(back.decision.kind).toBe('new');
    const r = await runUntilDone(h, back);
    expect(r.state.mode).toBe('rollbackToStable');
    expect(r.state.phase).toBe('Healthy');
    expect(h.cluster.weight).toBe(0);
    expect(h.cluster.deployments.canary?.replicas).toBe(0);
  });
});

describe('progress deadline', () => {
  const yaml = (abort: boolean) =>
    rolloutYaml({ steps: ['setWeight: 50', 'pause: {duration: 10s}'], spec: ['progressDeadlineSeconds: 60', ...(abort ? ['progressDeadlineAbort: true'] : [])] });

  it('with progressDeadlineAbort: a canary that never becomes ready is rolled back', async () => {
    const h = await deployed(yaml(true));
    const s = await start(h, { image: NEW });
    h.cluster.crashing.add(s.revision);
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Degraded');
    expect(r.state.rollback?.cause).toBe('deadline');
    expect(r.state.message).toMatch(/ProgressDeadlineExceeded: myapp-canary has 0\/1 pods available after 1m \(CrashLoopBackOff\)/);
    expect(h.cluster.log).not.toContain('weight 50');
  });

  it('without it: reported, and the run keeps waiting', async () => {
    const h = await deployed(yaml(false));
    const s = await start(h, { image: NEW });
    h.cluster.crashing.add(s.revision);
    await runFor(h, 120_000);
    expect(h.store.run.state?.phase).toBe('Progressing');
    expect(h.store.run.state?.progress.exceeded).toBe(true);
    expect(h.kube.events.some((e) => e.reason === 'ProgressDeadlineExceeded')).toBe(true);
    h.cluster.crashing.delete(s.revision); // fixed (e.g. a missing secret appeared)
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Healthy');
  });

  it('does not count while paused', async () => {
    const h = await deployed(rolloutYaml({ steps: ['setWeight: 50', 'pause: {duration: 5m}', 'setWeight: 80'], spec: ['progressDeadlineSeconds: 60', 'progressDeadlineAbort: true'] }));
    const r = await runUntilDone(h, await start(h, { image: NEW }));
    expect(r.state.phase).toBe('Healthy');
  });
});

describe('replica counts', () => {
  it('follow the weight (ceil), stable stays full without dynamicStableScale', async () => {
    const h = await deployed(rolloutYaml({ replicas: 10, steps: ['setWeight: 5', 'pause: {duration: 5s}', 'setWeight: 33', 'pause: {duration: 5s}'] }));
    const s = await start(h, { image: NEW });
    await runUntilDone(h, s);
    const canary = h.cluster.log.filter((l) => l.startsWith('ensure canary')).map((l) => l.split(' x')[1]);
    expect(canary).toEqual(['1', '4', '10']);
    expect(h.cluster.log.some((l) => l.startsWith('scale stable'))).toBe(false);
  });

  it('dynamicStableScale shrinks stable only after traffic moved', async () => {
    const h = await deployed(rolloutYaml({ replicas: 4, canary: ['dynamicStableScale: true'], steps: ['setWeight: 50', 'pause: {duration: 5s}'] }));
    await runUntilDone(h, await start(h, { image: NEW }));
    const log = h.cluster.log;
    expect(log.indexOf('scale stable x2')).toBeGreaterThan(log.indexOf('weight 50'));
  });

  it('setCanaryScale overrides the weight-based count', async () => {
    const h = await deployed(rolloutYaml({ replicas: 10, steps: ['setCanaryScale: {replicas: 3}', 'setWeight: 10', 'pause: {duration: 5s}'] }));
    await runUntilDone(h, await start(h, { image: NEW }));
    const canary = h.cluster.log.filter((l) => l.startsWith('ensure canary')).map((l) => l.split(' x')[1]);
    expect(canary.slice(0, 1)).toEqual(['3']);
  });

  // Issue 13 item 10: Argo makes only setWeight, pause, experiment and analysis exclusive in a step.
  it('setCanaryScale in a setWeight step: the weight and the scale together, the step done once the canary is scaled', async () => {
    const h = await deployed(rolloutYaml({ replicas: 10, steps: ['{setWeight: 20, setCanaryScale: {replicas: 5}}', 'pause: {duration: 5s}', 'setWeight: 50'] }));
    const s = await start(h, { image: NEW });
    await runFor(h, 3_000);
    expect(h.store.run.state).toMatchObject({ stepIndex: 1, setWeight: 20, canaryScale: { kind: 'replicas', replicas: 5 } });
    expect(h.cluster.weight).toBe(20);
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Healthy');
    const canary = h.cluster.log.filter((l) => l.startsWith('ensure canary')).map((l) => l.split(' x')[1]);
    // The scale stays in effect after its step (Argo's UseSetCanaryScale looks back), until the end.
    expect(canary.slice(0, 2)).toEqual(['5', '10']);
    expect(h.events.find((e) => e.kind === 'stepStarted' && e.index === 0)).toMatchObject({ step: { kind: 'setWeight', weight: 20, canaryScale: { replicas: 5, weight: null, matchTrafficWeight: false } } });
  });

  it('setCanaryScale in a pause step: the canary is scaled while the pause runs, without waiting for it', async () => {
    const h = await deployed(rolloutYaml({ replicas: 10, steps: ['setWeight: 10', '{pause: {duration: 20s}, setCanaryScale: {weight: 50}}', 'setWeight: 20'] }));
    const s = await start(h, { image: NEW });
    await runFor(h, 10_000);
    expect(h.store.run.state).toMatchObject({ phase: 'Paused', stepIndex: 1, canaryScale: { kind: 'weight', weight: 50 } });
    expect(h.cluster.weight).toBe(10);
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Healthy');
    const canary = h.cluster.log.filter((l) => l.startsWith('ensure canary')).map((l) => l.split(' x')[1]);
    expect(canary.slice(0, 2)).toEqual(['1', '5']);
  });

  it('without trafficRouting the weight is carried by pod counts: stable gives up pods the canary has', async () => {
    const h = await deployed(rolloutYaml({ routing: 'none', replicas: 4, steps: ['setWeight: 25', 'pause: {duration: 5s}'] }));
    const r = await runUntilDone(h, await start(h, { image: NEW }));
    expect(r.state.phase).toBe('Healthy');
    const log = h.cluster.log;
    expect(log.indexOf('scale stable x3')).toBeGreaterThan(log.indexOf(`ensure canary ${h.store.run.state!.revision} x1`));
    expect(log.some((l) => l.startsWith('weight'))).toBe(false);
  });
});

describe('faults', () => {
  it('a foreign TrafficSplit stops the run with the router error', async () => {
    const h = await deployed(rolloutYaml({ steps: ['setWeight: 20'] }));
    h.cluster.failNext = { prefix: 'weight', times: 1, error: () => new UnreachableError('TrafficSplit apps/myapp exists and was not created by canary') };
    const s = await start(h, { image: NEW });
    await expect(runUntilDone(h, s)).rejects.toThrow(/was not created by canary/);
  });

  it('a transient write failure is retried until it lands', async () => {
    const h = await deployed(rolloutYaml({ steps: ['setWeight: 20', 'pause: {duration: 5s}'] }));
    h.cluster.failNext = { prefix: 'weight 20', times: 3, error: () => new UnreachableError('connect ECONNRESET', { retryable: true }) };
    const r = await runUntilDone(h, await start(h, { image: NEW }));
    expect(r.state.phase).toBe('Healthy');
    expect(h.cluster.log.filter((l) => l === 'FAILED weight 20').length).toBe(3);
    expect(h.events.some((e) => e.kind === 'warning' && /ECONNRESET/.test(e.message))).toBe(true);
  });

  it('an interrupt rolls back and ends Aborted', async () => {
    const h = await deployed(rolloutYaml({ steps: ['setWeight: 20', 'pause: {}'] }));
    const s = await start(h, { image: NEW });
    await runFor(h, 5_000);
    s.inbox.push({ kind: 'interrupted', signal: 'SIGTERM' });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Aborted');
    expect(r.state.message).toMatch(/interrupted by SIGTERM at step 2\/2 \(weight 20%\)/);
  });

  it('--timeout rolls back when the run is still going', async () => {
    const h = await deployed(rolloutYaml({ steps: ['setWeight: 20', 'pause: {}'] }));
    const r = await runUntilDone(h, await start(h, { image: NEW, timeoutMs: 60_000 }));
    expect(r.state.phase).toBe('Aborted');
    expect(r.state.rollback?.cause).toBe('timeout');
  });

  it('a new revision supersedes an unfinished run: traffic to the old canary goes first', async () => {
    const h = await deployed(rolloutYaml({ steps: ['setWeight: 20', 'pause: {}'] }));
    const first = await start(h, { image: NEW });
    await runFor(h, 5_000);
    first.stop.abort('killed');
    await first.result;
    h.cluster.log.length = 0;
    const second = await start(h, { image: 'example/myapp:3' });
    expect(second.decision.kind).toBe('new');
    await runFor(h, 10_000);
    expect(h.cluster.log.slice(0, 2)).toEqual(['weight 0', `ensure canary ${second.revision} x1`]);
    second.stop.abort();
  });
});
