import { existsSync } from 'node:fs';
import { eventually, flaggerSuccessRate, requirePrometheus, SEED_QUERY, startRelease, type Release } from './world-fixture.js';

const CANARY_SUCCESS =
  'sum(increase(response_total{deployment="dependant-api-service", dst_service="myapp-canary", direction="outbound", classification="success"}[30s]))';

if (requirePrometheus('sandbox world with a real Prometheus')) {
  describe('sandbox world with a real Prometheus', () => {
    let bad: Release;
    let good: Release;

    beforeAll(async () => {
      // Two independent worlds, each with its own Prometheus, started side by side.
      [bad, good] = await Promise.all([startRelease('ghcr.io/mccutchen/go-httpbin:2.18', 50), startRelease('ghcr.io/mccutchen/go-httpbin:2.17.1', 50)]);
    });
    afterAll(async () => {
      await Promise.all([bad?.world.close(), good?.world.close()]);
    });

    it("the seed's query returns a non-empty vector with a positive value for a failing canary", async () => {
      const prom = bad.world.prometheus!;
      const result = await eventually(() => prom.query(SEED_QUERY), (r) => r.length > 0 && Number(r[0]!.value[1]) > 0, 'canary 500s in Prometheus');
      expect(result).toHaveLength(1);
      // `sum by(service)` over series without a `service` label: one element with an empty label set.
      expect(result[0]!.metric).toEqual({});
    });

    it("the seed's query returns an empty vector for a healthy canary that receives traffic", async () => {
      const prom = good.world.prometheus!;
      // First prove the canary is being called and scraped, so that "empty" is not "no data yet".
      await eventually(() => prom.query(CANARY_SUCCESS), (r) => r.length > 0 && Number(r[0]!.value[1]) > 0, 'canary successes in Prometheus');
      expect(await prom.query(SEED_QUERY)).toEqual([]);
    });

    it("Flagger's inbound success rate by deployment is ~70% for the bad canary and 100% for stable", async () => {
      const prom = bad.world.prometheus!;
      const canary = await eventually(() => prom.query(flaggerSuccessRate('myapp-canary')), (r) => r.length > 0, 'canary success rate');
      const rate = Number(canary[0]!.value[1]);
      expect(rate).toBeGreaterThan(55);
      expect(rate).toBeLessThan(85);
      const stable = await eventually(() => prom.query(flaggerSuccessRate('myapp-stable')), (r) => r.length > 0, 'stable success rate');
      expect(Number(stable[0]!.value[1])).toBe(100);
    });

    it("Flagger's request-duration (p99 of inbound latency, ms) is a small number for in-process pods", async () => {
      const prom = good.world.prometheus!;
      const q =
        'histogram_quantile(0.99, sum(rate(response_latency_ms_bucket{namespace="apps", deployment=~"myapp-canary", direction="inbound"}[30s])) by (le))';
      const r = await eventually(() => prom.query(q), (v) => v.length > 0 && Number.isFinite(Number(v[0]!.value[1])), 'p99 latency');
      expect(Number(r[0]!.value[1])).toBeGreaterThan(0);
      expect(Number(r[0]!.value[1])).toBeLessThanOrEqual(50);
    });

    it('the load saw what Prometheus saw: failures only behind the canary', () => {
      const s = bad.world.mesh.metrics;
      expect(s.responses({ deployment: 'dependant-api-service', direction: 'outbound', dst_service: 'myapp-stable' }, 'failure')).toBe(0);
      expect(s.responses({ deployment: 'dependant-api-service', direction: 'outbound', dst_service: 'myapp-canary' }, 'failure', 500)).toBeGreaterThan(0);
    });

    it('fault hooks: pause stops answering, resume answers again, stop ends the process and removes its directory', async () => {
      const prom = good.world.prometheus!;
      prom.pause();
      expect(prom.state).toBe('paused');
      await expect(fetch(`${prom.url}/-/ready`, { signal: AbortSignal.timeout(500) })).rejects.toThrow();
      prom.resume();
      expect((await fetch(`${prom.url}/-/ready`)).status).toBe(200);
      prom.pause(); // stop must also end a paused process
      await prom.stop();
      expect(prom.state).toBe('stopped');
      expect(alive(prom.pid)).toBe(false);
      expect(existsSync(prom.dir)).toBe(false);
      await expect(fetch(`${prom.url}/-/ready`)).rejects.toThrow();
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
