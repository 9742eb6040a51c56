/**
 * Header and mirror routes over the Gateway API (examples/gateway-api-header/): the load generator
 * tags 10% of its requests with `X-Canary: yes`. While the header route is in place only those reach
 * the canary; while the mirror route is, the canary also gets copies of half the GETs, which the
 * mesh counts as traffic (and Prometheus scrapes as such) and nobody receives. canary's own rules (named canary.myapp.*) are gone
 * after a promotion, an abort, a SIGTERM, and a SIGKILL followed by a resumed run; the user's
 * rules are never touched.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { catalog } from '../../sandbox/api/catalog.js';
import type { Cluster } from '../../sandbox/cluster.js';
import type { LoadStats } from '../../sandbox/world/load.js';
import {
  canary,
  expectExit,
  firstDeployOf,
  fullRunState,
  GATEWAY,
  GOOD,
  healthyImage,
  httpRoute,
  killAll,
  leaseFree,
  parseFinalLine,
  requirePrometheus,
  ROOT,
  routeWeight,
  runCanary,
  seedCluster,
  stableImage,
  statusJson,
  until,
  verdictLine,
} from '../support/harness.js';

const HEADER = 'examples/gateway-api-header/';
const TAG = { header: 'X-Canary', value: 'yes', share: 0.1 };
const LEASE_WAIT = 45_000;

/** The names of canary's own rules on the route, read once the store has caught up with the API server (on the real control plane it is a replica, and lags). */
async function ownRules(sb: Cluster): Promise<string[]> {
  await sb.settle();
  return (httpRoute(sb)!.spec.rules as { name?: string }[]).map((r) => r.name ?? '').filter((n) => n.startsWith('canary.myapp.'));
}

/** The user's rules, as they must stay. */
function userRules(sb: Cluster): unknown[] {
  return (httpRoute(sb)!.spec.rules as { name?: string; backendRefs?: { weight?: number }[] }[])
    .filter((r) => !r.name?.startsWith('canary.'))
    .map((r) => ({ ...r, backendRefs: r.backendRefs?.map(({ weight: _w, ...b }) => b) }));
}

const answered = (s: LoadStats, backend: string, tagged: boolean) => {
  const t = (tagged ? s.tagged.byBackend : s.byBackend)[backend];
  return t ? t.ok + t.failed : 0;
};

/** What the load saw between two snapshots: answers per backend, tagged and not. */
function between(a: LoadStats, b: LoadStats) {
  const d = (backend: string, tagged: boolean) => answered(b, backend, tagged) - answered(a, backend, tagged);
  return {
    taggedCanary: d('myapp-canary', true),
    taggedStable: d('myapp-stable', true),
    untaggedCanary: d('myapp-canary', false) - d('myapp-canary', true),
    untaggedStable: d('myapp-stable', false) - d('myapp-stable', true),
  };
}

/** What Prometheus has scraped of the client's calls to the canary Service (mirrored copies included). */
async function scrapedCanaryCalls(sb: Cluster): Promise<number> {
  const r = await sb.prometheus!.query('sum(response_total{deployment="dependant-api-service", direction="outbound", dst_service="myapp-canary"})');
  return r.length ? Number(r[0]!.value[1]) : 0;
}

function canaryCalls(sb: Cluster): number {
  return sb.mesh.metrics.responses({ direction: 'outbound', deployment: 'dependant-api-service', dst_service: 'myapp-canary' });
}

