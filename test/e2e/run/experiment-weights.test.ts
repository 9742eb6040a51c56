/**
 * Weighted experiment templates over SMI, the Gateway API plugin and, in the sandbox, Istio (Argo
 * docs/features/experiment.md, "Weighted Experiment Step with Traffic Routing"; the plugin's
 * pkg/plugin/experiment.go; Argo's istio.go processRoutes): the seed (or examples/gateway-api/,
 * examples/istio/) with an experiment step after setWeight 10 whose baseline and canary templates
 * get weight 20 each. While the experiment runs, the TrafficSplit (the HTTPRoute's split rule, the
 * VirtualService's route "primary") has four backends (canary 10, the two experiment Services 20 each, stable 50) and the load to
 * the root Service reaches the experiment pods in about those shares; after the step, and after a SIGTERM mid-experiment,
 * no experiment backend, Deployment or Service is left and the experiment pods get no request. And
 * once the Rollout has no experiment step, the next run finds what an earlier experiment left and deletes it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { catalog } from '../../sandbox/api/catalog.js';
import type { Cluster } from '../../sandbox/cluster.js';
import type { LoadGenerator, LoadStats } from '../../sandbox/world/load.js';
import { canary, CONTROL_PLANE, expectExit, experimentObjects, firstDeploy, firstDeployOf, GATEWAY, httpRoute, ROOT, runCanary, GOOD, healthyImage, killAll, removeVariants, report, requirePrometheus, seedCluster, until, variant } from '../support/harness.js';

type Backend = { service: string; weight: number | string };

function splitBackends(sb: Cluster): Backend[] {
  const ts = sb.store.tryGet(catalog.trafficsplits, 'apps', 'myapp') as { spec?: { backends?: Backend[] } } | undefined;
  return ts?.spec?.backends ?? [];
}

/** The HTTPRoute's split rule as backends, canary first and stable last as the TrafficSplit has them. */
function routeBackends(sb: Cluster): Backend[] {
  const refs = httpRoute(sb)?.spec.rules[0]?.backendRefs ?? [];
  const named = (n: string) => refs.filter((r) => r.name === n).map((r) => ({ service: r.name, weight: r.weight ?? 1 }));
  return [...named('myapp-canary'), ...refs.filter((r) => r.name !== 'myapp-canary' && r.name !== 'myapp-stable').map((r) => ({ service: r.name, weight: r.weight ?? 1 })), ...named('myapp-stable')];
}

const ISTIO = 'examples/istio/';

type Vs = { metadata: { annotations?: Record<string, string> }; spec: { http: { name?: string; route: { destination: { host: string }; weight?: number }[] }[] } };
const virtualService = (sb: Cluster) => sb.store.tryGet(catalog.virtualservices, 'apps', 'myapp') as Vs | undefined;

/** The VirtualService's route "primary" as backends, canary first and stable last as the TrafficSplit has them. */
function vsBackends(sb: Cluster): Backend[] {
  const route = (virtualService(sb)?.spec.http.find((r) => r.name === 'primary')?.route ?? []).map((d) => ({ service: d.destination.host, weight: d.weight ?? 0 }));
  const named = (n: string) => route.filter((b) => b.service === n);
  return [...named('myapp-canary'), ...route.filter((b) => b.service !== 'myapp-canary' && b.service !== 'myapp-stable'), ...named('myapp-stable')];
}

interface Router {
  title: string;
  /** The example the variant is made from. */
  base: string;
  /** The sandbox's APIs, when the seed's are not enough. */
  cluster?: Parameters<typeof seedCluster>[0];
  setUp(sb: Cluster): Promise<void>;
  backends(sb: Cluster): Backend[];
  /** The route object's annotations (canary's record of the experiment backends it added). */
  annotations(sb: Cluster): Record<string, string> | undefined;
}

