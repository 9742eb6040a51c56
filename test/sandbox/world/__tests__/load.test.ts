import { LoadGenerator } from '../load.js';
import { ManualClock } from '../manual-clock.js';
import { isReady, podsOf, T } from './helpers.js';
import { CLIENT, startMeshWorld, trafficSplit, type MeshWorld } from './mesh-fixture.js';

describe('load generator (manual clock)', () => {
  let clock: ManualClock;
  let w: MeshWorld;
  let load: LoadGenerator | undefined;

  beforeEach(async () => {
    clock = new ManualClock();
    w = startMeshWorld({ clock, canaryImage: 'ghcr.io/mccutchen/go-httpbin:2.18' });
    await clock.advance(100);
    expect(podsOf(w.store, 'apps', {}).filter(isReady)).toHaveLength(4);
  });
  afterEach(async () => {
    await load?.stop();
    load = undefined;
    w.close();
  });

  const start = (opts: Partial<ConstructorParameters<typeof LoadGenerator>[0]> = {}) =>
    (load = new LoadGenerator({
      mesh: w.mesh,
      clock,
      from: { namespace: 'clients', deployment: CLIENT },
      to: { namespace: 'apps', service: 'myapp' },
      rps: 50,
      ...opts,
    }).start());

  it('tags a share of the requests with a header, spread evenly, and counts them apart', async () => {
    const g = start({ tag: { share: 0.1, headers: { 'X-Canary': 'yes' } }, maxRequests: 200 });
    await clock.advance(10_000);
    const s = await g.done;
    expect(s.sent).toBe(200);
    expect(s.tagged.sent).toBe(20);
    expect(Object.values(s.tagged.byBackend).reduce((a, t) => a + t.ok + t.failed, 0)).toBe(20);
  });

  it('sends at the set rate, and setRate changes it', async () => {
    const g = start();
    await clock.advance(10_000);
    expect(g.stats().sent).toBeGreaterThanOrEqual(499);
    expect(g.stats().sent).toBeLessThanOrEqual(501);
    g.setRate(10);
    await clock.advance(10_000);
    const s = g.stats();
    expect(s.sent - 500).toBeGreaterThanOrEqual(99);
    expect(s.sent - 500).toBeLessThanOrEqual(101);
    // One bucket per second; the one at t=20 s holds the request sent at that very instant.
    const perSecond = s.timeline.map((b) => b.ok + b.failed);
    expect(perSecond.slice(1, 10)).toEqual(Array(9).fill(50));
    expect(perSecond.slice(11, 20)).toEqual(Array(9).fill(10));
  });

  it('counts what users received per backend: a bad canary at 50% fails ~15% of all requests', async () => {
    w.store.create(T.trafficsplits, 'apps', trafficSplit('v1alpha2', 50, 50));
    const g = start({ rps: 100 });
    await clock.advance(20_000);
    const s = await g.stop();
    expect(s.stopReason).toBe('stopped');
    expect(s.running).toBe(false);
    expect(s.ok + s.failed).toBe(s.sent);
    expect(s.byBackend['myapp-stable']!.failed).toBe(0);
    const canary = s.byBackend['myapp-canary']!;
    expect(canary.failed / (canary.ok + canary.failed)).toBeGreaterThan(0.25);
    expect(canary.failed / (canary.ok + canary.failed)).toBeLessThan(0.35);
    expect(s.failed / s.sent).toBeGreaterThan(0.12);
    expect(s.failed / s.sent).toBeLessThan(0.18);
    expect(s.byStatus['500']).toBe(s.failed);
    expect(s.unmeshed).toBe(0);
    // The client's proxy saw the same failures, labelled as the seed's query expects.
    expect(w.mesh.metrics.responses({ deployment: CLIENT, direction: 'outbound', dst_service: 'myapp-canary' }, 'failure', 500)).toBe(canary.failed);
  });

  it('stops by itself after maxRequests', async () => {
    const g = start({ maxRequests: 120 });
    await clock.advance(10_000);
    const s = await g.done;
    expect(s).toMatchObject({ sent: 120, running: false, stopReason: 'max-requests' });
  });

  it('stops by itself after durationMs', async () => {
    const g = start({ durationMs: 2_000 });
    await clock.advance(5_000);
    const s = await g.done;
    expect(s.stopReason).toBe('duration');
    expect(s.sent).toBeGreaterThanOrEqual(99);
    expect(s.sent).toBeLessThanOrEqual(101);
    expect(clock.pendingSleeps()).toBeLessThan(5); // no loop left ticking
  });

  it('counts requests that could not leave a client without Ready pods', async () => {
    w.store.mutate(T.deployments, 'clients', CLIENT, (d) => void ((d['spec'] as any).replicas = 0));
    await clock.advance(100);
    const g = start({ maxRequests: 20 });
    await clock.advance(1_000);
    const s = await g.done;
    expect(s).toMatchObject({ sent: 0, noSource: 20, ok: 0, failed: 0 });
  });

  it('counts requests from a client without a proxy: they bypass the split', async () => {
    w.close();
    w = startMeshWorld({ clock, meshedClient: false });
    await clock.advance(100);
    w.store.create(T.trafficsplits, 'apps', trafficSplit('v1alpha2', 0, 100));
    const g = start({ maxRequests: 30 });
    await clock.advance(1_000);
    const s = await g.done;
    expect(s).toMatchObject({ sent: 30, unmeshed: 30 });
    expect(Object.keys(s.byBackend)).toEqual(['myapp']);
  });

  it('drops and counts requests beyond maxInFlight', async () => {
    // /delay/1 holds each request for a second of (manual) time.
    const g = start({ path: '/delay/1', maxInFlight: 10, rps: 50 });
    await clock.advance(500);
    const s = g.stats();
    expect(s.inFlight).toBe(10);
    expect(s.dropped).toBeGreaterThan(0);
  });
});
