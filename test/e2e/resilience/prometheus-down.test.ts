/**
 * Prometheus goes away mid-run. Every query then ends in an Error measurement (data, not a crash);
 * past consecutiveErrorLimit (default 4: the fifth error in a row) the analysis fails and the
 * rollout is rolled back (exit 1), with a message that says Prometheus did not answer:
 * - paused (SIGSTOP: the port accepts, nothing answers): each query times out (the template's
 *   `timeout`, 2 s in this variant);
 * - stopped (the process is gone): the API server's service proxy answers 503 at once.
 * The runner waits at an indefinite pause, so the analysis is the only way out.
 */
import type { Cluster } from '../../sandbox/cluster.js';
import {
  deployment,
  eventReasons,
  expectExit,
  firstDeploy,
  fullRunState,
  healthyImage,
  killAll,
  parseFinalLine, verdictLine,
  removeVariants,
  requirePrometheus,
  runCanary,
  canary,
  seedCluster,
  splitWeight,
  stableImage,
  until,
  variant,
} from '../support/harness.js';

function pausedSeed(timeoutSeconds?: number): string {
  return variant((r, t) => {
    r.spec.strategy.canary.steps[1] = { pause: {} };
    if (timeoutSeconds !== undefined) t.spec.metrics[0].provider.prometheus.timeout = timeoutSeconds;
  });
}

if (requirePrometheus('Prometheus down mid-run')) {
  describe('Prometheus down mid-run', () => {
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

    async function runUntilPaused(dir: string) {
      const image = healthyImage('prom');
      const stable = stableImage(sb);
      const run = canary(sb, ['run', dir, '--image', `myapp=${image}`, '--time-scale', '0.1']);
      await run.waitFor(/paused until `canary promote myapp -n apps`/, 90_000);
      // Healthy so far: the first measurements succeeded against the live Prometheus.
      await until(() => (fullRunState(sb)?.analyses[0]?.metrics[0]?.measurements.filter((m) => m.phase === 'Successful').length ?? 0) >= 1, 'a successful measurement', 30_000);
      return { run, stable };
    }

    function errorsOf() {
      return fullRunState(sb)!.analyses.find((a) => a.id === 'background')!.metrics[0]!.measurements.filter((m) => m.phase === 'Error');
    }

    it('paused (SIGSTOP): queries time out -> 5 Error measurements -> rollback, exit 1, "timed out" in the message', async () => {
      const { run, stable } = await runUntilPaused(pausedSeed(2));
      sb.prometheus!.pause();
      let code: number;
      try {
        code = await run.done;
      } finally {
        sb.prometheus!.resume();
      }
      expectExit({ code, stdout: run.stdout, stderr: run.stderr }, 1);
      expect(run.stdout).toMatch(/success-rate Error \(✔\d+ ✖0 \?0 ⚠1\): Prometheus http:\/\/prometheus-server\.monitoring\.svc\.cluster\.local:80 .*timed out after 2s/);
      const f = parseFinalLine(verdictLine(run.stdout))!;
      expect(f).toMatchObject({ verdict: 'rolled back', step: '2/9' });
      expect(f.reason).toMatch(
        /^analysis background errored: metric success-rate: Prometheus http:\/\/prometheus-server\.monitoring\.svc\.cluster\.local:80 \(through the Kubernetes API server's service proxy\): query timed out after 2s \(consecutiveErrors 5 > consecutiveErrorLimit 4\) at step 2\/9 \(weight 10%\)$/,
      );
      expect(errorsOf().length).toBe(5);
      expect(splitWeight(sb)).toBe(0);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      expect(stableImage(sb)).toBe(stable);
      expect(fullRunState(sb)!.phase).toBe('Degraded');
      // The analysis ends in phase Error (not Failed), as Argo's.
      expect(eventReasons(sb)).toEqual(expect.arrayContaining(['AnalysisRunError', 'RolloutAborted']));
    });

    it('stopped: the service proxy answers 503 -> 5 Error measurements -> rollback, exit 1, "connection refused" in the message', async () => {
      const { run, stable } = await runUntilPaused(pausedSeed());
      await sb.prometheus!.stop();
      const code = await run.done;
      expectExit({ code, stdout: run.stdout, stderr: run.stderr }, 1);
      const f = parseFinalLine(verdictLine(run.stdout))!;
      expect(f).toMatchObject({ verdict: 'rolled back', step: '2/9' });
      // The real control plane dials pods through its egress proxy (test/cluster/README.md), which the API server names first.
      expect(f.reason).toMatch(
        /^analysis background errored: metric success-rate: Prometheus http:\/\/prometheus-server\.monitoring\.svc\.cluster\.local:80 \(through the Kubernetes API server's service proxy\): query failed: 503 ServiceUnavailable: error trying to reach service: (?:proxy error from \S+egress\.sock while dialing [\d.]+:\d+, code 502: 502 )?dial tcp [\d.]+:\d+: connect: connection refused \(consecutiveErrors 5 > consecutiveErrorLimit 4\) at step 2\/9 \(weight 10%\)$/,
      );
      expect(errorsOf().length).toBe(5);
      expect(splitWeight(sb)).toBe(0);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      expect(stableImage(sb)).toBe(stable);
      expect(fullRunState(sb)!.phase).toBe('Degraded');

      // And a new run now stops at preflight: exit 4, nothing changed.
      const before = fullRunState(sb)!.revision;
      const r = await runCanary(sb, ['run', 'examples/seed/', '--image', `myapp=${healthyImage('prom-gone')}`]);
      expectExit(r, 4);
      expect(r.stderr).toMatch(/✖ prometheus/);
      expect(fullRunState(sb)!.revision).toBe(before);
    });
  });
}
