/**
 * The states the real engine writes, rendered second by second: the hand-built fixtures must not be
 * the only states the view has seen. Every frame fits 80 columns, says nothing undefined, maps the
 * engine's phase as documented, and the watch never ends before the run does.
 */
import type { Phase } from '../../src/engine/types.js';
import type { WorkloadStatus } from '../../src/engine/ports.js';
import type { StatusPhase } from '../../src/status/model.js';
import { renderTree } from '../../src/status/render-tree.js';
import type { DeploymentInfo, StatusInput } from '../../src/status/types.js';
import { toStatusView } from '../../src/status/view.js';
import { watchDecision } from '../../src/status/watch.js';
import { plainPalette } from '../../src/util/palette.js';
import { harness, runUntilDone, start, type Harness } from '../support/engine.js';
import { ScriptedProvider, vector } from '../support/fake-cluster.js';
import { blueGreenYaml, SEED, templateYaml } from '../support/spec.js';
import { overWidth } from './golden.js';

function info(track: 'stable' | 'canary', w: WorkloadStatus | null): DeploymentInfo | null {
  if (!w) return null;
  return { name: `myapp-${track}`, revision: w.revision, images: w.images, replicas: w.replicas, current: w.replicas, updated: w.updated, ready: w.ready, available: w.available, pods: [] };
}

function inputOf(h: Harness): StatusInput {
  const now = h.clock.now();
  const blueGreen = h.spec.rollouts[0]!.strategy.kind === 'blueGreen';
  return {
    name: 'myapp',
    namespace: 'apps',
    now,
    state: h.store.run.state,
    lease: { holder: { identity: 'test-runner', renewedAt: now, durationMs: 15_000 } },
    stable: info('stable', h.cluster.status('stable')),
    canary: info('canary', h.cluster.status('canary')),
    route: blueGreen ? { kind: 'none', name: null, weight: null } : { kind: 'TrafficSplit', name: 'myapp', weight: h.cluster.weight },
    requests: h.store.run.requests,
    strategy: blueGreen ? 'blueGreen' : 'canary',
    services: blueGreen
      ? [
          { name: 'myapp', role: 'activeService', selects: h.cluster.services.stable },
          { name: 'myapp-preview', role: 'previewService', selects: h.cluster.services.canary },
        ]
      : [
          { name: 'myapp-stable', role: 'stableService', selects: h.cluster.services.stable },
          { name: 'myapp-canary', role: 'canaryService', selects: h.cluster.services.canary },
        ],
  };
}

/** What the view calls each engine phase while a live runner drives it (rollbacks depend on their cause). */
const LIVE: Record<Exclude<Phase, 'RollingBack'>, StatusPhase[]> = {
  Initializing: ['Progressing', 'Degraded'],
  Progressing: ['Progressing', 'Degraded'],
  Paused: ['Paused'],
  Promoting: ['Progressing', 'Degraded'],
  Healthy: ['Healthy'],
  Degraded: ['Degraded'],
  Aborted: ['Aborted'],
};

/** Samples a frame every second of a run until it ends; returns the engine phases seen. */
async function sample(h: Harness, onFrame: (phase: Phase, input: StatusInput) => void, until: () => boolean, maxMs = 600_000): Promise<Set<Phase>> {
  const seen = new Set<Phase>();
  for (let t = 0; t < maxMs && !until(); t += 1000) {
    const state = h.store.run.state;
    if (state) {
      seen.add(state.phase);
      onFrame(state.phase, inputOf(h));
    }
    await h.clock.advance(1000);
  }
  return seen;
}

