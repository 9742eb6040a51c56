/**
 * The blue-green strategy with in-memory ports and a fake clock. Each scenario names the Argo
 * Rollouts test it ports (argoproj/argo-rollouts@9f8d111): the e2e suites test/e2e/analysis_test.go,
 * functional_test.go and bluegreen_test.go, and the controller's rollout/bluegreen_test.go and
 * rollout/analysis_test.go. Argo's ReplicaSets are canary's two Deployments: the active revision in
 * `myapp-stable` behind the active Service, the new one in `myapp-canary` behind the preview Service.
 */
import type { ProviderResult } from '../../src/analysis/provider.js';
import { harness, kinds, runFor, runUntilDone, start, type Harness } from '../support/engine.js';
import { ScriptedProvider, vector } from '../support/fake-cluster.js';
import { blueGreenYaml, templateYaml } from '../support/spec.js';

const NEW = 'example/myapp:2';
const PRE = templateYaml('pre', ['successCondition: result[0] < 1']);
const POST = templateYaml('post', ['successCondition: result[0] < 1']);
const passing = () => vector(0);

async function deployed(yaml: string, answer: (q: string, n: number) => ProviderResult = passing): Promise<Harness> {
  const h = harness(yaml, new ScriptedProvider(answer));
  const first = await runUntilDone(h, await start(h));
  expect(first.state.phase).toBe('Healthy');
  h.cluster.log.length = 0;
  h.events.length = 0;
  return h;
}

const state = (h: Harness) => h.store.run.state!;
const promote = (h: Harness, id = 'p1') => h.store.request({ id, kind: 'promote', at: h.clock.now(), by: 'alice@laptop', reason: null });

describe('first deploy of a blue-green Rollout', () => {
  it('creates the stable Deployment; the active and preview Services select it once it is up; no analysis', async () => {
    const h = harness(blueGreenYaml({ blueGreen: ['prePromotionAnalysis: {templates: [{templateName: pre}]}'], docs: [PRE] }));
    const s = await start(h);
    const r = await runUntilDone(h, s);
    expect(r.state).toMatchObject({ phase: 'Healthy', mode: 'initial', strategy: 'blueGreen', analyses: [] });
    expect(h.cluster.log).toEqual([`ensure stable ${s.revision} x2`, 'route stable->stable', 'route canary->stable']);
    expect(h.provider.calls).toEqual([]);
  });
});

describe('Argo e2e TestBlueGreenAnalysis (test/e2e/analysis_test.go): prePromotionAnalysis, a manual promote, postPromotionAnalysis', () => {
  const yaml = blueGreenYaml({
    blueGreen: ['autoPromotionEnabled: false', 'prePromotionAnalysis: {templates: [{templateName: pre}]}', 'postPromotionAnalysis: {templates: [{templateName: post}]}'],
    docs: [PRE, POST],
  });

  it('pauses with the preview up and the active Service on the old revision; promote switches it; the old revision goes after the delay', async () => {
    const h = await deployed(yaml);
    const s = await start(h, { image: NEW });
    await runFor(h, 10_000);
    // Paused (ExpectActiveRevision 1, ExpectPreviewRevision 2, one AnalysisRun).
    expect(state(h)).toMatchObject({ phase: 'Paused', pause: { reason: 'BlueGreenPause', durationMs: null } });
    expect(h.cluster.services).toEqual({ stable: 'stable', canary: 'canary' });
    expect(state(h).analyses.map((a) => [a.id, a.phase])).toEqual([['pre-promotion', 'Successful']]);
    expect(h.cluster.log).toEqual([`ensure canary ${s.revision} x2`, 'route canary->canary']);
    expect(h.provider.calls).toEqual(['pre-query']);

    await promote(h);
    await runFor(h, 5_000);
    // WaitForActiveRevision 2: the active Service selects the preview; the previous revision still runs.
    expect(h.cluster.services.stable).toBe('canary');
    expect(state(h).promotion?.stage).toBe('UpdateStable');
    expect(h.cluster.deployments.stable?.revision).not.toBe(s.revision);
    expect(state(h).analyses.map((a) => [a.id, a.phase])).toEqual([
      ['pre-promotion', 'Successful'],
      ['post-promotion', 'Successful'],
    ]);

    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Healthy');
    expect(r.state.message).toBe(`promoted revision ${s.revision} (blue-green)`);
    expect(h.cluster.log.slice(2)).toEqual([
      'route stable->canary',
      `ensure stable ${s.revision} x2`,
      'route stable->stable',
      'route canary->stable',
      'scale canary x0',
    ]);
    // The previous revision kept its pods for scaleDownDelaySeconds (30 s) after the post-promotion check.
    const switched = h.events.find((e) => e.kind === 'serviceSwitched' && e.role === 'activeService' && e.to === 'canary')!;
    const updated = h.events.find((e) => e.kind === 'promoting' && e.stage === 'ActiveToStable')!;
    expect(updated.at - switched.at).toBeGreaterThanOrEqual(30_000);
    expect(h.kube.events.map((e) => e.reason)).toEqual(expect.arrayContaining(['RolloutPaused', 'SwitchService', 'AnalysisRunSuccessful', 'RolloutCompleted']));
    expect(kinds(h.events).filter((k) => k === 'serviceSwitched')).toHaveLength(4);
  });
});