const ISTIO_ROUTER: Router = {
  title: 'Istio',
  base: ISTIO,
  cluster: { apis: { smi: ['v1alpha1', 'v1alpha2'], gatewayApi: ['v1', 'v1beta1'], istio: ['v1', 'v1beta1', 'v1alpha3'] } },
  setUp: async (sb: Cluster) => {
    await sb.create(catalog.virtualservices, 'apps', parseYaml(readFileSync(join(ROOT, ISTIO, 'virtualservice.yaml'), 'utf8')));
    await firstDeployOf(sb, ISTIO);
  },
  backends: vsBackends,
  annotations: (sb: Cluster) => virtualService(sb)?.metadata.annotations,
};

const ROUTERS: Router[] = [
  { title: 'SMI', base: 'examples/seed/', setUp: (sb) => firstDeploy(sb), backends: splitBackends, annotations: () => undefined },
  {
    title: 'the Gateway API plugin',
    base: GATEWAY,
    setUp: async (sb) => {
      await sb.create(catalog.httproutes, 'apps', parseYaml(readFileSync(join(ROOT, GATEWAY, 'httproute.yaml'), 'utf8')));
      await firstDeployOf(sb, GATEWAY);
    },
    backends: routeBackends,
    annotations: (sb) => httpRoute(sb)?.metadata.annotations,
  },
  // Sandbox only: the real control plane suite is near its time budget, and Istio's routing there is the same sandbox mesh.
  ...(CONTROL_PLANE === 'sandbox' ? [ISTIO_ROUTER] : []),
];

/** Requests answered per backend Service between two snapshots of the load's stats. */
function answered(before: LoadStats, after: LoadStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [svc, t] of Object.entries(after.byBackend)) out[svc] = t.ok + t.failed - ((before.byBackend[svc]?.ok ?? 0) + (before.byBackend[svc]?.failed ?? 0));
  return out;
}

const isExperiment = (svc: string) => /^myapp-\w+-1-(baseline|canary)$/.test(svc);

