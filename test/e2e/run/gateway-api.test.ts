/**
 * The seed's good/bad pair over the Gateway API (examples/gateway-api/): canary writes only the
 * weights of the myapp-stable and myapp-canary backendRefs of the GAMMA HTTPRoute apps/myapp; other
 * rules, other backends and the parentRefs stay as the user wrote them. No TrafficSplit is created.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Cluster } from '../../sandbox/cluster.js';
import { catalog } from '../../sandbox/api/catalog.js';
import {
  BAD,
  canary,
  deployment,
  eventReasons,
  expectExit,
  firstDeployOf,
  GATEWAY,
  GOOD,
  httpRoute,
  killAll,
  parseFinalLine, verdictLine,
  recordTimeline,
  requirePrometheus,
  ROOT,
  routeWeight,
  runCanary,
  runState,
  seedCluster,
  serviceSelector,
  splitWeight,
  stableImage,
} from '../support/harness.js';

/** A second rule (only /admin, only stable) and a third backend in the split rule, both not canary's. */
const ADMIN_RULE = { matches: [{ path: { type: 'PathPrefix', value: '/admin' } }], backendRefs: [{ name: 'myapp-stable', port: 80, weight: 1 }] };
const MIRROR_BACKEND = { name: 'myapp', port: 80, weight: 0 };

/** Asynchronous: the API server runs in this process and must keep answering. As a cluster admin (on the real control plane, canary's ServiceAccount may not create routes). */
function kubectlApply(sb: Cluster, file: string): Promise<{ ok: boolean; missing: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile('kubectl', ['apply', '-f', file], { env: { PATH: process.env.PATH, HOME: process.env.HOME, KUBECONFIG: sb.adminKubeconfigPath }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ ok: !err, missing: (err as NodeJS.ErrnoException | null)?.code === 'ENOENT', output: `${stdout}${stderr}` }),
    );
  });
}

/** The parts of the route canary must never touch. */
function untouched(sb: Cluster) {
  const r = httpRoute(sb)!;
  return { parentRefs: r.spec.parentRefs, admin: r.spec.rules[1], third: r.spec.rules[0]!.backendRefs![2], rules: r.spec.rules.length };
}