describe('Argo e2e TestBlueGreenPrePromotionFail (test/e2e/analysis_test.go)', () => {
  const yaml = (code: string) =>
    blueGreenYaml({
      blueGreen: ['abortScaleDownDelaySeconds: 0', 'previewReplicaCount: 1', 'prePromotionAnalysis: {templates: [{templateName: pre}]}'],
      docs: [PRE],
    }) + code;

  it('a failing prePromotionAnalysis rolls back: Degraded, the active Service never left stable, the preview kept (abortScaleDownDelaySeconds: 0); retry passes', async () => {
    let failing = true;
    const h = await deployed(yaml(''), () => (failing ? vector(3) : vector(0)));
    const s = await start(h, { image: NEW });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Degraded');
    expect(r.state.message).toMatch(/^analysis pre-promotion failed: metric m: result \[3\] .*successCondition .*; preview pods kept \(abortScaleDownDelaySeconds: 0\)$/);
    expect(h.cluster.services).toEqual({ stable: 'stable', canary: 'canary' });
    expect(h.cluster.log).not.toContain('route stable->canary');
    expect(h.cluster.deployments.canary?.replicas).toBe(1);

    failing = false;
    const retried = await start(h, { image: NEW, retry: true });
    expect(retried.decision.kind).toBe('new');
    const done = await runUntilDone(h, retried);
    expect(done.state.phase).toBe('Healthy');
    expect(h.cluster.deployments.stable?.revision).toBe(s.revision);
    expect(h.cluster.services).toEqual({ stable: 'stable', canary: 'stable' });
  });
});

describe('Argo e2e TestBlueGreenPostPromotionFail (test/e2e/analysis_test.go)', () => {
  it('after the promote the active Service selects the new revision; a failing postPromotionAnalysis switches it back', async () => {
    const yaml = blueGreenYaml({ blueGreen: ['autoPromotionEnabled: false', 'postPromotionAnalysis: {templates: [{templateName: post}]}'], docs: [POST] });
    const h = await deployed(yaml, () => vector(3));
    const s = await start(h, { image: NEW });
    await runFor(h, 5_000);
    expect(state(h).phase).toBe('Paused');
    expect(h.cluster.services.stable).toBe('stable');
    await promote(h);
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Degraded');
    expect(r.state.message).toMatch(/^analysis post-promotion failed: metric m: result \[3\]/);
    const log = h.cluster.log;
    expect(log.indexOf('route stable->canary')).toBeLessThan(log.indexOf('route stable->stable'));
    expect(log).not.toContain(`ensure stable ${s.revision} x2`);
    // The previous revision never left the stable Deployment. The preview Service stays on the aborted
    // revision (ExpectPreviewRevision("2")), whose pods go abortScaleDownDelaySeconds after the verdict.
    expect(h.cluster.deployments.stable?.revision).not.toBe(s.revision);
    expect(h.cluster.services).toEqual({ stable: 'stable', canary: 'canary' });
    expect(h.cluster.deployments.canary?.replicas).toBe(0);
    const back = h.events.find((e) => e.kind === 'serviceSwitched' && e.role === 'activeService' && e.to === 'stable')!;
    const verdict = h.events.find((e) => e.kind === 'finished')!;
    const scaled = h.events.find((e) => e.kind === 'scaledDown')!;
    expect(verdict.at - back.at).toBeLessThan(1_000);
    expect(scaled.at - verdict.at).toBeGreaterThanOrEqual(30_000);
  });
});