if (requirePrometheus('header and mirror routes over Gateway API')) {
  describe('header and mirror routes on HTTPRoute apps/myapp', () => {
    let sb: Cluster;
    let user: unknown[];
    beforeAll(async () => {
      sb = await seedCluster({ load: { rps: 40, path: '/get', tag: TAG } });
      await sb.create(catalog.httproutes, 'apps', parseYaml(readFileSync(join(ROOT, GATEWAY, 'httproute.yaml'), 'utf8')));
      await firstDeployOf(sb, HEADER);
      user = userRules(sb);
      expect(await ownRules(sb)).toEqual([]);
    });
    afterEach(killAll);
    afterAll(async () => sb?.close());

    it('only tagged requests reach the canary, then mirrored copies too; promoted with no rule of canary\'s left: exit 0', async () => {
      const p = canary(sb, ['run', HEADER, '--image', `myapp=${GOOD}`, '--time-scale', '0.2']);
      await p.waitFor(/step 2\/9: pause 6s/, 90_000);
      expect(await ownRules(sb)).toEqual([expect.stringMatching(/^canary\.myapp\.testers-[0-9a-f]{8}-0$/)]);
      expect(routeWeight(sb)).toBe(0);
      expect((await statusJson(sb)).route).toEqual({ kind: 'HTTPRoute', name: 'myapp', weight: 0, managedRoutes: ['testers'], additional: [] });
      const a = sb.load!.stats();
      await until(() => between(a, sb.load!.stats()).taggedCanary >= 8, 'tagged requests answered by the canary', 20_000);
      const header = between(a, sb.load!.stats());
      expect(header.untaggedCanary).toBe(0);
      expect(header.taggedStable).toBe(0);
      expect(header.untaggedStable).toBeGreaterThan(header.taggedCanary);

      await p.waitFor(/step 4\/9: pause 6s/, 30_000);
      expect(await ownRules(sb)).toHaveLength(2);
      const b = sb.load!.stats();
      const calls = canaryCalls(sb);
      const scraped = await scrapedCanaryCalls(sb);
      await until(() => canaryCalls(sb) - calls >= 20, 'mirrored copies reaching the canary', 20_000);
      // Prometheus counts the copies as any request (the metrics the analyses query).
      await until(async () => (await scrapedCanaryCalls(sb)) - scraped >= 20, 'the copies in Prometheus', 20_000, 250);
      const mirror = between(b, sb.load!.stats());
      // Copies of untagged GETs reach the canary's pods; no untagged user got an answer from it.
      expect(mirror.untaggedCanary).toBe(0);
      expect(canaryCalls(sb) - calls).toBeGreaterThan(mirror.taggedCanary);

      const r = { code: await p.done, stdout: p.stdout, stderr: p.stderr };
      expectExit(r, 0);
      expect(r.stdout).toMatch(/setHeaderRoute testers: X-Canary exact "yes" -> canary/);
      expect(await ownRules(sb)).toEqual([]);
      expect(userRules(sb)).toEqual(user);
      expect(stableImage(sb)).toBe(GOOD);
    });

    it('`canary abort` during the header route: rolled back, no rule left', async () => {
      const p = canary(sb, ['run', HEADER, '--image', `myapp=${healthyImage('header-abort')}`, '--time-scale', '0.2']);
      await p.waitFor(/step 2\/9: pause 6s/, 90_000);
      expect(await ownRules(sb)).toHaveLength(1);
      expectExit(await runCanary(sb, ['abort', 'myapp']), 0);
      expect(await p.done).toBe(3);
      expect(await ownRules(sb)).toEqual([]);
      expect(userRules(sb)).toEqual(user);
    });

    it('SIGTERM during the mirror route: rolled back, no rule left', async () => {
      const p = canary(sb, ['run', HEADER, '--image', `myapp=${healthyImage('header-sigterm')}`, '--time-scale', '0.2']);
      await p.waitFor(/step 4\/9: pause 6s/, 90_000);
      expect(await ownRules(sb)).toHaveLength(2);
      p.kill('SIGTERM');
      expect(await p.done).toBe(3);
      expect(parseFinalLine(verdictLine(p.stdout))).toMatchObject({ verdict: 'aborted' });
      expect(await ownRules(sb)).toEqual([]);
      expect(userRules(sb)).toEqual(user);
    });

    it('SIGKILL with both routes in place leaves them; the resumed run finishes and removes them: exit 0', async () => {
      const image = healthyImage('header-kill');
      const args = ['run', HEADER, '--image', `myapp=${image}`, '--time-scale', '0.2'];
      const first = canary(sb, args);
      await first.waitFor(/step 4\/9: pause 6s/, 90_000);
      await until(() => fullRunState(sb)?.phase === 'Paused' && fullRunState(sb)!.stepIndex === 3, 'the pause at step 4/9 in the run state', 30_000, 20);
      first.kill('SIGKILL');
      expect(await first.done).toBe(137);
      expect(await ownRules(sb)).toHaveLength(2);
      await until(() => leaseFree(sb), 'the dead runner\'s Lease to expire', LEASE_WAIT, 250);
      const second = await runCanary(sb, args);
      expectExit(second, 0);
      expect(second.stdout).toMatch(/resum/i);
      expect(await ownRules(sb)).toEqual([]);
      expect(userRules(sb)).toEqual(user);
      expect(stableImage(sb)).toBe(image);
    }, 180_000);
  });
}
