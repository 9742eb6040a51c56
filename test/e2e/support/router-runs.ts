/**
 * The seed's releases over one traffic router, as the issue asks of each (Istio, NGINX, Traefik):
 * a healthy release promoted (exit 0), an abort at an indefinite pause (exit 3), a runner killed
 * with SIGKILL then resumed and promoted (exit 0), and the 2.18 release rolled back (exit 1).
 * After each, the router's object is checked: the canary weight, and the parts canary must never
 * touch compared with what they were before the first run. One file per router calls this.
 */
import type { Cluster } from '../../sandbox/cluster.js';
import type { ResourceType } from '../../sandbox/store/types.js';
import {
  BAD,
  canary,
  deployment,
  expectExit,
  firstDeployOf,
  fullRunState,
  GOOD,
  healthyImage,
  killAll,
  leaseFree,
  parseFinalLine,
  removeVariants,
  runCanary,
  seedCluster,
  splitWeight,
  stableImage,
  statusJson,
  until,
  variant,
  verdictLine,
} from './harness.js';
import type { RealSandboxOptions } from '../../cluster/index.js';

export interface RouterRuns {
  /** For test names: `Istio VirtualService`. */
  title: string;
  /** examples/<router>/ */
  dir: string;
  /** The cluster: the APIs it serves, the load (an Ingress host for NGINX). */
  cluster: RealSandboxOptions;
  /** The object kind canary's output names (`weight 0% -> 10% canary (VirtualService)`). */
  objectKind: string;
  /** The type whose changes may change the weight (for the timeline). */
  watched: (sb: Cluster) => ResourceType;
  /** Applies the router's objects from the example (as a cluster admin), before the first deploy. */
  setUp(sb: Cluster): Promise<void>;
  /** The canary weight the router's objects give now; null when canary has no object there (NGINX after the end). */
  weight(sb: Cluster): number | null;
  /** The weight when all traffic is on stable: 0, or null where the object is removed at the end. */
  settledWeight: number | null;
  /** Everything of the router's objects canary must not change, as comparable data. */
  untouched(sb: Cluster): unknown;
  /** `canary status` names this object (kind and name). */
  statusRoute: { kind: string; name: string };
}

const LEASE_WAIT = 45_000; // 15 s Lease + renewal period + a loaded machine