describe('Argo e2e TestBlueGreenKitchenSink (test/e2e/analysis_test.go)', () => {
  const yaml = blueGreenYaml({
    blueGreen: [
      'previewReplicaCount: 1',
      'autoPromotionSeconds: 10',
      'scaleDownDelaySeconds: 5',
      'prePromotionAnalysis: {templates: [{templateName: pre}]}',
      'postPromotionAnalysis: {templates: [{templateName: post}]}',
    ],
    docs: [PRE, POST],
  });

  it('previewReplicaCount, autoPromotionSeconds, then a failing postPromotionAnalysis', async () => {
    const h = await deployed(yaml, (q) => (q === 'post-query' ? vector(3) : vector(0)));
    const s = await start(h, { image: NEW });
    await runFor(h, 3_000);
    // Paused: revision 1 active with 2 pods, the preview with 1.
    expect(state(h)).toMatchObject({ phase: 'Paused', pause: { reason: 'BlueGreenPause', durationMs: 10_000 } });
    expect(h.cluster.deployments.canary?.replicas).toBe(1);
    expect(h.cluster.deployments.stable?.replicas).toBe(2);
    await runFor(h, 5_000);
    // Not auto-promoted too early.
    expect(h.cluster.services.stable).toBe('stable');
    await runFor(h, 10_000);
    // Auto-promoted: the preview scaled to 2 first, then the switch.
    expect(h.cluster.log).toContain(`ensure canary ${s.revision} x2`);
    expect(h.cluster.log.indexOf(`ensure canary ${s.revision} x2`)).toBeLessThan(h.cluster.log.indexOf('route stable->canary'));
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Degraded');
    expect(h.cluster.services.stable).toBe('stable');
    expect(h.cluster.deployments.stable?.replicas).toBe(2);
  });
});

describe('Argo rollout/bluegreen_test.go TestBlueGreenHandlePause', () => {
  it('NoPauseIfNewRSIsNotHealthy: a preview that never becomes available does not pause; the progress deadline counts', async () => {
    const yaml = blueGreenYaml({ blueGreen: ['autoPromotionEnabled: false'], spec: ['progressDeadlineSeconds: 60'] });
    const h = await deployed(yaml);
    const s = await start(h, { image: NEW });
    h.cluster.crashing.add(s.revision);
    await runFor(h, 70_000);
    expect(state(h).phase).toBe('Progressing');
    expect(state(h).pause).toBeNull();
    expect(state(h).progress.exceeded).toBe(true);
    expect(state(h).message).toMatch(/ProgressDeadlineExceeded: myapp-canary has 0\/2 pods available after 1m/);
    s.stop.abort();
  });

  it('AddPause (autoPromotionEnabled: false) and no pause at all with auto-promotion (functional_test.go TestBlueGreenUpdate)', async () => {
    const h = await deployed(blueGreenYaml());
    const s = await start(h, { image: NEW });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Healthy');
    expect(kinds(h.events)).not.toContain('paused');
  });
});

describe('Argo rollout/bluegreen_test.go TestBlueGreenProgressDeadlineAbort', () => {
  it('progressDeadlineAbort rolls back a preview that never becomes available; the active Service never moved', async () => {
    const yaml = blueGreenYaml({ spec: ['progressDeadlineSeconds: 60', 'progressDeadlineAbort: true'] });
    const h = await deployed(yaml);
    const s = await start(h, { image: NEW });
    h.cluster.crashing.add(s.revision);
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Degraded');
    expect(r.state.rollback?.cause).toBe('deadline');
    expect(h.cluster.log).not.toContain('route stable->canary');
  });
});

describe('Argo rollout/analysis_test.go TestRolloutPrePromotionAnalysisBecomesInconclusive', () => {
  it('an inconclusive prePromotionAnalysis pauses; promote starts it again (a new AnalysisRun), as Argo does', async () => {
    const tpl = templateYaml('pre', ['successCondition: result[0] < 1', 'failureCondition: result[0] > 5']);
    const h = await deployed(blueGreenYaml({ blueGreen: ['prePromotionAnalysis: {templates: [{templateName: pre}]}'], docs: [tpl] }), (_q, n) => (n === 0 ? vector(3) : vector(0)));
    const s = await start(h, { image: NEW, exitOnPause: true });
    const paused = await runUntilDone(h, s);
    expect(paused.outcome).toBe('paused');
    expect(paused.state.pause?.reason).toBe('InconclusiveAnalysis');
    const again = await start(h, { image: NEW });
    expect(again.decision.kind).toBe('resume');
    await promote(h);
    const r = await runUntilDone(h, again);
    expect(r.state.phase).toBe('Healthy');
    expect(h.provider.calls).toEqual(['pre-query', 'pre-query']);
    expect(h.events.find((e) => e.kind === 'requestReceived')).toMatchObject({ outcome: expect.stringMatching(/^running the inconclusive analysis again \(pre-promotion\)/) });
  });
});

