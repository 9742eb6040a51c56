/**
 * A runner killed with SIGKILL (OOM, a node gone, `kill -9`) leaves the rollout where it was: the
 * state in the ConfigMap and its Lease, which expires 15 s after the last renewal. Then:
 * - `canary run` with the same manifests resumes at the persisted step and finishes (before the
 *   Lease expires it exits 5 naming the dead holder);
 * - or `canary abort`, with no live runner, rolls back itself: at once once the Lease has expired,
 *   or after waiting for it to expire when the runner was alive a moment ago.
 */
import { catalog } from '../../sandbox/api/catalog.js';
import type { Cluster } from '../../sandbox/cluster.js';
import {
  canary,
  deployment,
  expectExit,
  firstDeploy,
  fullRunState,
  healthyImage,
  indefinitePauseVariant,
  killAll,
  lease,
  leaseFree,
  parseFinalLine, verdictLine,
  recordTimeline,
  removeVariants,
  requirePrometheus,
  runCanary,
  SEED,
  seedCluster,
  splitWeight,
  stableImage,
  statusJson,
  until,
} from '../support/harness.js';

const LEASE_WAIT = 45_000; // 15 s Lease + renewal period + a loaded machine

if (requirePrometheus('SIGKILL, resume, abort without a runner')) {
  describe('a runner killed with SIGKILL', () => {
    let sb: Cluster;
    beforeAll(async () => {
      sb = await seedCluster();
      await firstDeploy(sb);
    });
    afterEach(killAll);
    afterAll(async () => {
      removeVariants();
      await sb?.close();
    });

    it('mid-pause: `canary run` again resumes at the persisted step (4/9) and finishes: exit 0', async () => {
      const image = healthyImage('resume');
      const args = [SEED, '--image', `myapp=${image}`, '--time-scale', '0.2']; // pauses of 6 s
      const timeline = recordTimeline(sb);
      const first = canary(sb, ['run', ...args]);
      await first.waitFor(/step 4\/9: pause 6s/, 120_000);
      // Mid-pause as persisted: the state is saved just after the event is printed.
      await until(() => fullRunState(sb)?.phase === 'Paused' && fullRunState(sb)!.stepIndex === 3, 'the pause at step 4/9 in the run state', 30_000, 20);
      first.kill('SIGKILL');
      expect(await first.done).toBe(137);
      const pid = first.child.pid;

      // What the dead runner left: the state at step 4/9 with 40% on the canary, and its Lease.
      const left = fullRunState(sb)!;
      expect(left).toMatchObject({ phase: 'Paused', stepIndex: 3, weight: 40 });
      expect(left.pause!.durationMs).toBe(6000);
      expect(lease(sb)!.holder).toContain(`pid ${pid}`);

      // Before the Lease expires: another runner is refused, naming the holder (exit 5).
      if (!leaseFree(sb)) {
        const early = await runCanary(sb, ['run', ...args]);
        if (!leaseFree(sb)) {
          expectExit(early, 5);
          expect(early.stderr).toMatch(new RegExp(`another runner drives Rollout apps/myapp: \\S+ pid ${pid}`));
        }
      }
      await until(() => leaseFree(sb), 'the dead runner\'s Lease to expire', LEASE_WAIT, 250);
      const lost = await statusJson(sb);
      expect(lost.status).toMatchObject({ phase: 'Degraded', reason: 'RunnerLost', settled: false });
      expect(lost.status.message).toMatch(/runner lost: the run of revision \w+ stopped while paused at step 4\/9/);
      // Traffic stayed where it was while nobody drove the rollout.
      expect(splitWeight(sb)).toBe(40);

      const second = await runCanary(sb, ['run', ...args]);
      timeline.stop();
      expectExit(second, 0);
      expect(second.stdout.split('\n')[0]).toBe(`resuming the run of revision ${left.revision} at step 4/9`);
      expect(second.stdout).toMatch(/resumed canary of apps\/myapp revision \w+/);
      expect(second.stdout).not.toMatch(/step [123]\/9/);
      expect(second.stdout).toMatch(/step 4\/9: pause 6s/);
      const f = parseFinalLine(verdictLine(second.stdout))!;
      expect(f).toMatchObject({ verdict: 'promoted', revision: left.revision, step: '9/9' });
      // One rollout, two runners: the weight never went back to 0 in between.
      expect(timeline.weights()).toEqual([10, 40, 70, 90, 100, 0]);
      expect(stableImage(sb)).toBe(image);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      expect(fullRunState(sb)).toMatchObject({ phase: 'Healthy', revision: left.revision, stepIndex: 9 });
      expect(lease(sb)!.holder).toBeNull();
    });

    it('killed again, then `canary abort` at once: it waits for the dead runner\'s Lease, then rolls back itself', async () => {
      await until(() => leaseFree(sb), 'a free Lease', LEASE_WAIT, 250);
      const image = healthyImage('abort-dead');
      const stable = stableImage(sb);
      const run = canary(sb, ['run', indefinitePauseVariant(), '--image', `myapp=${image}`, '--time-scale', '0.1']);
      await run.waitFor(/paused until `canary promote myapp -n apps`/, 90_000);
      await until(() => fullRunState(sb)?.phase === 'Paused', 'the pause in the run state', 30_000, 20);
      run.kill('SIGKILL');
      await run.done;
      expect(splitWeight(sb)).toBe(10);

      const abort = await runCanary(sb, ['abort', 'myapp', '--reason', 'runner died']);
      expectExit(abort, 0);
      expect(abort.stdout).toMatch(/the runner of apps\/myapp \(\S+ pid \d+\) stopped renewing its Lease before acting: rolling back here/);
      expect(splitWeight(sb)).toBe(0);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      expect(stableImage(sb)).toBe(stable);
      const state = fullRunState(sb)!;
      expect(state.phase).toBe('Aborted');
      expect(state.message).toMatch(/runner died/);
      expect(lease(sb)!.holder).toBeNull();
    });

    it('killed a third time, the Lease left to expire, then `canary abort`: no live runner, it rolls back at once', async () => {
      await until(() => leaseFree(sb), 'a free Lease', LEASE_WAIT, 250);
      const image = healthyImage('abort-expired');
      const run = canary(sb, ['run', indefinitePauseVariant(), '--image', `myapp=${image}`, '--time-scale', '0.1']);
      await run.waitFor(/paused until `canary promote myapp -n apps`/, 90_000);
      await until(() => fullRunState(sb)?.phase === 'Paused', 'the pause in the run state', 30_000, 20);
      run.kill('SIGKILL');
      await run.done;
      await until(() => leaseFree(sb), 'the Lease to expire', LEASE_WAIT, 250);

      const abort = await runCanary(sb, ['abort', 'myapp']);
      expectExit(abort, 0);
      expect(abort.stdout).toMatch(/no live runner for apps\/myapp \(\S+ pid \d+ stopped renewing its Lease\): rolling back here/);
      expect(abort.stdout).toMatch(/weight 10% -> 0% canary \(TrafficSplit\)/);
      expect(splitWeight(sb)).toBe(0);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      expect(fullRunState(sb)!.phase).toBe('Aborted');
      const st = await statusJson(sb);
      expect(st.status).toMatchObject({ phase: 'Aborted', settled: true });
    });

    it('killed after storing its verdict but before releasing the Lease: the next `canary run` takes the live Lease at once', async () => {
      // What a SIGKILL in that instant leaves behind: the run is over (Aborted above) and its owner's
      // Lease was renewed a moment ago. That runner has nothing left to drive.
      const owner = String(fullRunState(sb)!.owner);
      await sb.mutate(catalog.leases, 'apps', 'myapp-canary-lock', (l) => ({ ...l, spec: { ...(l['spec'] as object), holderIdentity: owner, renewTime: new Date().toISOString().replace('Z', '000Z') } }));
      expect(leaseFree(sb)).toBe(false);

      const image = healthyImage('after-verdict');
      const r = await runCanary(sb, ['run', SEED, '--image', `myapp=${image}`, '--time-scale', '0.1']);
      expectExit(r, 0);
      expect(r.stderr).not.toMatch(/another runner/);
      expect(stableImage(sb)).toBe(image);
      expect(lease(sb)!.holder).toBeNull();
    });
  });
}
