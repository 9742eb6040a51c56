/**
 * examples/experiment/ on the sandbox with real Prometheus: a baseline (the stable spec) and a canary
 * at one replica each, each behind its own Service that the load generator calls at the same rate,
 * judged by the built-in judge on the seed's success query scoped by pod-template-hash. 2.18 (500s
 * to 30% of requests) is rolled back with the metric named; 2.17.1 is promoted. Either way nothing
 * of the experiment is left.
 */
import type { Cluster } from '../../sandbox/cluster.js';
import type { LoadGenerator } from '../../sandbox/world/load.js';
import { BAD, deployment, experimentObjects, firstDeploy, fullRunState, GOOD, killAll, requirePrometheus, runCanary, seedCluster, splitWeight } from '../support/harness.js';

const EXPERIMENT = 'examples/experiment/';
// The judge looks back 100 s at one sample every 2 s; --time-scale 0.5 makes its initialDelay 50 s,
// so about 25 samples per side have data (minSamples 10).
const ARGS = ['--time-scale', '0.5', '--arg', 'lookback=100s', '--arg', 'step=2s'];

if (requirePrometheus('the experiment example')) {
  describe('examples/experiment: baseline versus canary, judged', () => {
    let sb: Cluster;
    let loads: LoadGenerator[] = [];
    beforeAll(async () => {
      sb = await seedCluster({ images: { [BAD]: { errorRate: 0.3 } } });
      await firstDeploy(sb);
      // The experiment's traffic: both Services at the same rate (unresolved until canary creates them).
      loads = ['myapp-baseline', 'myapp-experiment'].map((svc) => sb.startLoad({ rps: 20, path: '/get', from: 'apps/dependant-api-service', to: `apps/${svc}` }));
    });
    afterEach(killAll);
    afterAll(async () => {
      for (const l of loads) l.stop();
      await sb?.close();
    });

    it('a release of 2.18 is rolled back by the judge, naming the metric that moved: exit 1', async () => {
      const r = await runCanary(sb, ['run', EXPERIMENT, '--image', `myapp=${BAD}`, ...ARGS]);
      expect({ code: r.code, tail: r.stdout.split('\n').slice(-4).join('\n') }).toMatchObject({ code: 1 });
      expect(r.stdout).toMatch(/✖ rolled back: apps\/myapp revision \w+, step 1\/4, .*analysis step-1-judge failed: .*success-rate Low \(critical\): canary mean 0\.[5-8]\d* vs baseline (1|0\.9\d*)/);
      expect(fullRunState(sb)!.phase).toBe('Degraded');
      expect(deployment(sb, 'myapp-stable')!.spec.template.spec.containers[0]!.image).not.toBe(BAD);
      expect(splitWeight(sb)).toBe(0);
      expect(experimentObjects(sb)).toEqual([]);
      // The template Services (service.name) are this run's, not an earlier run's leftovers.
      expect(r.stdout).toMatch(/deleted experiment Service myapp-baseline\n/);
      expect(r.stdout).not.toMatch(/left by an earlier run/);
    });

    it('a release of 2.17.1 passes the judge and is promoted: exit 0', async () => {
      const r = await runCanary(sb, ['run', EXPERIMENT, '--image', `myapp=${GOOD}`, ...ARGS]);
      expect({ code: r.code, tail: r.stdout.split('\n').slice(-4).join('\n') }).toMatchObject({ code: 0 });
      expect(r.stdout).toMatch(/✔ promoted: apps\/myapp revision \w+, step 4\/4/);
      const judged = fullRunState(sb)!.analyses.find((a) => a.id === 'step-1-judge')!;
      expect(judged.phase).toBe('Successful');
      expect(judged.metrics[0]!.measurements.at(-1)!.value).toMatch(/^score 100 \(Pass\): success-rate Pass/);
      expect(deployment(sb, 'myapp-stable')!.spec.template.spec.containers[0]!.image).toBe(GOOD);
      expect(experimentObjects(sb)).toEqual([]);
      expect(r.stdout).not.toMatch(/left by an earlier run/);
    });
  });
}
