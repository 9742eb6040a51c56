/**
 * A cancelled CI job: SIGTERM to the runner rolls back (traffic to stable, canary scaled down) and
 * exits 3; a second signal during the scale-down countdown exits at once with the verdict, and the
 * next canary command does the scale-down. And two runners started at once: one drives, the other exits 5 naming the holder.
 */
import type { Cluster } from '../../sandbox/cluster.js';
import {
  canary,
  deployment,
  eventReasons,
  expectExit,
  firstDeploy,
  fullRunState,
  healthyImage,
  killAll,
  lease,
  parseFinalLine, verdictLine,
  recordTimeline,
  requirePrometheus,
  runCanary,
  SEED,
  seedCluster,
  splitWeight,
  stableImage,
  statusJson,
  until,
} from '../support/harness.js';

if (requirePrometheus('signals and the lock')) {
  describe('signals to the runner, and two runners at once', () => {
    let sb: Cluster;
    beforeAll(async () => {
      sb = await seedCluster();
      await firstDeploy(sb);
    });
    afterEach(killAll);
    afterAll(async () => sb?.close());

    it('SIGTERM mid-pause (a cancelled CI job): rollback to stable, canary scaled down, exit 3', async () => {
      const image = healthyImage('sigterm');
      const stable = stableImage(sb);
      const timeline = recordTimeline(sb);
      const run = canary(sb, ['run', SEED, '--image', `myapp=${image}`, '--time-scale', '0.2']);
      await run.waitFor(/step 2\/9: pause 6s/, 90_000);
      run.kill('SIGTERM');
      const code = await run.done;
      timeline.stop();
      expectExit({ code, stdout: run.stdout, stderr: run.stderr }, 3);
      expect(run.stdout).toMatch(/SIGTERM: rolling back to stable \(send it again to exit now and leave the rollout as it is\)/);
      const f = parseFinalLine(verdictLine(run.stdout))!;
      expect(f).toMatchObject({ verdict: 'aborted', rollout: 'apps/myapp', step: '2/9' });
      expect(f.reason).toBe('interrupted by SIGTERM at step 2/9 (weight 10%)');
      expect(run.stdout).toMatch(/canary scaled down to 0\n/);
      expect(timeline.weights()).toEqual([10, 0]);
      // The background analysis the signal cut short is Terminated, never a success (issue 16 item 1).
      expect(run.stdout).toMatch(/ myapp analysis background Terminated before it finished /);
      expect(run.stdout).not.toMatch(/analysis background Successful/);
      expect((await runCanary(sb, ['status', 'myapp'])).stdout).toMatch(/^└─α background +AnalysisRun +⊘ Terminated /m);

      expect(splitWeight(sb)).toBe(0);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      expect(stableImage(sb)).toBe(stable);
      expect(fullRunState(sb)).toMatchObject({ phase: 'Aborted', weight: 0 });
      expect(lease(sb)!.holder).toBeNull();
      expect(eventReasons(sb)).toContain('RolloutAborted');
    });

    it('a second signal during the scale-down countdown exits at once with the verdict; the next canary command scales the canary down', async () => {
      const image = healthyImage('sigterm-twice');
      // 0.5: abortScaleDownDelaySeconds is 15 s, so the second signal lands while the runner waits to scale down.
      const args = [SEED, '--image', `myapp=${image}`, '--time-scale', '0.5'];
      const run = canary(sb, ['run', ...args]);
      await run.waitFor(/step 2\/9: pause 15s/, 90_000);
      run.kill('SIGTERM');
      // The verdict comes as soon as traffic is back on stable, before the 15 s scale-down delay.
      await run.waitFor(/scaling the canary down at \S+ \(in 15s, abortScaleDownDelaySeconds\)/);
      expect(parseFinalLine(verdictLine(run.stdout))).toMatchObject({ verdict: 'aborted', step: '2/9', reason: 'interrupted by SIGTERM at step 2/9 (weight 10%)' });
      run.kill('SIGTERM');
      const code = await run.done;
      expectExit({ code, stdout: run.stdout, stderr: run.stderr }, 3);
      expect(run.stdout).toMatch(/interrupted by SIGTERM: the canary's scale-down is left to the next canary command\n/);
      expect(run.stdout.match(/^✖ aborted: /gm)).toHaveLength(1);

      // "At once": it did not wait for the 15 s delay (the canary is still up); the verdict is stored.
      expect(splitWeight(sb)).toBe(0);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(1);
      const left = fullRunState(sb)! as unknown as { phase: string; scaleDown: { at: number } | null; revision: string };
      expect(left.phase).toBe('Aborted');
      expect(left.scaleDown).not.toBeNull();
      expect(lease(sb)!.holder).toBeNull();
      const st = await statusJson(sb);
      expect(st.status).toMatchObject({ phase: 'Aborted', settled: true });
      expect(st.scaleDown).toMatchObject({ delay: 'abortScaleDownDelaySeconds', by: 'next-command' });

      // Once due, the next canary command (here `canary status`) scales the canary down and says so.
      await until(() => Date.now() >= left.scaleDown!.at, 'the scale-down to be due', 30_000, 200);
      const next = await runCanary(sb, ['status', 'myapp']);
      expectExit(next, 0);
      expect(next.stderr).toMatch(new RegExp(`^scaled the canary of apps/myapp down to 0: the run of revision ${left.revision} left it to the next canary command$`, 'm'));
      expect(next.stdout).not.toMatch(/Scale-down:/);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      expect((fullRunState(sb) as unknown as { scaleDown: unknown }).scaleDown).toBeNull();
      expect(eventReasons(sb)).toContain('ScalingReplicaSet');
    });

    it('two runners started at once: one drives, the other exits 5 naming the holder', async () => {
      const image = healthyImage('two');
      const args = ['run', SEED, '--image', `myapp=${image}`, '--time-scale', '0.1'];
      const a = canary(sb, args);
      const b = canary(sb, args);
      const first = await Promise.race([a.done.then((c) => ({ p: a, other: b, c })), b.done.then((c) => ({ p: b, other: a, c }))]);
      expectExit({ code: first.c, stdout: first.p.stdout, stderr: first.p.stderr }, 5);
      expect(first.p.stdout).toBe('');
      expect(first.p.stderr).toMatch(new RegExp(`^error: another runner drives Rollout apps/myapp: \\S+ pid ${first.other.child.pid} \\(`));
      expect(first.p.stderr).toMatch(/hint: watch it with `canary status myapp -n apps --watch`/);
      // The holder is the other process, and it is the one that finishes the rollout.
      await until(() => lease(sb)?.holder?.includes(`pid ${first.other.child.pid}`) || first.other.exitedAt !== null, 'the holder in the Lease', 30_000);
      const code = await first.other.done;
      expectExit({ code, stdout: first.other.stdout, stderr: first.other.stderr }, 0);
      expect(parseFinalLine(verdictLine(first.other.stdout))).toMatchObject({ verdict: 'promoted', step: '9/9' });
      expect(stableImage(sb)).toBe(image);
    });
  });
}