if (requirePrometheus('the seed over Gateway API')) {
  describe('the seed over Gateway API HTTPRoute', () => {
    let sb: Cluster;
    let before: ReturnType<typeof untouched>;
    beforeAll(async () => {
      sb = await seedCluster();
    });
    afterEach(killAll);
    afterAll(async () => sb?.close());

    it('without the HTTPRoute, preflight refuses (exit 4) naming the route, and nothing is written', async () => {
      const r = await runCanary(sb, ['run', GATEWAY]);
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/✖ route +HTTPRoute apps\/myapp not found/);
      expect(r.stderr).toMatch(/examples\/gateway-api\/httproute\.yaml/);
      expect(deployment(sb, 'myapp-stable')).toBeUndefined();
      expect(runState(sb)).toBeNull();
    });

    it('the example route applied (kubectl, or the store when kubectl is missing), plus a rule and a backend that are not canary\'s; first deploy', async () => {
      const file = join(ROOT, GATEWAY, 'httproute.yaml');
      const applied = await kubectlApply(sb, file);
      if (applied.missing) {
        // No kubectl on this machine: the same object through the sandbox's store.
        await sb.create(catalog.httproutes, 'apps', parseYaml(readFileSync(file, 'utf8')));
      } else {
        expect(applied).toMatchObject({ ok: true, output: expect.stringMatching(/httproute\.gateway\.networking\.k8s\.io\/myapp created/) });
      }
      await sb.mutate(catalog.httproutes, 'apps', 'myapp', (r) => {
        const spec = r['spec'] as { rules: { backendRefs: unknown[] }[] };
        spec.rules[0]!.backendRefs.push(MIRROR_BACKEND);
        spec.rules.push(ADMIN_RULE as never);
      });
      before = untouched(sb);
      expect(before.rules).toBe(2);

      await firstDeployOf(sb, GATEWAY);
      expect(stableImage(sb)).toBe('ghcr.io/mccutchen/go-httpbin:2.17');
      expect(routeWeight(sb)).toBe(0);
      expect(sb.store.list(catalog.trafficsplits, 'apps').items).toHaveLength(0);
    });

    /*
     * Linkerd's policy controller (and the sandbox) writes Accepted without observedGeneration: canary
     * must take that as "cannot tell", not "rejected" (it used to sit at step 1/9 forever, fixed in
     * 6aff9f9). Bounded: after the 10% write, step 1 must complete within 30 s (milliseconds over SMI).
     */
    it('a healthy release (2.17 -> 2.17.1) is promoted through the route weights: exit 0', async () => {
      const timeline = recordTimeline(sb);
      const p = canary(sb, ['run', GATEWAY, '--image', `myapp=${GOOD}`, '--time-scale', '0.1']);
      await p.waitFor(/weight 0% -> 10% canary \(HTTPRoute\)/, 90_000);
      try {
        await p.waitFor(/step 1\/9 done/, 30_000);
      } catch {
        const accepted = (httpRoute(sb)!['status'] as { parents: { conditions: { type: string; observedGeneration?: number }[] }[] }).parents[0]!.conditions.find((c) => c.type === 'Accepted');
        const generation = httpRoute(sb)!.metadata.generation;
        p.kill('SIGTERM'); // a clean rollback, so that the next test finds the Lease free
        const code = await p.done;
        timeline.stop();
        throw new Error(
          `stuck at step 1/9 for 30 s after writing 10% (route generation ${generation}, Accepted observedGeneration ${accepted?.observedGeneration}); SIGTERM -> exit ${code}\n${p.stdout}`,
        );
      }
      const r = { code: await p.done, stdout: p.stdout, stderr: p.stderr };
      timeline.stop();
      expectExit(r, 0);
      const f = parseFinalLine(verdictLine(r.stdout))!;
      expect(f).toMatchObject({ verdict: 'promoted', rollout: 'apps/myapp', step: '9/9' });
      expect(f.reason).toMatch(/promoted revision \w+ after 9 steps/);
      // Every step's weight went through the route, then traffic back to the (new) stable.
      expect(timeline.weights()).toEqual([10, 40, 70, 90, 100, 0]);
      expect(routeWeight(sb)).toBe(0);
      const split = httpRoute(sb)!.spec.rules[0]!.backendRefs!;
      expect(split.find((b) => b.name === 'myapp-stable')!.weight).toBe(100);
      expect(untouched(sb)).toEqual(before);
      expect(sb.store.list(catalog.trafficsplits, 'apps').items).toHaveLength(0);

      expect(stableImage(sb)).toBe(GOOD);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      expect(serviceSelector(sb, 'myapp-stable')['canary-rollouts/track']).toBe('stable');
      expect(serviceSelector(sb, 'myapp-canary')['canary-rollouts/track']).toBe('stable');
      expect(serviceSelector(sb, 'myapp')['canary-rollouts/track']).toBeUndefined();
      expect(runState(sb)).toMatchObject({ phase: 'Healthy', revision: f.revision, stepIndex: 9 });
      expect(eventReasons(sb)).toEqual(expect.arrayContaining(['RolloutUpdated', 'TrafficWeightUpdated', 'RolloutStepCompleted', 'RolloutCompleted']));
    });

    it('a release answering 500s is rolled back at the first analysis after weight 10: exit 1, route back to stable', async () => {
      const stableBefore = stableImage(sb); // 2.17.1 once the healthy release is promoted
      const r = await runCanary(sb, ['run', GATEWAY, '--image', `myapp=${BAD}`, '--time-scale', '0.2']);
      expectExit(r, 1);
      const f = parseFinalLine(verdictLine(r.stdout))!;
      expect(f).toMatchObject({ verdict: 'rolled back', rollout: 'apps/myapp' });
      expect(f.step).toMatch(/^[12]\/9$/);
      expect(f.reason).toMatch(/analysis background failed: metric success-rate: result \[[\d.]+\] matched failureCondition "len\(result\) > 0 && result\[0\] > 0" \(failed 1 > failureLimit 0\)/);
      expect(r.stdout).not.toMatch(/weight 10% -> 40%/);

      expect(routeWeight(sb)).toBe(0);
      expect(untouched(sb)).toEqual(before);
      expect(stableImage(sb)).toBe(stableBefore);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      expect(runState(sb)).toMatchObject({ phase: 'Degraded', revision: f.revision, weight: 0 });
      expect(splitWeight(sb)).toBeNull();
      expect(eventReasons(sb)).toEqual(expect.arrayContaining(['RolloutAborted', 'AnalysisRunFailed']));
    });
  });
}