if (requirePrometheus('weighted experiment templates')) {
  describe.each(ROUTERS)('an experiment step with weighted templates over $title', (router) => {
    let sb: Cluster;
    let load: LoadGenerator;
    let dir: string;
    const backends = (c: Cluster) => router.backends(c);
    beforeAll(async () => {
      sb = await seedCluster(router.cluster);
      await router.setUp(sb);
      load = sb.startLoad({ rps: 30, path: '/get', from: 'apps/dependant-api-service', to: 'apps/myapp' });
      dir = variant((r) => {
        r.spec.strategy.canary.steps = [
          { setWeight: 10 },
          {
            experiment: {
              duration: '40s',
              templates: [
                { name: 'baseline', specRef: 'stable', weight: 20 },
                { name: 'canary', specRef: 'canary', weight: 20 },
              ],
            },
          },
          { setWeight: 100 },
        ];
      }, { base: router.base });
    });
    afterEach(killAll);
    afterAll(async () => {
      load?.stop();
      removeVariants();
      await sb?.close();
    });

    it('the experiment pods get about their weight while it runs, and nothing of it is left after the step: exit 0', async () => {
      const run = canary(sb, ['run', dir, '--image', `myapp=${GOOD}`]);
      const four = await until(() => (backends(sb).length === 4 ? backends(sb) : null), 'four TrafficSplit backends', 90_000);
      const services = four.map((b) => b.service);
      expect(four.map((b) => [isExperiment(b.service) ? 'experiment' : b.service, Number(b.weight)])).toEqual([
        ['myapp-canary', 10],
        ['experiment', 20],
        ['experiment', 20],
        ['myapp-stable', 50],
      ]);
      // Each experiment backend is a Service canary made for the template, selecting its pods.
      expect(experimentObjects(sb).filter((o) => o.startsWith('services/')).map((o) => o.slice('services/'.length)).sort()).toEqual(services.slice(1, 3).sort());
      // From the first answers of both experiment Services on (their endpoints, and on the real control
      // plane the mesh's copy of the TrafficSplit, may lag the write by a moment).
      const from = await until(() => {
        const st = load.stats();
        return services.slice(1, 3).every((svc) => (st.byBackend[svc]?.ok ?? 0) > 0) ? st : null;
      }, 'answers from both experiment Services', 30_000);
      await new Promise((r) => setTimeout(r, 20_000));
      const counts = answered(from, load.stats());
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      const share = (svc: string) => (counts[svc] ?? 0) / total;
      report(`experiment weights (${router.title}): shares over 20 s at 30 rps`, services.map((s) => `${isExperiment(s) ? s.replace(/^myapp-\w+-1-/, 'experiment ') : s} ${(share(s) * 100).toFixed(1)}%`).join(', '));
      expect(total).toBeGreaterThan(400);
      for (const s of services.slice(1, 3)) expect(share(s)).toBeGreaterThan(0.13);
      for (const s of services.slice(1, 3)) expect(share(s)).toBeLessThan(0.27);
      expect(share('myapp-stable')).toBeGreaterThan(0.4);
      expect(share('myapp-stable')).toBeLessThan(0.6);

      expectExit({ code: await run.done, stdout: run.stdout, stderr: run.stderr }, 0);
      expect(backends(sb).map((b) => b.service)).toEqual(['myapp-canary', 'myapp-stable']);
      // canary's record of the backends it added to an HTTPRoute or a VirtualService goes with them.
      expect(router.annotations(sb)?.['canary-rollouts/experiment-backends']).toBeUndefined();
      expect(experimentObjects(sb)).toEqual([]);
      const after = load.stats();
      await new Promise((r) => setTimeout(r, 3_000));
      const later = answered(after, load.stats());
      expect(services.slice(1, 3).map((s) => later[s] ?? 0)).toEqual([0, 0]);
    });

    (router.title === 'SMI' ? it : it.skip)("the Rollout's experiment steps removed: the next run deletes what an earlier experiment left, naming each object: exit 0", async () => {
      const name = 'myapp-0123456789-1-baseline';
      const labels = { 'app.kubernetes.io/managed-by': 'canary', 'canary-rollouts/rollout': 'myapp', 'canary-rollouts/experiment-of': 'myapp', 'canary-rollouts/experiment': name };
      await sb.create(catalog.deployments, 'apps', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: 'apps', labels },
        spec: { replicas: 1, selector: { matchLabels: { 'canary-rollouts/experiment': name } }, template: { metadata: { labels: { 'canary-rollouts/experiment': name } }, spec: { containers: [{ name: 'myapp', image: GOOD }] } } },
      } as never);
      await sb.create(catalog.services, 'apps', { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'apps', labels }, spec: { selector: { 'canary-rollouts/experiment': name }, ports: [{ port: 80, targetPort: 8080 }] } } as never);
      expect(experimentObjects(sb)).toEqual(expect.arrayContaining([`deployments/${name}`, `services/${name}`]));
      const r = await runCanary(sb, ['run', 'examples/seed/', '--image', `myapp=${healthyImage('leftover')}`, '--time-scale', '0.1']);
      expectExit(r, 0);
      expect(r.stdout).toContain(`deleted experiment Deployment ${name}, left by an earlier run`);
      expect(r.stdout).toContain(`deleted experiment Service ${name}, left by an earlier run`);
      expect(experimentObjects(sb)).toEqual([]);
    });

    it('SIGTERM mid-experiment: rolled back with no experiment backend, Deployment or Service left: exit 3', async () => {
      const run = canary(sb, ['run', dir, '--image', `myapp=${healthyImage('weights')}`]);
      await run.waitFor(/step 2\/3: experiment/, 90_000);
      await until(() => backends(sb).length === 4, 'four TrafficSplit backends', 90_000);
      run.kill('SIGTERM');
      expectExit({ code: await run.done, stdout: run.stdout, stderr: run.stderr }, 3);
      expect(backends(sb).map((b) => [b.service, Number(b.weight)])).toEqual([
        ['myapp-canary', 0],
        ['myapp-stable', 100],
      ]);
      expect(experimentObjects(sb)).toEqual([]);
    });
  });
}
