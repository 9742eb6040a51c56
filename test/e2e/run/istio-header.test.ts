/**
 * A header route over Istio (examples/istio/ with a tagged cohort first): the load generator tags
 * 10% of its requests `X-Canary: yes`; while canary's route canary.myapp.testers-<digest> is first
 * in VirtualService apps/myapp, only those reach the canary. The route is gone after `canary
 * promote --full` (exit 0) and after `canary abort` (exit 3); the user's routes are never touched.
 * (The sandbox's mesh does not model Istio's `mirror`: mirror routes are checked by
 * test/routing/istio.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { catalog } from '../../sandbox/api/catalog.js';
import type { Cluster } from '../../sandbox/cluster.js';
import type { K8sObject } from '../../sandbox/store/types.js';
import type { LoadStats } from '../../sandbox/world/load.js';
import { canary, expectExit, firstDeployOf, healthyImage, killAll, removeVariants, requirePrometheus, ROOT, runCanary, seedCluster, stableImage, until, variant } from '../support/harness.js';

const TAG = { header: 'X-Canary', value: 'yes', share: 0.1 };

type Http = { name?: string; route?: { weight?: number }[] }[];
const http = (sb: Cluster) => ((sb.store.tryGet(catalog.virtualservices, 'apps', 'myapp') as K8sObject)['spec'] as { http: Http }).http;
const ownRoutes = (sb: Cluster) => http(sb).map((r) => r.name ?? '').filter((n) => n.startsWith('canary.myapp.'));
const userRoutes = (sb: Cluster) => http(sb).filter((r) => !r.name?.startsWith('canary.')).map((r) => ({ ...r, route: r.route?.map(({ weight: _w, ...d }) => d) }));

const answered = (s: LoadStats, backend: string, tagged: boolean) => {
  const t = (tagged ? s.tagged.byBackend : s.byBackend)[backend];
  return t ? t.ok + t.failed : 0;
};

if (requirePrometheus('a header route over Istio')) {
  describe('a header route on VirtualService apps/myapp', () => {
    let sb: Cluster;
    let dir: string;
    let user: unknown;
    beforeAll(async () => {
      sb = await seedCluster({ apis: { smi: ['v1alpha1', 'v1alpha2'], gatewayApi: ['v1', 'v1beta1'], istio: ['v1', 'v1beta1', 'v1alpha3'] }, load: { rps: 40, path: '/get', tag: TAG } });
      await sb.create(catalog.virtualservices, 'apps', parseYaml(readFileSync(join(ROOT, 'examples/istio/virtualservice.yaml'), 'utf8')) as K8sObject);
      dir = variant((r) => {
        const c = r.spec.strategy.canary;
        c.trafficRouting.managedRoutes = [{ name: 'testers' }];
        c.steps = [
          { setCanaryScale: { replicas: 1 }, setHeaderRoute: { name: 'testers', match: [{ headerName: 'X-Canary', headerValue: { exact: 'yes' } }] } },
          { pause: {} },
          ...c.steps,
        ];
      }, { base: 'examples/istio/' });
      await firstDeployOf(sb, dir);
      user = userRoutes(sb);
    });
    afterEach(killAll);
    afterAll(async () => {
      removeVariants();
      await sb?.close();
    });

    it('only tagged requests reach the canary while the route is first; `canary promote --full` removes it: exit 0', async () => {
      const image = healthyImage('istio-header');
      const p = canary(sb, ['run', dir, '--image', `myapp=${image}`, '--time-scale', '0.2']);
      await p.waitFor(/paused until `canary promote myapp -n apps`/, 90_000);
      expect(ownRoutes(sb)).toEqual([expect.stringMatching(/^canary\.myapp\.testers-[0-9a-f]{8}$/)]);
      expect(http(sb)[0]!.name).toMatch(/^canary\.myapp\.testers-/);
      const a = sb.load!.stats();
      await until(() => answered(sb.load!.stats(), 'myapp-canary', true) - answered(a, 'myapp-canary', true) >= 8, 'tagged requests answered by the canary', 20_000);
      const b = sb.load!.stats();
      const d = (backend: string, tagged: boolean) => answered(b, backend, tagged) - answered(a, backend, tagged);
      expect(d('myapp-canary', false) - d('myapp-canary', true)).toBe(0);
      expect(d('myapp-stable', true)).toBe(0);
      expect(d('myapp-stable', false)).toBeGreaterThan(0);

      expectExit(await runCanary(sb, ['promote', 'myapp', '--full']), 0);
      const code = await p.done;
      expectExit({ code, stdout: p.stdout, stderr: p.stderr }, 0);
      expect(ownRoutes(sb)).toEqual([]);
      expect(userRoutes(sb)).toEqual(user);
      expect(stableImage(sb)).toBe(image);
    });

    it('`canary abort` at the pause removes the route: exit 3', async () => {
      const p = canary(sb, ['run', dir, '--image', `myapp=${healthyImage('istio-header-abort')}`, '--time-scale', '0.2']);
      await p.waitFor(/paused until `canary promote myapp -n apps`/, 90_000);
      expect(ownRoutes(sb)).toHaveLength(1);
      expectExit(await runCanary(sb, ['abort', 'myapp']), 0);
      const code = await p.done;
      expectExit({ code, stdout: p.stdout, stderr: p.stderr }, 3);
      expect(ownRoutes(sb)).toEqual([]);
      expect(userRoutes(sb)).toEqual(user);
    });
  });
}
