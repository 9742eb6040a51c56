/**
 * The seed article's promise over SMI: a good release is promoted, a bad one (500s to the
 * dependant service) is caught by Linkerd metrics in real Prometheus and rolled back.
 */
import type { Cluster } from '../../sandbox/cluster.js';
import { BAD, deployment, eventReasons, firstDeploy, GOOD, killAll, requirePrometheus, runCanary, runState, SEED, seedCluster, serviceSelector, splitWeight } from '../support/harness.js';

if (requirePrometheus('the seed over SMI')) {
  describe('the seed, verbatim, over SMI', () => {
    let sb: Cluster;
    beforeAll(async () => {
      sb = await seedCluster();
      await firstDeploy(sb);
    });
    afterEach(killAll);
    afterAll(async () => sb?.close());

    it('a healthy release (2.17 -> 2.17.1) is promoted: exit 0', async () => {
      const r = await runCanary(sb, ['run', SEED, '--image', `myapp=${GOOD}`, '--time-scale', '0.1']);
      expect({ code: r.code, tail: r.stdout.split('\n').slice(-3).join('\n') }).toMatchObject({ code: 0 });
      expect(r.stdout).toMatch(/✔ promoted: apps\/myapp revision \w+, step 9\/9/);
      expect(deployment(sb, 'myapp-stable')!.spec.template.spec.containers[0]!.image).toBe(GOOD);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      expect(splitWeight(sb)).toBe(0);
      expect(serviceSelector(sb, 'myapp-canary')['canary-rollouts/track']).toBe('stable');
      expect(serviceSelector(sb, 'myapp')['canary-rollouts/track']).toBeUndefined();
      expect(runState(sb)!.phase).toBe('Healthy');
      expect(eventReasons(sb)).toEqual(expect.arrayContaining(['RolloutUpdated', 'TrafficWeightUpdated', 'RolloutStepCompleted', 'RolloutCompleted']));
    });

    it('a release answering 500s is rolled back at the first analysis after weight 10: exit 1', async () => {
      const r = await runCanary(sb, ['run', SEED, '--image', `myapp=${BAD}`, '--time-scale', '0.2']);
      expect(r.code).toBe(1);
      // The verdict as soon as traffic is back on stable, the canary's scale-down after it.
      const lines = r.stdout.trim().split('\n');
      const final = lines.at(-3)!;
      expect(lines.at(-2)).toMatch(/ myapp scaling the canary down at \S+ \(in 6s, abortScaleDownDelaySeconds\); Ctrl\+C leaves it to the next canary command$/);
      expect(lines.at(-1)).toMatch(/ myapp canary scaled down to 0$/);
      expect(final).toMatch(/^✖ rolled back: apps\/myapp revision \w+, step [12]\/9, .*: analysis background failed: metric success-rate: result \[[\d.]+\] matched failureCondition "len\(result\) > 0 && result\[0\] > 0" \(failed 1 > failureLimit 0\)/);
      expect(r.stdout).not.toMatch(/weight 10% -> 40%/);
      expect(splitWeight(sb)).toBe(0);
      expect(deployment(sb, 'myapp-stable')!.spec.template.spec.containers[0]!.image).toBe(GOOD);
      // The canary is scaled down after abortScaleDownDelaySeconds (30 s x 0.2), before canary exits (--scale-down wait).
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      expect(runState(sb)!.phase).toBe('Degraded');
      expect(eventReasons(sb)).toEqual(expect.arrayContaining(['RolloutAborted', 'AnalysisRunFailed']));
    });
  });
}