describe('Argo rollout/analysis_test.go TestRolloutPrePromotionAnalysisHonorAutoPromotionSeconds', () => {
  it('the autoPromotionSeconds pause starts once prePromotionAnalysis succeeded', async () => {
    const tpl = templateYaml('pre', ['successCondition: result[0] < 1', 'initialDelay: 20s']);
    const h = await deployed(blueGreenYaml({ blueGreen: ['autoPromotionSeconds: 30', 'prePromotionAnalysis: {templates: [{templateName: pre}]}'], docs: [tpl] }));
    const s = await start(h, { image: NEW });
    await runFor(h, 15_000);
    expect(state(h).phase).toBe('Progressing');
    await runFor(h, 10_000);
    expect(state(h).pause).toMatchObject({ reason: 'BlueGreenPause', durationMs: 30_000 });
    const pausedAt = state(h).pause!.startedAt;
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Healthy');
    const switched = h.events.find((e) => e.kind === 'serviceSwitched' && e.role === 'activeService' && e.to === 'canary')!;
    expect(switched.at - pausedAt).toBeGreaterThanOrEqual(30_000);
  });
});

describe('Argo e2e TestBlueGreenScaleDownOnAbort (functional_test.go) and TestBlueGreenAbort (rollout/bluegreen_test.go)', () => {
  it('abort while paused before the switch: Aborted, the active Service never moved, the preview scaled down after abortScaleDownDelaySeconds', async () => {
    const h = await deployed(blueGreenYaml({ blueGreen: ['autoPromotionEnabled: false', 'abortScaleDownDelaySeconds: 10'] }));
    const s = await start(h, { image: NEW });
    await runFor(h, 5_000);
    await h.store.request({ id: 'a1', kind: 'abort', at: h.clock.now(), by: 'bob', reason: 'not today' });
    await runFor(h, 2_000);
    // The verdict at once (traffic never left stable); the preview waits for its scale-down.
    expect(state(h)).toMatchObject({ phase: 'Aborted', scaleDown: { delay: 'abortScaleDownDelaySeconds' } });
    expect(h.cluster.deployments.canary?.replicas).toBe(2);
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Aborted');
    expect(r.state.message).toBe('aborted by bob: not today');
    expect(h.cluster.log).not.toContain('route stable->canary');
    expect(h.cluster.services).toEqual({ stable: 'stable', canary: 'canary' });
    expect(h.cluster.deployments.canary?.replicas).toBe(0);
  });
});

describe('Argo e2e TestBlueGreenPromoteFull (functional_test.go)', () => {
  it('promote --full while paused skips the pause and both analyses', async () => {
    const h = await deployed(
      blueGreenYaml({ blueGreen: ['autoPromotionEnabled: false', 'prePromotionAnalysis: {templates: [{templateName: pre}]}', 'postPromotionAnalysis: {templates: [{templateName: post}]}'], docs: [PRE, POST] }),
      (q) => (q === 'pre-query' ? vector(0) : vector(3)),
    );
    const s = await start(h, { image: NEW });
    await runFor(h, 5_000);
    expect(state(h).phase).toBe('Paused');
    await h.store.request({ id: 'f', kind: 'promoteFull', at: h.clock.now(), by: 'ci', reason: null });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Healthy');
    expect(r.state.message).toBe(`promoted revision ${s.revision} (promote --full)`);
    expect(h.provider.calls).toEqual(['pre-query']);
  });

  it('promote --full during postPromotionAnalysis skips it (Argo: "Full promotion requested")', async () => {
    const post = templateYaml('post', ['successCondition: result[0] < 1', 'interval: 10s', 'count: 30']);
    const h = await deployed(blueGreenYaml({ blueGreen: ['postPromotionAnalysis: {templates: [{templateName: post}]}'], docs: [post] }));
    const s = await start(h, { image: NEW });
    await runFor(h, 15_000);
    expect(state(h).promotion?.stage).toBe('PostPromotionAnalysis');
    await h.store.request({ id: 'f', kind: 'promoteFull', at: h.clock.now(), by: 'ci', reason: null });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Healthy');
    expect(r.state.analyses.find((a) => a.id === 'post-promotion')?.phase).toBe('Successful');
    expect(h.events.find((e) => e.kind === 'requestReceived')).toMatchObject({ outcome: 'skipping postPromotionAnalysis' });
  });
});

