/**
 * `canary analyze` runs the seed's AnalysisTemplate on its own against the sandbox's real
 * Prometheus (through the API server's service proxy, as from a laptop): Successful for a service
 * that answers well (exit 0), Failed for one answering 500s (exit 1); `--once` takes one
 * measurement; `--dry-run` prints the resolved query and queries nothing.
 */
import type { Cluster } from '../../sandbox/cluster.js';
import { canary, expectExit, firstDeploy, killAll, removeVariants, requirePrometheus, runCanary, seedCluster, serviceProxyRequests, until, variant } from '../support/harness.js';

const TEMPLATE = 'examples/seed/analysis-template.yaml';
const args = (service: string) => ['--arg', 'from=dependant-api-service', '--arg', `service-name=${service}`];
const outbound = (service: string, extra = '') =>
  `sum(increase(response_total{deployment="dependant-api-service", dst_service="${service}", direction="outbound"${extra}}[30s]))`;

if (requirePrometheus('canary analyze')) {
  describe('canary analyze against real Prometheus', () => {
    let sb: Cluster;
    beforeAll(async () => {
      sb = await seedCluster();
      await firstDeploy(sb); // myapp-stable 2.17 serves the load
      // "Healthy" must mean traffic without failures, not "no data yet".
      await until(async () => Number((await sb.prometheus!.query(outbound('myapp-stable')))[0]?.value[1] ?? 0) > 0, 'traffic to myapp-stable in Prometheus', 60_000, 500);
    });
    afterEach(killAll);
    afterAll(async () => {
      removeVariants();
      await sb?.close();
    });

    it('--once, a healthy service: one Successful measurement, exit 0', async () => {
      const r = await runCanary(sb, ['analyze', TEMPLATE, ...args('myapp-stable'), '--once']);
      expectExit(r, 0);
      expect(r.stderr).toMatch(/analyzing AnalysisTemplate success-rate-analysis \(success-rate\), one measurement each/);
      expect(r.stdout).toMatch(/^\S+Z success-rate Successful \[\] \(✔1 ✖0 \?0 ⚠0\)\n✔ AnalysisTemplate success-rate-analysis: Successful\n$/);
    });

    it('a healthy service over a full run (a copy of the template with count 3): exit 0 after 3 measurements', async () => {
      const dir = variant((_r, t) => {
        t.spec.metrics[0].count = 3;
      });
      const r = await runCanary(sb, ['analyze', `${dir}/analysis-template.yaml`, ...args('myapp-stable'), '--time-scale', '0.1']);
      expectExit(r, 0);
      expect(r.stdout.match(/success-rate Successful \[\]/g)).toHaveLength(3);
      expect(r.stdout).toMatch(/✔3 ✖0 \?0 ⚠0/);
      expect(r.stdout).toMatch(/✔ AnalysisTemplate success-rate-analysis: Successful\n$/);
    });

    it('the seed template has no count: it measures until stopped; Ctrl+C ends it, exit 3', async () => {
      const p = canary(sb, ['analyze', TEMPLATE, ...args('myapp-stable'), '--time-scale', '0.1']);
      await p.waitFor(/success-rate Successful \[\] \(✔2 /, 60_000);
      p.kill('SIGINT');
      expect(await p.done).toBe(3);
      expect(p.stderr).toMatch(/interrupted: AnalysisTemplate success-rate-analysis is Running/);
    });

    it('--dry-run prints the resolved query and queries nothing; a missing arg is a usage error (exit 2)', async () => {
      const before = await serviceProxyRequests(sb);
      expect(before).toBeGreaterThan(0); // the runs above did query
      const r = await runCanary(sb, ['analyze', TEMPLATE, ...args('myapp-canary'), '--dry-run']);
      expectExit(r, 0);
      expect(r.stdout).toContain('success-rate: prometheus http://prometheus-server.monitoring.svc.cluster.local:80');
      expect(r.stdout).toContain(
        'query: sum by(service) (increase(response_total{deployment="dependant-api-service", dst_service="myapp-canary", direction="outbound", classification="failure", status_code="500"}[30s]))',
      );
      expect(r.stdout).toMatch(/every 15s; success: len\(result\) == 0 \|\| result\[0\] == 0; failure: len\(result\) > 0 && result\[0\] > 0; failureLimit 0, consecutiveErrorLimit 4/);
      expect(r.stdout).not.toMatch(/Successful|Failed/);
      expect(await serviceProxyRequests(sb)).toBe(before);

      const missing = await runCanary(sb, ['analyze', TEMPLATE, '--arg', 'from=dependant-api-service', '--dry-run']);
      expectExit(missing, 2);
      expect(missing.stderr).toMatch(/service-name/);
    });

    it('a service answering 500s: Failed at the first measurement, exit 1, with and without --once', async () => {
      const failing = sb.startLoad({ rps: 10, path: '/status/500' });
      try {
        await until(async () => Number((await sb.prometheus!.query(outbound('myapp-stable', ', status_code="500"')))[0]?.value[1] ?? 0) > 0, '500s to myapp-stable in Prometheus', 60_000, 500);
        for (const once of [[], ['--once']]) {
          const r = await runCanary(sb, ['analyze', TEMPLATE, ...args('myapp-stable'), ...once]);
          expectExit(r, 1);
          expect(r.stdout).toMatch(/success-rate Failed \[[\d.]+\] \(✔0 ✖1 \?0 ⚠0\)/);
          expect(r.stdout).toMatch(/✖ AnalysisTemplate success-rate-analysis: Failed/);
          expect(r.stdout + r.stderr).toMatch(/matched failureCondition "len\(result\) > 0 && result\[0\] > 0"/);
        }
      } finally {
        await failing.stop();
      }
    });
  });
}