export function routerRuns(o: RouterRuns): void {
  describe(`the seed over ${o.title}`, () => {
    let sb: Cluster;
    let before: unknown;
    let pauseDir: string;
    beforeAll(async () => {
      sb = await seedCluster(o.cluster);
      pauseDir = variant((r) => {
        r.spec.strategy.canary.steps[1] = { pause: {} };
      }, { base: o.dir });
    });
    afterEach(killAll);
    afterAll(async () => {
      removeVariants();
      await sb?.close();
    });

    /** The distinct weights the router's objects took while `run` ran. */
    function timeline(): { stop(): number[] } {
      const seen: number[] = [];
      let last = o.weight(sb);
      const stop = sb.store.onChange((type) => {
        if (type.group !== o.watched(sb).group || type.resource !== o.watched(sb).resource) return;
        const w = o.weight(sb);
        if (w !== last && w !== null) seen.push(w);
        if (w !== last && w === null && o.settledWeight === null) seen.push(0);
        last = w;
      });
      return { stop: () => (stop(), seen) };
    }

    it('first deploy: the stable Deployment at 100%, the router object untouched', async () => {
      await o.setUp(sb);
      before = o.untouched(sb);
      await firstDeployOf(sb, o.dir);
      expect(stableImage(sb)).toBe('ghcr.io/mccutchen/go-httpbin:2.17');
      expect(o.weight(sb)).toBe(o.settledWeight);
      expect(o.untouched(sb)).toEqual(before);
      expect(splitWeight(sb)).toBeNull();
    });

    it('a healthy release (2.17 -> 2.17.1) is promoted through the router: exit 0', async () => {
      const t = timeline();
      const r = await runCanary(sb, ['run', o.dir, '--image', `myapp=${GOOD}`, '--time-scale', '0.1']);
      const weights = t.stop();
      expectExit(r, 0);
      expect(parseFinalLine(verdictLine(r.stdout))).toMatchObject({ verdict: 'promoted', rollout: 'apps/myapp', step: '9/9' });
      expect(r.stdout).toContain(`weight 0% -> 10% canary (${o.objectKind})`);
      expect(weights).toEqual([10, 40, 70, 90, 100, 0]);
      expect(o.weight(sb)).toBe(o.settledWeight);
      expect(o.untouched(sb)).toEqual(before);
      expect(stableImage(sb)).toBe(GOOD);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      const status = await statusJson(sb);
      expect(status.status).toMatchObject({ phase: 'Healthy' });
      expect(status.route).toMatchObject(o.statusRoute);
    });

    it('`canary abort` at an indefinite pause: exit 3, traffic back on stable', async () => {
      const run = canary(sb, ['run', pauseDir, '--image', `myapp=${healthyImage('abort')}`, '--time-scale', '0.1']);
      await run.waitFor(/paused until `canary promote myapp -n apps`/, 90_000);
      expect(o.weight(sb)).toBe(10);
      expectExit(await runCanary(sb, ['abort', 'myapp']), 0);
      const code = await run.done;
      expectExit({ code, stdout: run.stdout, stderr: run.stderr }, 3);
      expect(o.weight(sb)).toBe(o.settledWeight);
      expect(o.untouched(sb)).toEqual(before);
      expect(stableImage(sb)).toBe(GOOD);
    });

    it('a runner killed with SIGKILL leaves the weight; `canary run` again resumes, `canary promote --full` ends it: exit 0', async () => {
      await until(() => leaseFree(sb), 'a free Lease', LEASE_WAIT, 250);
      const image = healthyImage('resume');
      const args = [pauseDir, '--image', `myapp=${image}`, '--time-scale', '0.1'];
      const first = canary(sb, ['run', ...args]);
      await first.waitFor(/paused until `canary promote myapp -n apps`/, 90_000);
      await until(() => fullRunState(sb)?.phase === 'Paused', 'the pause in the run state', 30_000, 20);
      first.kill('SIGKILL');
      expect(await first.done).toBe(137);
      expect(o.weight(sb)).toBe(10);
      await until(() => leaseFree(sb), 'the dead runner\'s Lease to expire', LEASE_WAIT, 250);
      expect(o.weight(sb)).toBe(10);

      const second = canary(sb, ['run', ...args]);
      await second.waitFor(/step 2\/9: pause until promoted/, 90_000);
      expect(second.stdout.split('\n')[0]).toMatch(/^resuming the run of revision \w+ at step 2\/9/);
      expectExit(await runCanary(sb, ['promote', 'myapp', '--full']), 0);
      const code = await second.done;
      expectExit({ code, stdout: second.stdout, stderr: second.stderr }, 0);
      expect(o.weight(sb)).toBe(o.settledWeight);
      expect(o.untouched(sb)).toEqual(before);
      expect(stableImage(sb)).toBe(image);
    });
    // Last: its 500s stay in the analysis' 30 s window, and would fail a release started right after.
    it('a release answering 500s (2.18) is rolled back at the first analysis: exit 1, traffic back on stable', async () => {
      const stable = stableImage(sb);
      const r = await runCanary(sb, ['run', o.dir, '--image', `myapp=${BAD}`, '--time-scale', '0.2']);
      expectExit(r, 1);
      const f = parseFinalLine(verdictLine(r.stdout))!;
      expect(f).toMatchObject({ verdict: 'rolled back', rollout: 'apps/myapp' });
      expect(f.reason).toMatch(/analysis background failed: metric success-rate: result \[[\d.]+\] matched failureCondition/);
      expect(o.weight(sb)).toBe(o.settledWeight);
      expect(o.untouched(sb)).toEqual(before);
      expect(stableImage(sb)).toBe(stable);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
    });
  });
}
