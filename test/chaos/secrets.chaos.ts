/**
 * A secret in a template arg (valueFrom.secretKeyRef, the Secret created in the sandbox) is used for
 * real (in the query sent through the service proxy, in headers a Prometheus echoes back in its
 * error, in a query Prometheus quotes in its parse error), and must never appear, raw or encoded,
 * in anything canary writes: the output of run (text, JSON Lines, the GitHub step summary and
 * annotations), status (every format), analyze, a --dry-run plan, the run ConfigMap, the Lease,
 * or any Event in the cluster.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalog } from '../sandbox/api/catalog.js';
import type { Sandbox } from '../sandbox/index.js';
import { firstDeploy, killAll, requirePrometheus, runCanary, seedSandbox } from '../e2e/support/harness.js';
import { seedVariant, tempDir } from '../../bench/lib/fixtures.js';

/** Usable as a PromQL identifier, so that Prometheus quotes it back in a parse error. */
const TOKEN = 's3cr3tTOKENx9f2q';
/** Characters that JSON, URLs and forms encode. */
const PASSWORD = 'p@ss w/"rd+%&=:x\\y';
const BAD_A = 'example/bad:secret-a';
const BAD_B = 'example/bad:secret-b';

function forms(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2), Buffer.from(secret).toString('base64')];
}

/** Where any form of either secret occurs in `text`. */
function leaks(where: string, text: string): string[] {
  const out: string[] = [];
  for (const secret of [TOKEN, PASSWORD]) {
    for (const f of forms(secret)) {
      const i = text.indexOf(f);
      if (i >= 0) out.push(`${where}: ${JSON.stringify(text.slice(Math.max(0, i - 80), i + f.length + 20))}`);
    }
  }
  return out;
}

if (requirePrometheus('secrets never leak')) {
  describe('a secretKeyRef arg never leaks', () => {
    let sb: Sandbox;
    let echo: Server;
    const echoed: string[] = [];
    const tmp = tempDir('chaos-secret');
    let dir: string;

    beforeAll(async () => {
      echo = createServer((req, res) => {
        if (new URL(req.url ?? '/', 'http://x').searchParams.get('query') === 'vector(1)') {
          // canary's preflight probe: answer it, so that the run starts.
          res.writeHead(200, { 'Content-Type': 'application/json' });
          return void res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '1'] }] } }));
        }
        echoed.push(String(req.headers['x-password']));
        res.writeHead(401, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ status: 'error', errorType: 'unauthorized', error: `bad credentials: authorization=${req.headers.authorization} password=${req.headers['x-password']} url=${req.url}` }));
      });
      await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
      const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
      dir = seedVariant(
        join(tmp.dir, 'seed'),
        (r) => {
          r.spec.strategy.canary.abortScaleDownDelaySeconds = 1;
        },
        (t) => {
          t.spec.args.push({ name: 'token', valueFrom: { secretKeyRef: { name: 'prom-creds', key: 'token' } } });
          t.spec.args.push({ name: 'password', valueFrom: { secretKeyRef: { name: 'prom-creds', key: 'password' } } });
          const m = t.spec.metrics[0];
          m.provider.prometheus.query = m.provider.prometheus.query.replace('status_code="500"', 'status_code="500", pod!="{{args.token}}"');
          m.provider.prometheus.headers = [{ key: 'Authorization', value: 'Bearer {{args.token}}' }];
          t.spec.metrics.push({
            name: 'leaky-query',
            interval: '15s',
            provider: { prometheus: { address: m.provider.prometheus.address, query: '{{args.token}}(up)' } },
          });
          t.spec.metrics.push({
            name: 'echo',
            interval: '15s',
            provider: { prometheus: { address: echoUrl, query: 'up{token="{{args.token}}"}', headers: [{ key: 'X-Password', value: '{{args.password}}' }, { key: 'Authorization', value: 'Bearer {{args.token}}' }] } },
          });
          t.spec.dryRun = [{ metricName: 'leaky-query' }, { metricName: 'echo' }];
        },
      );
      sb = await seedSandbox({ requestLogLimit: 100_000, images: { [BAD_A]: { errorRate: 1 }, [BAD_B]: { errorRate: 1 } } });
      sb.store.create(catalog.secrets, 'apps', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'prom-creds', namespace: 'apps' },
        type: 'Opaque',
        data: { token: Buffer.from(TOKEN).toString('base64'), password: Buffer.from(PASSWORD).toString('base64') },
      });
      await firstDeploy(sb);
    });
    afterEach(killAll);
    afterAll(async () => {
      await sb?.close();
      await new Promise<void>((r) => (echo ? echo.close(() => r()) : r()));
      tmp.remove();
    });

    it('appears in no output, no state, no Event, no Lease', async () => {
      const outputs: [string, string][] = [];
      const summary = join(tmp.dir, 'step-summary.md');
      writeFileSync(summary, '');
      const gha = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '1' };

      const plan = await runCanary(sb, ['run', dir, '--image', `myapp=${BAD_A}`, '--dry-run']);
      outputs.push(['run --dry-run', plan.stdout + plan.stderr]);
      expect(plan.code).toBe(0);

      const text = await runCanary(sb, ['run', dir, '--image', `myapp=${BAD_A}`, '--time-scale', '0.2'], gha);
      outputs.push(['run (text, GitHub Actions)', text.stdout + text.stderr]);
      expect({ code: text.code, out: text.code === 1 ? '' : text.stdout + text.stderr }).toEqual({ code: 1, out: '' });
      outputs.push(['GitHub step summary', readFileSync(summary, 'utf8')]);

      const json = await runCanary(sb, ['run', dir, '--image', `myapp=${BAD_B}`, '--time-scale', '0.2', '-o', 'json']);
      outputs.push(['run -o json', json.stdout + json.stderr]);
      expect(json.code).toBe(1);

      for (const o of [[], ['-o', 'json'], ['-o', 'yaml'], ['-o', 'wide']]) {
        const s = await runCanary(sb, ['status', 'myapp', '-n', 'apps', ...o]);
        outputs.push([`status ${o.join(' ')}`, s.stdout + s.stderr]);
        expect(s.code).toBe(0);
      }
      const analyzeArgs = ['analyze', join(dir, 'analysis-template.yaml'), '-n', 'apps', '--arg', 'from=dependant-api-service', '--arg', 'service-name=myapp-canary'];
      for (const extra of [['--once'], ['--once', '-o', 'json'], ['--dry-run']]) {
        const a = await runCanary(sb, [...analyzeArgs, ...extra]);
        outputs.push([`analyze ${extra.join(' ')}`, a.stdout + a.stderr]);
        expect([0, 1]).toContain(a.code);
      }

      // The secrets were used for real: in the query through the service proxy, in headers, and quoted back.
      expect(sb.api.stats.requests().some((r) => r.url.includes(encodeURIComponent(TOKEN)) || r.url.includes(TOKEN))).toBe(true);
      expect(echoed).toContain(PASSWORD);
      expect(json.stdout).toContain('*****');

      const found: string[] = [];
      for (const [where, t] of outputs) found.push(...leaks(where, t));
      const cm = sb.store.get(catalog.configmaps, 'apps', 'myapp-canary-run');
      found.push(...leaks('run ConfigMap', JSON.stringify(cm)));
      found.push(...leaks('Lease', JSON.stringify(sb.store.tryGet(catalog.leases, 'apps', 'myapp-canary-lock') ?? {})));
      const events = sb.store.list(catalog.events, null).items;
      expect(events.length).toBeGreaterThan(5);
      found.push(...leaks('Events', JSON.stringify(events)));
      expect(found).toEqual([]);
    });
  });
}
