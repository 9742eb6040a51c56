import { jest } from '@jest/globals';
import { LeaseLock } from '../../src/kube/lease.js';
import type { LeaseHolder } from '../../src/engine/ports.js';
import { FakeClock } from '../support/fake-clock.js';
import { eventually } from './support/clocks.js';
import { kubeSandbox, stored, typeOf, type KubeSandbox } from './support/sandbox.js';

type LeaseSpec = { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };

describe('LeaseLock', () => {
  let sb: KubeSandbox;
  let clock: FakeClock;
  let stop: AbortController;
  beforeEach(async () => {
    sb = await kubeSandbox();
    clock = new FakeClock(Date.UTC(2026, 0, 1, 12, 0, 0));
    stop = new AbortController();
  });
  afterEach(async () => {
    stop.abort();
    await sb.close();
  });

  const lock = (identity: string, client = sb.newClient()) => new LeaseLock({ client, namespace: 'apps', rollout: 'myapp', identity, clock });
  const spec = () => stored(sb, 'leases', 'myapp-canary-lock')?.['spec'] as LeaseSpec | undefined;

  it('acquires a free Lease for 25 s, renews it every 15 s on the clock, and releases it', async () => {
    const a = lock('alice@laptop pid 1');
    expect(await a.acquire()).toEqual({ taken: true, previous: null });
    expect(spec()).toEqual({
      holderIdentity: 'alice@laptop pid 1',
      leaseDurationSeconds: 25,
      acquireTime: '2026-01-01T12:00:00.000000Z',
      renewTime: '2026-01-01T12:00:00.000000Z',
      leaseTransitions: 0,
    });
    expect(stored(sb, 'leases', 'myapp-canary-lock')!.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('canary');
    const lost = jest.fn();
    a.hold(stop.signal, lost);
    for (const seconds of [15, 30, 45]) {
      await clock.advance(14_000);
      expect(spec()?.renewTime).toBe(`2026-01-01T12:00:${String(seconds - 15).padStart(2, '0')}.000000Z`);
      await clock.advance(1_000);
      await eventually(() => spec()?.renewTime === `2026-01-01T12:00:${String(seconds).padStart(2, '0')}.000000Z`, 5_000, `renewal at +${seconds}s`);
    }
    expect(clock.requested.filter((ms) => ms === 15_000).length).toBeGreaterThanOrEqual(3);
    expect(await a.holder()).toEqual({ identity: 'alice@laptop pid 1', renewedAt: Date.UTC(2026, 0, 1, 12, 0, 45), durationMs: 25_000 });
    await a.release();
    expect(spec()?.holderIdentity).toBeUndefined();
    expect(await a.holder()).toBeNull();
    expect(lost).not.toHaveBeenCalled();
  });

  it('two runners starting at once: exactly one wins, the other learns who holds it', async () => {
    const [ra, rb] = await Promise.all([lock('runner-a').acquire(), lock('runner-b').acquire()]);
    const results = [ra, rb];
    expect(results.filter((r) => r.taken)).toHaveLength(1);
    const loser = results.find((r) => !r.taken) as { taken: false; holder: LeaseHolder };
    expect(loser.holder.identity).toBe(spec()!.holderIdentity);
    expect(loser.holder.durationMs).toBe(25_000);
  });

  it('a live Lease is not taken; a stale one is, reporting the previous holder', async () => {
    await lock('runner-a').acquire();
    await clock.advance(20_000);
    const b = lock('runner-b');
    expect(await b.acquire()).toEqual({ taken: false, holder: { identity: 'runner-a', renewedAt: Date.UTC(2026, 0, 1, 12, 0, 0), durationMs: 25_000 } });
    await clock.advance(6_000);
    expect(await b.acquire()).toEqual({ taken: true, previous: { identity: 'runner-a', renewedAt: Date.UTC(2026, 0, 1, 12, 0, 0), durationMs: 25_000 } });
    expect(spec()).toMatchObject({ holderIdentity: 'runner-b', leaseTransitions: 1, acquireTime: '2026-01-01T12:00:26.000000Z' });
  });

  it('a live Lease held by a runner whose run is over is taken when that holder is named, and only then', async () => {
    await lock('runner-a').acquire();
    await clock.advance(1_000);
    const b = lock('runner-b');
    expect(await b.acquire('runner-c')).toMatchObject({ taken: false, holder: { identity: 'runner-a' } });
    expect(await b.acquire('runner-a')).toEqual({ taken: true, previous: { identity: 'runner-a', renewedAt: Date.UTC(2026, 0, 1, 12, 0, 0), durationMs: 25_000 } });
    expect(spec()).toMatchObject({ holderIdentity: 'runner-b', leaseTransitions: 1 });
  });

  it('a released Lease is free for the next runner at once', async () => {
    const a = lock('runner-a');
    await a.acquire();
    await a.release();
    expect(await lock('runner-b').acquire()).toEqual({ taken: true, previous: null });
  });

  it('detects the loss when someone else takes the Lease over', async () => {
    const a = lock('runner-a');
    await a.acquire();
    const lost = new Promise<LeaseHolder | null>((resolve) => a.hold(stop.signal, resolve));
    sb.store.mutate(typeOf(sb, 'leases'), 'apps', 'myapp-canary-lock', (o) => {
      (o['spec'] as LeaseSpec).holderIdentity = 'runner-b';
    });
    await clock.advance(15_000);
    expect(await lost).toMatchObject({ identity: 'runner-b' });
  });

  it('a runner that cannot renew for the whole duration gives the Lease up as lost', async () => {
    const a = new LeaseLock({ client: sb.newClient({ retry: { attempts: 1 } }), namespace: 'apps', rollout: 'myapp', identity: 'runner-a', clock });
    await a.acquire();
    const onLost = jest.fn();
    a.hold(stop.signal, onLost);
    sb.api.faults.add({ kind: 'status', code: 503, share: 1, match: { resources: ['leases'], verbs: ['update'] } });
    for (let t = 0; t < 16 && onLost.mock.calls.length === 0; t++) {
      const failed = sb.api.stats.snapshot().byStatus['503'] ?? 0;
      await clock.advance(t === 0 ? 15_000 : 1_000);
      await eventually(() => (sb.api.stats.snapshot().byStatus['503'] ?? 0) > failed || onLost.mock.calls.length > 0, 5_000, 'a failed renewal');
    }
    await eventually(() => onLost.mock.calls.length > 0, 5_000, 'onLost');
    expect(onLost).toHaveBeenCalledWith(null);
    expect(clock.now() - Date.UTC(2026, 0, 1, 12, 0, 0)).toBeGreaterThanOrEqual(25_000);
  });
});