describe('Argo rollout/bluegreen_test.go TestBlueGreenScaleDownLimit', () => {
  it('scaleDownDelayRevisionLimit: 0 scales the previous revision down at once', async () => {
    const h = await deployed(blueGreenYaml({ blueGreen: ['scaleDownDelayRevisionLimit: 0'] }));
    const s = await start(h, { image: NEW });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Healthy');
    const switched = h.events.find((e) => e.kind === 'serviceSwitched' && e.role === 'activeService' && e.to === 'canary')!;
    const update = h.events.find((e) => e.kind === 'promoting' && e.stage === 'UpdateStable')!;
    expect(update.at - switched.at).toBeLessThan(1_000);
    expect(h.cluster.log.indexOf(`ensure stable ${s.revision} x2`)).toBe(h.cluster.log.indexOf('route stable->canary') + 1);
  });
});

describe('signals and runners (canary\'s own: a CI job cancelled, a runner killed)', () => {
  it('SIGTERM after the switch, during postPromotionAnalysis: the active Service goes back to stable', async () => {
    const post = templateYaml('post', ['successCondition: result[0] < 1', 'interval: 10s', 'count: 30']);
    const h = await deployed(blueGreenYaml({ blueGreen: ['postPromotionAnalysis: {templates: [{templateName: post}]}'], docs: [post] }));
    const s = await start(h, { image: NEW });
    await runFor(h, 15_000);
    expect(h.cluster.services.stable).toBe('canary');
    s.inbox.push({ kind: 'interrupted', signal: 'SIGTERM' });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Aborted');
    expect(h.cluster.services.stable).toBe('stable');
  });

  it('a runner killed while paused before the switch: a new one resumes the pause, and promote switches', async () => {
    const h = await deployed(blueGreenYaml({ blueGreen: ['autoPromotionEnabled: false'] }));
    const s = await start(h, { image: NEW });
    await runFor(h, 5_000);
    s.stop.abort('killed');
    await s.result;
    const resumed = await start(h, { image: NEW });
    expect(resumed.decision).toMatchObject({ kind: 'resume', state: { phase: 'Paused', pause: { reason: 'BlueGreenPause' } } });
    await promote(h);
    const r = await runUntilDone(h, resumed);
    expect(r.state.phase).toBe('Healthy');
  });

  it('a runner killed after the switch resumes in the promotion, not from the start', async () => {
    const h = await deployed(blueGreenYaml());
    const s = await start(h, { image: NEW });
    await runFor(h, 6_000);
    expect(state(h).promotion?.stage).toBe('UpdateStable');
    s.stop.abort('killed');
    await s.result;
    const resumed = await start(h, { image: NEW });
    expect(resumed.decision).toMatchObject({ kind: 'resume', state: { phase: 'Promoting', promotion: { stage: 'UpdateStable' } } });
    const r = await runUntilDone(h, resumed);
    expect(r.state.phase).toBe('Healthy');
    expect(h.cluster.log.filter((l) => l === 'route stable->canary')).toHaveLength(1);
  });

  it('abort once postPromotionAnalysis passed (the previous revision on its way out) is refused: the promotion completes', async () => {
    const h = await deployed(blueGreenYaml());
    const s = await start(h, { image: NEW });
    await runFor(h, 6_000);
    expect(state(h).promotion?.stage).toBe('UpdateStable');
    await h.store.request({ id: 'a', kind: 'abort', at: h.clock.now(), by: 'bob', reason: null });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Healthy');
    expect(h.events.find((e) => e.kind === 'requestReceived')).toMatchObject({ outcome: expect.stringMatching(/^too late to abort/) });
  });
});

describe('a canary run left unfinished, then the Rollout switched to blue-green with the same template', () => {
  it('starts over under blue-green instead of resuming the canary stages', async () => {
    const h = harness(blueGreenYaml());
    await runUntilDone(h, await start(h));
    const s = await start(h, { image: NEW });
    await runFor(h, 1_000);
    s.stop.abort('killed');
    await s.result;
    h.store.run.state = { ...h.store.run.state!, strategy: 'canary' };
    const next = await start(h, { image: NEW });
    expect(next.decision).toMatchObject({ kind: 'new', why: expect.stringMatching(/^the BlueGreen strategy supersedes the unfinished canary run: starting over$/) });
    next.stop.abort();
  });
});
