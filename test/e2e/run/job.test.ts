/**
 * A smoke-test Job as an analysis step (examples/providers/job.yaml): the seed with an analysis
 * step after weight 10 that runs the Job. The sandbox's kubelet runs the Job's pod by its image's
 * profile (a `:fail` tag exits 1); the Job controller is the sandbox's, or kube-controller-manager's
 * on the real control plane (`npm run test:k8s`). A passing Job lets the release through (0), a
 * failing one rolls it back (1) with the Job's reason; the Jobs stay for `kubectl logs`.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Cluster } from '../../sandbox/cluster.js';
import { catalog } from '../../sandbox/api/catalog.js';
import { deployment, firstDeploy, GOOD, killAll, removeVariants, requirePrometheus, runCanary, runState, seedCluster, splitWeight, variant, type Doc } from '../support/harness.js';

const SMOKE_TEMPLATE = parse(readFileSync('examples/providers/job.yaml', 'utf8')) as Doc;

/** The seed with `analysis: smoke-test` right after `setWeight: 10`, the smoke image given. */
const withSmokeTest = (image: string) =>
  variant((rollout) => {
    rollout.spec.strategy.canary.steps.splice(1, 0, {
      analysis: { templates: [{ templateName: 'smoke-test' }], args: [{ name: 'service-name', value: 'myapp-canary' }, { name: 'image', value: image }] },
    });
    return { 'smoke-test.yaml': { ...SMOKE_TEMPLATE, metadata: { ...SMOKE_TEMPLATE.metadata, namespace: 'apps' } } };
  });

if (requirePrometheus('a smoke-test Job as an analysis step')) {
  describe('a smoke-test Job as an analysis step', () => {
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
    const jobs = () => sb.store.list(catalog.jobs, 'apps').items;
    const condition = (j: Doc) => (j.status?.conditions ?? []).find((c: Doc) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')?.type;

    it('a Job that passes lets the release through: promoted, exit 0', async () => {
      const r = await runCanary(sb, ['run', withSmokeTest('curlimages/curl:8.10.1'), '--image', `myapp=${GOOD}`, '--time-scale', '0.1']);
      expect({ code: r.code, out: r.stdout.split('\n').slice(-4).join('\n'), err: r.stderr }).toMatchObject({ code: 0 });
      expect(r.stdout).toMatch(/smoke-test Successful/);
      const smoke = jobs().filter((j) => j.metadata.labels?.['canary-rollouts/metric'] === 'smoke-test');
      expect(smoke.map(condition)).toEqual(['Complete']);
      expect(smoke[0]!.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'canary', 'canary-rollouts/rollout': 'myapp', app: 'smoke-test' });
      expect(deployment(sb, 'myapp-stable')!.spec.template.spec.containers[0]!.image).toBe(GOOD);
    });

    it('a Job that fails rolls the release back: exit 1, naming the Job and its reason', async () => {
      const r = await runCanary(sb, ['run', withSmokeTest('curlimages/curl:fail'), '--image', 'myapp=ghcr.io/mccutchen/go-httpbin:2.17.2', '--time-scale', '0.1']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/✖ rolled back: apps\/myapp revision \w+, step 2\/10, .*: analysis \S+ failed: metric smoke-test: Job apps\/myapp-smoke-test-1-[0-9a-f]{5} failed: BackoffLimitExceeded: Job has reached the specified backoff limit \(failed 1 > failureLimit 0\)/);
      expect(splitWeight(sb)).toBe(0);
      expect(deployment(sb, 'myapp-stable')!.spec.template.spec.containers[0]!.image).toBe(GOOD);
      expect(runState(sb)!.phase).toBe('Degraded');
      const failed = jobs().filter((j) => condition(j) === 'Failed');
      expect(failed).toHaveLength(1);
    });
  });
}
