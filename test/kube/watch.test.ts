import { jest } from '@jest/globals';
import type { WatchEvent } from '../../src/kube/client.js';
import { updateWithRetry } from '../../src/kube/conflict.js';
import { ConfigMaps } from '../../src/kube/resources.js';
import { keepWatching } from '../../src/kube/watch.js';
import { RecordingClock, eventually } from './support/clocks.js';
import { kubeSandbox, stored, type KubeSandbox } from './support/sandbox.js';

type Cm = { metadata: { name: string; resourceVersion?: string }; data?: Record<string, string> };

describe('keepWatching', () => {
  let sb: KubeSandbox;
  let stop: AbortController;
  beforeEach(async () => {
    sb = await kubeSandbox();
    stop = new AbortController();
  });
  afterEach(async () => {
    stop.abort();
    await sb.close();
  });

  const names = (events: WatchEvent[]) => events.map((e) => `${e.type} ${e.object.metadata.name}:${(e.object as Cm).data?.['v'] ?? ''}`);

  it('resumes a cut stream from the last resourceVersion: nothing missed, nothing twice', async () => {
    const events: WatchEvent[] = [];
    void keepWatching(sb.client, { resource: ConfigMaps, namespace: 'apps' }, (e) => events.push(e), stop.signal);
    await sb.client.create(ConfigMaps, 'apps', { metadata: { name: 'a' }, data: { v: '1' } });
    await eventually(() => events.length === 1);
    expect(sb.api.faults.cutWatchesNow()).toBe(1);
    await sb.client.patch(ConfigMaps, 'apps', 'a', { type: 'merge', body: { data: { v: '2' } } });
    await sb.client.create(ConfigMaps, 'apps', { metadata: { name: 'b' }, data: { v: '1' } });
    await eventually(() => events.length === 3, 5_000, 'the changes made while disconnected');
    expect(names(events)).toEqual(['ADDED a:1', 'MODIFIED a:2', 'ADDED b:1']);
    // a re-watch without a resume point would have replayed "ADDED a:2" instead of "MODIFIED a:2"
    expect(sb.api.stats.snapshot().byVerb['watch']).toBe(2);
  });

  it('a resume point that expired (410) replays the current objects', async () => {
    const events: WatchEvent[] = [];
    await sb.client.create(ConfigMaps, 'apps', { metadata: { name: 'a' }, data: { v: '1' } });
    void keepWatching(sb.client, { resource: ConfigMaps, namespace: 'apps' }, (e) => events.push(e), stop.signal);
    await eventually(() => events.length === 1);
    sb.api.faults.cutWatchesNow();
    await sb.client.patch(ConfigMaps, 'apps', 'a', { type: 'merge', body: { data: { v: '2' } } });
    sb.store.compact();
    await eventually(() => names(events).includes('ADDED a:2'), 5_000, 'the replay after 410');
    expect(names(events)).toEqual(['ADDED a:1', 'ADDED a:2']);
  });

  it('a forbidden watch is reported and retried with growing backoff, not in a tight loop', async () => {
    sb.api.authorizer.setRules([]);
    const clock = new RecordingClock({ scale: 0.01 });
    const onError = jest.fn();
    void keepWatching(sb.newClient({ clock }), { resource: ConfigMaps, namespace: 'apps' }, () => undefined, stop.signal, { onError, maxBackoffMs: 4_000 });
    await eventually(() => onError.mock.calls.length >= 6, 5_000);
    expect((onError.mock.calls[0]![0] as Error).message).toMatch(/^forbidden: canary needs watch on configmaps in apps/);
    const waits = clock.sleeps.filter((ms) => ms < 30_000).slice(0, 6);
    for (let i = 1; i < 5; i++) expect(waits[i]!).toBeGreaterThanOrEqual(waits[i - 1]! / 2);
    expect(Math.max(...clock.sleeps.filter((ms) => ms < 30_000))).toBeLessThanOrEqual(4_000);
  });
});

describe('updateWithRetry under 409s', () => {
  it('30 concurrent read-modify-write increments with 30% injected conflicts: every one lands exactly once', async () => {
    const sb = await kubeSandbox({ faultSeed: 3 });
    try {
      await sb.client.create(ConfigMaps, 'apps', { metadata: { name: 'counter' }, data: { n: '0' } });
      sb.api.faults.conflicts(0.3, { verbs: ['update'] });
      const increment = () =>
        updateWithRetry(
          { what: 'ConfigMap apps/counter', attempts: 50 },
          () => sb.client.get<Cm>(ConfigMaps, 'apps', 'counter'),
          (cm) => ({ ...cm, data: { n: String(Number(cm.data!['n']) + 1) } }),
          (next) => sb.client.replace(ConfigMaps, 'apps', 'counter', next),
        );
      await Promise.all(Array.from({ length: 30 }, increment));
      expect((stored(sb, 'configmaps', 'counter')!['data'] as Record<string, string>)['n']).toBe('30');
      expect(sb.api.stats.snapshot().byStatus['409']).toBeGreaterThan(30);
    } finally {
      await sb.close();
    }
  });
});
