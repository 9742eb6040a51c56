/**
 * No traffic at all (no load generator): Prometheus answers the seed's query with an empty vector.
 * - The seed's conditions treat "no data" as success (`len(result) == 0 || ...`): promoted, exit 0,
 *   as the seed intends.
 * - A template that guards against no data the other way fails or ends inconclusive:
 *   successCondition `len(result) > 0 && result[0] == 0` alone -> Failed -> rollback, exit 1;
 *   with the seed's failureCondition too -> neither holds -> Inconclusive -> the rollout pauses
 *   (Argo), and `--exit-on-pause` exits 7.
 */
import type { Cluster } from '../../sandbox/cluster.js';
import {
  deployment,
  expectExit,
  firstDeploy,
  fullRunState,
  healthyImage,
  killAll,
  parseFinalLine, verdictLine,
  removeVariants,
  requirePrometheus,
  runCanary,
  SEED,
  seedCluster,
  splitWeight,
  stableImage,
  statusJson,
  variant,
} from '../support/harness.js';

const GUARD = 'len(result) > 0 && result[0] == 0';

function guardVariant(withFailureCondition: boolean): string {
  return variant((_r, t) => {
    const m = t.spec.metrics[0];
    m.successCondition = GUARD;
    if (!withFailureCondition) delete m.failureCondition;
  });
}

function measurements() {
  return fullRunState(sb())!.analyses.find((a) => a.id === 'background')!.metrics[0]!.measurements;
}

let current: Cluster;
const sb = () => current;

if (requirePrometheus('no traffic')) {
  describe('no traffic at all (load off)', () => {
    beforeAll(async () => {
      current = await seedCluster({ load: false });
      await firstDeploy(current);
    });
    afterEach(killAll);
    afterAll(async () => {
      removeVariants();
      await current?.close();
    });

    it("the seed's conditions: every measurement is [] and Successful -> promoted, exit 0", async () => {
      expect(current.load).toBeUndefined();
      const image = healthyImage('idle');
      const r = await runCanary(current, ['run', SEED, '--image', `myapp=${image}`, '--time-scale', '0.1']);
      expectExit(r, 0);
      expect(parseFinalLine(verdictLine(r.stdout))).toMatchObject({ verdict: 'promoted', step: '9/9' });
      expect(r.stdout).toMatch(/success-rate Successful \[\]/);
      const ms = measurements();
      expect(ms.length).toBeGreaterThanOrEqual(2);
      expect(ms.every((m) => m.phase === 'Successful' && m.value === '[]')).toBe(true);
      // Truly no traffic: the dependant service never called anyone.
      expect(await current.prometheus!.query('sum(response_total{deployment="dependant-api-service"})')).toEqual([]);
      expect(stableImage(current)).toBe(image);
      expect(splitWeight(current)).toBe(0);
    });

    it('a no-data guard as successCondition alone: [] is Failed -> rollback at step 1 or 2, exit 1', async () => {
      const stable = stableImage(current);
      const r = await runCanary(current, ['run', guardVariant(false), '--image', `myapp=${healthyImage('guard-fail')}`, '--time-scale', '0.1']);
      expectExit(r, 1);
      const f = parseFinalLine(verdictLine(r.stdout))!;
      expect(f.verdict).toBe('rolled back');
      expect(f.step).toMatch(/^[12]\/9$/);
      expect(f.reason).toMatch(/^analysis background failed: metric success-rate: result \[\] did not match successCondition "len\(result\) > 0 && result\[0\] == 0"/);
      expect(r.stdout).not.toMatch(/weight 10% -> 40%/);
      expect(measurements().at(-1)).toMatchObject({ phase: 'Failed', value: '[]' });
      expect(splitWeight(current)).toBe(0);
      expect(deployment(current, 'myapp-canary')!.spec.replicas).toBe(0);
      expect(stableImage(current)).toBe(stable);
      expect(fullRunState(current)!.phase).toBe('Degraded');
    });

    it('the guard with the seed\'s failureCondition: [] is Inconclusive -> paused; --exit-on-pause exits 7; abort rolls back', async () => {
      const r = await runCanary(current, ['run', guardVariant(true), '--image', `myapp=${healthyImage('guard-inconclusive')}`, '--time-scale', '0.1', '--exit-on-pause']);
      expectExit(r, 7);
      const f = parseFinalLine(verdictLine(r.stdout))!;
      expect(f.verdict).toBe('paused');
      expect(f.reason).toMatch(
        /^paused: analysis background was inconclusive \(metric success-rate: result \[\] matched neither successCondition "len\(result\) > 0 && result\[0\] == 0" nor failureCondition "len\(result\) > 0 && result\[0\] > 0" \(inconclusive 1 > inconclusiveLimit 0\)\)/,
      );
      expect(f.reason).toMatch(/exiting because of --exit-on-pause \(`canary promote myapp -n apps` continues, `canary run` resumes\)$/);
      expect(measurements().at(-1)).toMatchObject({ phase: 'Inconclusive', value: '[]' });
      expect(fullRunState(current)!.phase).toBe('Paused');
      // The first measurement is taken as the analysis starts, possibly before the 10% is written:
      // the rollout stays where it was when it paused.
      expect(f.step).toMatch(/^[12]\/9$/);
      expect([0, 10]).toContain(splitWeight(current));

      const abort = await runCanary(current, ['abort', 'myapp']);
      expectExit(abort, 0);
      expect(abort.stdout).toMatch(/no live runner for apps\/myapp.*: rolling back here/);
      expect(splitWeight(current)).toBe(0);
      expect(fullRunState(current)!.phase).toBe('Aborted');
    });

    /*
     * After `canary run --exit-on-pause` exits 7 on purpose, the run waits for a person: status says
     * Paused (InconclusiveAnalysis), not "runner lost", and `status --watch --exit-on-pause` exits 7
     * (it said Degraded/RunnerLost and timed out with 6 before e101528).
     */
    it('after `run --exit-on-pause` (exit 7), status says Paused (InconclusiveAnalysis) and `status --watch --exit-on-pause` exits 7', async () => {
      const r = await runCanary(current, ['run', guardVariant(true), '--image', `myapp=${healthyImage('guard-status')}`, '--time-scale', '0.1', '--exit-on-pause']);
      expectExit(r, 7);
      try {
        const st = await statusJson(current);
        expect(st.status).toMatchObject({ phase: 'Paused', reason: 'InconclusiveAnalysis' });
        const watch = await runCanary(current, ['status', 'myapp', '--watch', '--exit-on-pause', '--timeout', '5s']);
        expectExit(watch, 7);
      } finally {
        await runCanary(current, ['abort', 'myapp']);
      }
    });
  });
}
