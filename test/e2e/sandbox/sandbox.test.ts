import { existsSync } from 'node:fs';
import https from 'node:https';
import { dirname } from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { catalog } from '../../sandbox/api/catalog.js';
import { eventually, requirePrometheus, SEED_QUERY } from './world-fixture.js';

/** GET through the API server, authenticated as the kubeconfig's user (what canary's provider does). */
function viaApi(sb: Sandbox, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(new URL(path, sb.api.url), { ca: sb.api.caPem!, headers: { authorization: `Bearer ${sb.api.token}` } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
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

const PROXY = '/api/v1/namespaces/monitoring/services/prometheus-server:80/proxy';

if (requirePrometheus('the full sandbox with Prometheus')) {
  describe('the full sandbox with Prometheus', () => {
    it('starts, answers the seed query through the service proxy, and closes without leftovers', async () => {
      const sb = await startSandbox({ scenario: 'seed', podStartDelayMs: 50, load: { rps: 40, path: '/get' } });
      const pid = sb.prometheus!.pid;
      const dirs = [sb.prometheus!.dir, dirname(sb.kubeconfigPath)];
      try {
        const ready = await viaApi(sb, `${PROXY}/-/ready`);
        expect(ready.status).toBe(200);

        // What canary does for a release: stable + canary Deployments, track selectors, a split.
        for (const [track, image] of [['stable', 'ghcr.io/mccutchen/go-httpbin:2.17'], ['canary', 'ghcr.io/mccutchen/go-httpbin:2.18']] as const) {
          const labels = { 'app.kubernetes.io/name': 'myapp', track };
          sb.store.create(catalog.deployments, 'apps', {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: `myapp-${track}`, namespace: 'apps' },
            spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'myapp', image }] } } },
          });
          sb.store.mutate(catalog.services, 'apps', `myapp-${track}`, (s) => void ((s['spec'] as { selector: Record<string, string> }).selector = labels));
        }
        // Until their pods are Ready, requests routed to them fail with 503: wait before splitting.
        await sb.world.waitForDeployments(['apps/myapp-stable', 'apps/myapp-canary']);
        const before = sb.load!.stats().byBackend['myapp-stable']?.failed ?? 0;
        sb.store.create(catalog.trafficsplits, 'apps', {
          apiVersion: 'split.smi-spec.io/v1alpha1',
          kind: 'TrafficSplit',
          metadata: { name: 'myapp', namespace: 'apps' },
          spec: { service: 'myapp', backends: [{ service: 'myapp-stable', weight: '900m' }, { service: 'myapp-canary', weight: '100m' }] },
        });

        const result = await eventually(
          async () => JSON.parse((await viaApi(sb, `${PROXY}/api/v1/query?query=${encodeURIComponent(SEED_QUERY)}`)).body) as { data: { result: { value: [number, string] }[] } },
          (r) => r.data.result.length > 0 && Number(r.data.result[0]!.value[1]) > 0,
          'the seed query to see canary failures through the service proxy',
          45_000,
        );
        expect(result.data.result).toHaveLength(1);
        const load = sb.load!.stats();
        expect(load.byBackend['myapp-canary']!.failed).toBeGreaterThan(0);
        expect(load.byBackend['myapp-stable']!.failed - before).toBe(0);
      } finally {
        await sb.close();
      }
      expect(alive(pid)).toBe(false);
      for (const d of dirs) expect(existsSync(d)).toBe(false);
    });

    it('measures start-up time (median of 3 sequential starts, written to test/sandbox/README.md by hand)', async () => {
      const runs: { totalMs: number; readyMs: number; firstScrapeMs: number }[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = Date.now();
        const sb = await startSandbox({ scenario: 'seed' });
        const totalMs = Date.now() - t0;
        runs.push({ totalMs, ...sb.prometheus!.timings });
        await sb.close();
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
      const report = {
        totalMs: median(runs.map((r) => r.totalMs)),
        prometheusReadyMs: median(runs.map((r) => r.readyMs)),
        firstScrapeMs: median(runs.map((r) => r.firstScrapeMs)),
        runs,
      };
      process.stderr.write(`sandbox start-up (scenario seed, with Prometheus): ${JSON.stringify(report)}\n`);
      // Sanity bounds only; the figure itself belongs to the README, not to an assertion.
      expect(report.totalMs).toBeGreaterThan(report.firstScrapeMs);
      expect(report.totalMs).toBeLessThan(60_000);
    });
  });
}
