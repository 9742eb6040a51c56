/**
 * Moving a running Deployment under canary (examples/workload-ref/, Argo's docs/migrating.md): the
 * Deployment `myapp` serves the load through the seed's Services; `canary run` with a Rollout whose
 * workloadRef names it deploys its template as myapp-stable, moves the Services over once every new
 * pod is up and scales the Deployment to 0 (scaleDown: onsuccess), and no request of the load fails;
 * then a release reads the template from the Deployment again and is promoted.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Cluster } from '../../sandbox/cluster.js';
import { catalog } from '../../sandbox/api/catalog.js';
import { deployment, expectExit, GOOD, killAll, parseFinalLine, requirePrometheus, runCanary, runState, seedCluster, serviceSelector, stableImage, until, verdictLine } from '../support/harness.js';

const EXAMPLE = 'examples/workload-ref/';
const TRACK = 'canary-rollouts/track';

if (requirePrometheus('workloadRef')) {
  describe('examples/workload-ref/: a running Deployment moved under canary', () => {
    let sb: Cluster;
    beforeAll(async () => {
      sb = await seedCluster();
      await sb.create(catalog.deployments, 'apps', parseYaml(readFileSync(`${EXAMPLE}deployment.yaml`, 'utf8')));
      await until(() => (deployment(sb, 'myapp')?.status?.availableReplicas ?? 0) >= 2, 'the Deployment myapp to serve', 60_000);
      // The load runs from the sandbox's start; its 503s before myapp existed are no part of the migration.
      await until(() => sb.load!.stats().ok > 20, 'requests answered by the Deployment', 30_000);
    });
    afterEach(killAll);
    afterAll(async () => sb?.close());

    it('the first run takes the template from the Deployment, moves the Services over and scales it to 0, with no failed request', async () => {
      const failedBefore = sb.load!.stats().failed;
      const r = await runCanary(sb, ['run', EXAMPLE]);
      expectExit(r, 0);
      expect(parseFinalLine(verdictLine(r.stdout))?.reason).toMatch(/^deployed revision \w+ as stable \(first deploy: no steps, no analysis\); Deployment myapp scaled to 0 \(scaleDown: onsuccess\)$/);
      expect(stableImage(sb)).toBe('ghcr.io/mccutchen/go-httpbin:2.17');
      expect(deployment(sb, 'myapp-stable')!.spec.replicas).toBe(2);
      expect(deployment(sb, 'myapp')!.spec.replicas).toBe(0);
      expect(serviceSelector(sb, 'myapp-stable')[TRACK]).toBe('stable');
      // Let the load run on the new pods alone for a moment, then count.
      await new Promise((res) => setTimeout(res, 2_000));
      expect(sb.load!.stats().failed - failedBefore).toBe(0);
    });

    it('a release reads the template from the Deployment again (--image on top) and is promoted', async () => {
      const r = await runCanary(sb, ['run', EXAMPLE, '--image', `myapp=${GOOD}`, '--time-scale', '0.1']);
      expectExit(r, 0);
      expect(verdictLine(r.stdout)).toMatch(/^✔ promoted: apps\/myapp revision \w+, step 4\/4/);
      expect(stableImage(sb)).toBe(GOOD);
      // Argo scales the Deployment on the first revision only.
      expect(deployment(sb, 'myapp')!.spec.replicas).toBe(0);
      expect(runState(sb)!.phase).toBe('Healthy');
    });
  });
}
