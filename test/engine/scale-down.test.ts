/**
 * The verdict as soon as traffic is safe; the canary's scale-down after it (issue 16 item 8):
 * waited for by the runner, or left to the next canary process (`--scale-down leave`, a signal).
 */
import { harness, kinds, runFor, runUntilDone, start, type Harness } from '../support/engine.js';
import { ScriptedProvider, vector } from '../support/fake-cluster.js';
import { rolloutYaml, SEED } from '../support/spec.js';

const NEW = 'example/myapp:2';
const QUICK = rolloutYaml({ steps: ['setWeight: 50', 'pause: {duration: 10s}'] });

async function deployed(yaml: string, provider?: ScriptedProvider): Promise<Harness> {
  const h = harness(yaml, provider);
  await runUntilDone(h, await start(h));
  h.cluster.log.length = 0;
  h.events.length = 0;
  return h;
}

describe('promoted: the verdict before scaleDownDelaySeconds', () => {
  it('reports the verdict once traffic is on the new stable, then waits 30 s and scales the canary down', async () => {
    const h = await deployed(QUICK);
    const s = await start(h, { image: NEW });
    const r = await runUntilDone(h, s);
    expect(r.outcome).toBe('finished');
    const finished = h.events.find((e) => e.kind === 'finished')!;
    const scaled = h.events.find((e) => e.kind === 'scaledDown')!;
    // onVerdict came with the finished event, before the scale-down.
    expect(s.verdict?.state.phase).toBe('Healthy');
    expect(s.verdict?.state.scaleDown).toEqual({ at: finished.at + 30_000, delay: 'scaleDownDelaySeconds', left: false });
    expect(h.events[s.verdict!.eventsBefore - 1]?.kind).toBe('finished');
    expect(h.cluster.log.indexOf('weight 0')).toBeLessThan(h.cluster.log.indexOf('scale canary x0'));
    expect(scaled.at - finished.at).toBeGreaterThanOrEqual(30_000);
    expect(r.state.finishedAt).toBe(finished.at);
    expect(r.state.scaleDown).toBeNull();
    expect(h.store.run.state?.scaleDown).toBeNull();
  });

  it('a replica-weighted canary: the verdict once stable runs the new revision, the canary scaled down after the delay', async () => {
    const h = await deployed(rolloutYaml({ steps: ['setWeight: 50'], routing: 'none' }));
    const s = await start(h, { image: NEW });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Healthy');
    const finished = h.events.find((e) => e.kind === 'finished')!;
    expect(h.events.find((e) => e.kind === 'scaledDown')!.at - finished.at).toBeGreaterThanOrEqual(30_000);
  });
});

describe('--scale-down leave', () => {
  it('ends at the verdict with the scale-down stored for the next canary process, which does it once due', async () => {
    const h = await deployed(QUICK);
    const s = await start(h, { image: NEW, leaveScaleDown: true });
    const r = await runUntilDone(h, s);
    const finished = h.events.find((e) => e.kind === 'finished')!;
    expect(r.outcome).toBe('finished');
    expect(h.clock.now() - finished.at).toBeLessThan(2_000);
    expect(kinds(h.events).slice(-2)).toEqual(['finished', 'scaleDownScheduled']);
    expect(h.store.run.state?.scaleDown).toEqual({ at: finished.at + 30_000, delay: 'scaleDownDelaySeconds', left: true });
    expect(h.cluster.deployments.canary?.replicas).toBe(2);
    expect(h.kube.events.map((e) => e.reason)).toContain('ScaleDownLeft');

    // Before it is due, the next process leaves it alone.
    const early = await start(h, { image: NEW, owner: 'ci-job-2' });
    expect(early.decision.kind).toBe('noop');
    expect(early.notes).toEqual([]);
    expect(h.cluster.deployments.canary?.replicas).toBe(2);

    await runFor(h, 30_000);
    const next = await start(h, { image: NEW, owner: 'ci-job-3' });
    expect(next.decision.kind).toBe('noop');
    expect(next.notes).toEqual([`scaled the canary of apps/myapp down to 0: the run of revision ${s.revision} left it to the next canary command`]);
    expect(h.cluster.deployments.canary?.replicas).toBe(0);
    expect(h.store.run.state).toMatchObject({ scaleDown: null, owner: 'ci-job-3', phase: 'Healthy' });
    expect(h.store.run.state?.history.at(-1)?.message).toMatch(/^Scaled down canary to 0 \(scaleDownDelaySeconds was left to the next canary command; done by ci-job-3\)$/);
  });

  it('a new revision takes the canary over: nothing is scaled down in between', async () => {
    const h = await deployed(QUICK);
    await runUntilDone(h, await start(h, { image: NEW, leaveScaleDown: true }));
    h.cluster.log.length = 0;
    const next = await start(h, { image: 'example/myapp:3' });
    expect(next.decision.kind).toBe('new');
    await runFor(h, 3_000);
    expect(h.cluster.log).not.toContain('scale canary x0');
    expect(h.store.run.state?.scaleDown ?? null).toBeNull();
    next.stop.abort();
    await next.result;
  });

  it('a rolled back run: the verdict at weight 0, the abort delay left to the next process', async () => {
    const h = await deployed(SEED, new ScriptedProvider(() => vector(3)));
    const s = await start(h, { image: NEW, leaveScaleDown: true });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Degraded');
    expect(h.cluster.weight).toBe(0);
    expect(r.state.scaleDown).toMatchObject({ delay: 'abortScaleDownDelaySeconds', left: true });
    expect(h.cluster.deployments.canary?.replicas).toBe(1);
    await runFor(h, 30_000);
    const again = await start(h, { image: NEW });
    expect(again.decision.kind).toBe('refuse');
    expect(h.cluster.deployments.canary?.replicas).toBe(0);
  });
});

describe('a signal while the runner waits for the scale-down', () => {
  it('keeps the verdict and leaves the scale-down to the next canary process', async () => {
    const h = await deployed(QUICK);
    const s = await start(h, { image: NEW });
    for (let t = 0; t < 120_000 && !h.events.some((e) => e.kind === 'finished'); t += 1_000) await h.clock.advance(1_000);
    expect(h.store.run.state?.phase).toBe('Healthy');
    s.inbox.push({ kind: 'interrupted', signal: 'SIGINT' });
    const r = await runUntilDone(h, s);
    expect(r.outcome).toBe('finished');
    expect(r.state.phase).toBe('Healthy');
    expect(r.state.scaleDown?.left).toBe(true);
    expect(h.events.filter((e) => e.kind === 'warning').map((e) => (e as { message: string }).message)).toEqual([
      "SIGINT: the canary's scale-down is left to the next canary command",
    ]);
    expect(h.cluster.deployments.canary?.replicas).toBe(2);
  });
});
