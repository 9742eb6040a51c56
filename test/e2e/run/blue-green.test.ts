/**
 * examples/blue-green/ on the sandbox's blue-green scenario (the seed's world plus the preview
 * Service myapp-preview, load to both): the first deploy, a healthy release promoted with the active
 * Service on the new pods and no failed request, 2.18 rolled back by prePromotionAnalysis before the
 * active Service ever selected its pods, and (without prePromotionAnalysis) 2.18 switched to and
 * switched back by postPromotionAnalysis. Argo's e2e TestBlueGreenPrePromotionFail and
 * TestBlueGreenPostPromotionFail (test/e2e/analysis_test.go), with the seed's metric.
 */
import type { Cluster } from '../../sandbox/cluster.js';
import type { K8sObject } from '../../sandbox/store/types.js';
import { BAD, deployment, expectExit, GOOD, killAll, parseFinalLine, requirePrometheus, runCanary, runState, seedCluster, serviceSelector, stableImage, variant, verdictLine } from '../support/harness.js';

const EXAMPLE = 'examples/blue-green/';
/** Another release answering 500s (2.18 was rolled back already: its revision would be refused). */
const BAD_TOO = 'ghcr.io/mccutchen/go-httpbin:2.18-post';
const TRACK = 'canary-rollouts/track';

/** Every track the active Service `myapp` selected while `fn` ran, in order, from the API server's store. */
async function activeSelections<T>(sb: Cluster, fn: () => Promise<T>): Promise<{ result: T; tracks: string[] }> {
  const tracks: string[] = [];
  const stop = sb.store.onChange((type, ev) => {
    const svc = ev.object as K8sObject & { spec?: { selector?: Record<string, string> } };
    if (type.resource !== 'services' || svc.metadata.namespace !== 'apps' || svc.metadata.name !== 'myapp') return;
    const t = svc.spec?.selector?.[TRACK];
    if (t && t !== tracks.at(-1)) tracks.push(t);
  });
  try {
    return { result: await fn(), tracks };
  } finally {
    stop();
  }
}

const failedRequests = (sb: Cluster) => sb.load?.stats().failed ?? 0;

if (requirePrometheus('blue-green')) {
  describe('examples/blue-green/ (Argo e2e TestBlueGreenPrePromotionFail, TestBlueGreenPostPromotionFail)', () => {
    let sb: Cluster;
    beforeAll(async () => {
      sb = await seedCluster({ scenario: 'blue-green', images: { [BAD_TOO]: { errorRate: 1 } } });
    });
    afterEach(killAll);
    afterAll(async () => sb?.close());

    it('lints clean', async () => {
      const r = await runCanary(null, ['lint', EXAMPLE]);
      expectExit(r, 0);
    });

    it('first deploy: exit 0, both Services on the stable pods', async () => {
      const r = await runCanary(sb, ['run', EXAMPLE]);
      expectExit(r, 0);
      expect(parseFinalLine(verdictLine(r.stdout))?.verdict).toBe('deployed');
      expect(serviceSelector(sb, 'myapp')[TRACK]).toBe('stable');
      expect(serviceSelector(sb, 'myapp-preview')[TRACK]).toBe('stable');
    });

    it('a healthy release is promoted: the active Service selects the new pods, no request failed', async () => {
      const before = failedRequests(sb);
      const { result: r, tracks } = await activeSelections(sb, () => runCanary(sb, ['run', EXAMPLE, '--image', `myapp=${GOOD}`, '--time-scale', '0.1']));
      expectExit(r, 0);
      expect(verdictLine(r.stdout)).toMatch(/^✔ promoted: apps\/myapp revision \w+, step -, .*: promoted revision \w+ \(blue-green\)$/);
      expect(r.stdout).toMatch(/analysis pre-promotion Successful/);
      expect(r.stdout).toMatch(/analysis post-promotion Successful/);
      // The switch to the preview, then back to the stable Deployment once it runs the new revision.
      expect(tracks).toEqual(['canary', 'stable']);
      expect(stableImage(sb)).toBe(GOOD);
      expect(serviceSelector(sb, 'myapp')[TRACK]).toBe('stable');
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      expect(runState(sb)!.phase).toBe('Healthy');
      expect(failedRequests(sb) - before).toBe(0);
    });

    it('2.18 is rolled back by prePromotionAnalysis: exit 1, the active Service never selected its pods', async () => {
      const { result: r, tracks } = await activeSelections(sb, () => runCanary(sb, ['run', EXAMPLE, '--image', `myapp=${BAD}`, '--time-scale', '0.1']));
      expectExit(r, 1);
      expect(verdictLine(r.stdout)).toMatch(/^✖ rolled back: apps\/myapp revision \w+, step -, .*: analysis pre-promotion failed: metric success-rate: result \[[\d.]+\] matched failureCondition/);
      expect(tracks).toEqual([]);
      expect(serviceSelector(sb, 'myapp')[TRACK]).toBe('stable');
      expect(stableImage(sb)).toBe(GOOD);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      expect(runState(sb)!.phase).toBe('Degraded');
    });

    it('without prePromotionAnalysis, a release answering 500s is switched to and postPromotionAnalysis switches the active Service back: exit 1', async () => {
      const dir = variant(
        (rollout) => {
          delete rollout.spec.strategy.blueGreen.prePromotionAnalysis;
          rollout.spec.strategy.blueGreen.autoPromotionSeconds = 0;
        },
        { base: EXAMPLE },
      );
      const { result: r, tracks } = await activeSelections(sb, () => runCanary(sb, ['run', dir, '--image', `myapp=${BAD_TOO}`, '--time-scale', '0.1']));
      expectExit(r, 1);
      expect(verdictLine(r.stdout)).toMatch(/: analysis post-promotion failed: metric success-rate: result \[[\d.]+\] matched failureCondition/);
      expect(tracks).toEqual(['canary', 'stable']);
      expect(stableImage(sb)).toBe(GOOD);
      expect(runState(sb)!.phase).toBe('Degraded');
    });
  });
}