function check(phase: Phase, input: StatusInput): void {
  const view = toStatusView(input);
  const text = renderTree(view, plainPalette);
  expect(overWidth(text)).toEqual([]);
  expect(text).not.toMatch(/undefined|NaN|\[object/);
  if (phase !== 'RollingBack') expect(LIVE[phase]).toContain(view.status.phase);
  const terminal = phase === 'Healthy' || phase === 'Degraded' || phase === 'Aborted';
  expect(view.status.settled).toBe(terminal);
  const d = watchDecision(view, { exitOnPause: false, now: input.now });
  if (!terminal) expect(d).toBe('continue');
}

describe('views of the states a real run writes', () => {
  it('a canary that is promoted: first deploy, steps, timed and indefinite pause, promotion', async () => {
    const h = harness(SEED);
    const first = await start(h);
    const initial = await sample(h, check, () => h.store.run.state?.phase === 'Healthy');
    expect(initial).toEqual(new Set(['Initializing']));
    await runUntilDone(h, first);

    const run = await start(h, { image: 'example/myapp:2' });
    const before = await sample(h, check, () => h.store.run.state?.phase === 'Paused' && h.store.run.state.pause?.durationMs === null);
    expect(toStatusView(inputOf(h)).status.reason).toBe('PausedUntilPromote');
    await h.store.request({ id: 'p1', kind: 'promote', at: h.clock.now(), by: 'alice@laptop', reason: null });
    const after = await sample(h, check, () => h.store.run.state?.phase === 'Healthy');
    await runUntilDone(h, run);
    check('Healthy', inputOf(h));
    expect([...before, ...after]).toEqual(expect.arrayContaining(['Progressing', 'Paused', 'Promoting']));
    expect(watchDecision(toStatusView(inputOf(h)), { exitOnPause: false, now: h.clock.now() })).toMatchObject({ outcome: 'ok' });
  });

  it('a failing metric: Degraded while rolling back, settled once traffic is back on stable', async () => {
    // The second measurement fails (weight 10 by then); writing the weight back to 0 fails twice
    // (the runner backs off), so RollingBack lasts long enough to be seen.
    const h = harness(SEED, new ScriptedProvider((_q, n) => vector(n >= 2 ? 3 : 0)));
    await runUntilDone(h, await start(h));
    h.cluster.failNext = { prefix: 'weight 0', times: 2, error: () => new Error('connect ECONNRESET') };
    const run = await start(h, { image: 'example/myapp:2' });
    const rollingBack: StatusPhase[] = [];
    const seen = await sample(
      h,
      (phase, input) => {
        check(phase, input);
        if (phase === 'RollingBack') rollingBack.push(toStatusView(input).status.phase);
      },
      () => h.store.run.state?.phase === 'Degraded',
    );
    await runUntilDone(h, run);
    expect(seen).toContain('RollingBack');
    expect(new Set(rollingBack)).toEqual(new Set(['Degraded']));
    const view = toStatusView(inputOf(h));
    expect(view.status.message).toMatch(/^rolled back: analysis background failed: metric errors: result \[3\] matched failureCondition/);
    expect(watchDecision(view, { exitOnPause: false, now: h.clock.now() })).toMatchObject({ outcome: 'rolledBack' });
  });

  it('a blue-green release: preview, prePromotionAnalysis, the pause until promote, the switch, postPromotionAnalysis, the previous revision going', async () => {
    const docs = [templateYaml('pre', ['successCondition: result[0] < 1']), templateYaml('post', ['successCondition: result[0] < 1', 'interval: 10s', 'count: 3'])];
    const h = harness(blueGreenYaml({ blueGreen: ['autoPromotionEnabled: false', 'prePromotionAnalysis: {templates: [{templateName: pre}]}', 'postPromotionAnalysis: {templates: [{templateName: post}]}'], docs }), new ScriptedProvider(() => vector(0)));
    await runUntilDone(h, await start(h));
    const run = await start(h, { image: 'example/myapp:2' });
    await sample(h, check, () => h.store.run.state?.phase === 'Paused');
    const paused = toStatusView(inputOf(h));
    expect(paused.status).toMatchObject({ phase: 'Paused', reason: 'BlueGreenPause', message: 'paused before switching myapp to the preview, until `canary promote myapp -n apps`' });
    expect(watchDecision(paused, { exitOnPause: true, now: h.clock.now() })).toMatchObject({ outcome: 'paused' });
    expect(paused.deployments.map((d) => [d.name, d.tags])).toEqual([
      ['myapp-canary', ['preview']],
      ['myapp-stable', ['stable', 'active']],
    ]);
    await h.store.request({ id: 'p1', kind: 'promote', at: h.clock.now(), by: 'alice@laptop', reason: null });
    const messages = new Set<string>();
    const after = await sample(h, (phase, input) => (check(phase, input), messages.add(toStatusView(input).status.message)), () => h.store.run.state?.phase === 'Healthy');
    await runUntilDone(h, run);
    check('Healthy', inputOf(h));
    expect(after).toContain('Promoting');
    expect([...messages]).toEqual(expect.arrayContaining([expect.stringMatching(/^promoting \(PostPromotionAnalysis\): myapp serves revision \w+; postPromotionAnalysis is running \(m\)$/)]));
    expect(toStatusView(inputOf(h)).deployments.find((d) => d.track === 'stable')?.tags).toEqual(['stable', 'active']);
  });
});
