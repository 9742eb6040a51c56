/**
 * Steering a blue-green release (examples/blue-green/ with autoPromotionEnabled: false, Argo's
 * e2e TestBlueGreenAnalysis gate) from other processes, as for a canary: the dry-run plan; `run
 * --exit-on-pause` (7) at the pause before the switch, `status` showing the active and preview
 * stacks, `status --watch --exit-on-pause` (7), `promote`, then `canary run` resuming to the
 * promotion (0); `abort` during the pause (3, the active Service never moved); SIGTERM after the
 * switch, during postPromotionAnalysis (3, the active Service back on stable); SIGKILL during the
 * pause, then `promote` and `canary run` resuming once the Lease expired (0).
 */
import type { Cluster } from '../../sandbox/cluster.js';
import { canary, expectExit, fullRunState, healthyImage, killAll, leaseFree, removeVariants, requirePrometheus, runCanary, seedCluster, serviceSelector, stableImage, until, variant, verdictLine } from '../support/harness.js';

const TRACK = 'canary-rollouts/track';

if (requirePrometheus('blue-green steering')) {
  describe('steering a blue-green release (autoPromotionEnabled: false)', () => {
    let sb: Cluster;
    let dir: string;
    beforeAll(async () => {
      sb = await seedCluster({ scenario: 'blue-green' });
      dir = variant(
        (rollout, template) => {
          const bg = rollout.spec.strategy.blueGreen;
          bg.autoPromotionEnabled = false;
          delete bg.autoPromotionSeconds;
          // A longer check after the switch, so that a signal can land during it.
          template.spec.metrics[0].count = 6;
        },
        { base: 'examples/blue-green/' },
      );
      expectExit(await runCanary(sb, ['run', dir]), 0);
    });
    afterEach(killAll);
    afterAll(async () => {
      removeVariants();
      await sb?.close();
    });

    /** The run of `image` paused before the switch (not the state of an earlier run). */
    const paused = (image: string) =>
      until(
        () => {
          const s = fullRunState(sb) as { phase: string; pause: { durationMs: number | null } | null; images?: { canary: string[] } } | null;
          return s?.phase === 'Paused' && s.pause?.durationMs === null && s.images?.canary.includes(image);
        },
        `the pause before the switch of ${image}`,
        60_000,
      );

    it('the dry run plans the blue-green sequence and writes nothing', async () => {
      const r = await runCanary(sb, ['run', dir, '--image', `myapp=${healthyImage('plan')}`, '--dry-run']);
      expectExit(r, 0);
      expect(r.stdout).toMatch(/traffic: blue-green: the active Service myapp is switched to the new revision, the preview Service myapp-preview shows it before/);
      expect(r.stdout).toMatch(/ {2}3 {2}pause until `canary promote` \(autoPromotionEnabled: false\)/);
      expect(r.stdout).toMatch(/ {2}5 {2}postPromotionAnalysis: success-rate every 15s x6 \(1m15s\); a failure switches myapp back/);
      expect(fullRunState(sb)?.phase).toBe('Healthy');
    });

    it('exit-on-pause (7), status shows both stacks, watch --exit-on-pause (7), promote, and run resumes to the promotion (0)', async () => {
      const image = healthyImage('gate');
      const args = ['run', dir, '--image', `myapp=${image}`, '--time-scale', '0.1'];
      const first = await runCanary(sb, [...args, '--exit-on-pause']);
      expectExit(first, 7);
      expect(verdictLine(first.stdout)).toMatch(/^॥ paused: apps\/myapp revision \w+, step -, .*: paused before switching myapp to the preview, until `canary promote myapp( -n apps)?`; exiting because of --exit-on-pause/);

      const status = await runCanary(sb, ['status', 'myapp']);
      expectExit(status, 0);
      expect(status.stdout).toMatch(/^Strategy:\s+BlueGreen$/m);
      expect(status.stdout).toMatch(/^ {2}Active:\s+myapp -> stable Deployment$/m);
      expect(status.stdout).toMatch(/^ {2}Preview:\s+myapp-preview -> canary Deployment$/m);
      expect(status.stdout).toMatch(/myapp-canary +Deployment +✔ Healthy +\S+ +preview$/m);
      expect(status.stdout).toMatch(/myapp-stable +Deployment +✔ Healthy +\S+ +stable,active$/m);

      const watch = await runCanary(sb, ['status', 'myapp', '--watch', '--exit-on-pause']);
      expectExit(watch, 7);
      expectExit(await runCanary(sb, ['promote', 'myapp']), 0);
      const resumed = await runCanary(sb, args);
      expectExit(resumed, 0);
      expect(resumed.stdout).toMatch(/resumed blue-green release of apps\/myapp/);
      expect(stableImage(sb)).toBe(image);
      expect(serviceSelector(sb, 'myapp')[TRACK]).toBe('stable');
    });

    it('abort from another process during the pause: exit 3, the active Service never moved', async () => {
      const image = healthyImage('abort');
      const run = canary(sb, ['run', dir, '--image', `myapp=${image}`, '--time-scale', '0.1']);
      await paused(image);
      expectExit(await runCanary(sb, ['abort', 'myapp', '--reason', 'not today']), 0);
      expect(await run.done).toBe(3);
      expect(verdictLine(run.stdout)).toMatch(/aborted by .*: not today/);
      expect(serviceSelector(sb, 'myapp')[TRACK]).toBe('stable');
      expectExit(await runCanary(sb, ['status', 'myapp', '--watch']), 3);
    });

    it('SIGTERM during postPromotionAnalysis: the active Service goes back to stable, exit 3', async () => {
      const before = stableImage(sb);
      const image = healthyImage('sigterm');
      const run = canary(sb, ['run', dir, '--image', `myapp=${image}`, '--time-scale', '0.1']);
      await paused(image);
      expectExit(await runCanary(sb, ['promote', 'myapp']), 0);
      await until(() => (fullRunState(sb) as { promotion?: { stage: string } | null } | null)?.promotion?.stage === 'PostPromotionAnalysis' && serviceSelector(sb, 'myapp')[TRACK] === 'canary', 'the switch', 60_000);
      run.kill('SIGTERM');
      expect(await run.done).toBe(3);
      expect(serviceSelector(sb, 'myapp')[TRACK]).toBe('stable');
      expect(stableImage(sb)).toBe(before);
      expect(fullRunState(sb)?.phase).toBe('Aborted');
    });

    it('SIGKILL during the pause: promote, then canary run resumes once the Lease expired (0)', async () => {
      const image = healthyImage('sigkill');
      const args = ['run', dir, '--image', `myapp=${image}`, '--time-scale', '0.1'];
      const run = canary(sb, args);
      await paused(image);
      run.kill('SIGKILL');
      await run.done;
      expectExit(await runCanary(sb, ['promote', 'myapp']), 0);
      await until(() => leaseFree(sb), 'the dead runner\'s Lease to expire', 40_000, 250);
      const resumed = await runCanary(sb, args);
      expectExit(resumed, 0);
      expect(resumed.stdout).toMatch(/resuming the run of revision \w+ \(Paused\)/);
      expect(stableImage(sb)).toBe(image);
    });
  });
}
