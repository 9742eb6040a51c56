import { cachedClient, matchesLabels } from '../../src/kube/cached-client.js';
import type { KubeClient } from '../../src/kube/client.js';
import { ConfigMaps, Pods } from '../../src/kube/resources.js';
import { eventually } from './support/clocks.js';
import { kubeSandbox, seed, typeOf, type KubeSandbox } from './support/sandbox.js';

type Cm = { metadata: { name: string; resourceVersion?: string; labels?: Record<string, string> }; data?: Record<string, string> };

describe('cachedClient: reads from watches', () => {
  let sb: KubeSandbox;
  let stop: AbortController;
  let client: KubeClient;
  beforeEach(async () => {
    sb = await kubeSandbox();
    stop = new AbortController();
    client = cachedClient(sb.client, stop.signal);
  });
  afterEach(async () => {
    stop.abort();
    await sb.close();
  });

  const cm = (name: string, v: string) => seed(sb, 'configmaps', { metadata: { name, namespace: 'apps', labels: { app: 'x' } }, data: { v } });
  const value = async (name: string) => (await client.tryGet<Cm>(ConfigMaps, 'apps', name))?.data?.['v'] ?? null;
  const verbs = () => sb.api.stats.snapshot().byResource['configmaps'] ?? {};

  it('the first read lists and watches the object; later reads cost no request and follow changes made elsewhere', async () => {
    cm('a', '1');
    expect(await value('a')).toBe('1');
    await eventually(() => sb.api.openWatches() === 1);
    sb.api.stats.reset();
    for (let i = 0; i < 5; i++) expect(await value('a')).toBe('1');
    sb.store.mutate(typeOf(sb, 'configmaps'), 'apps', 'a', (o) => void ((o as Cm).data = { v: '2' }));
    await eventually(async () => (await value('a')) === '2', 5_000, 'the change from the watch');
    sb.store.delete(typeOf(sb, 'configmaps'), 'apps', 'a');
    await eventually(async () => (await value('a')) === null, 5_000, 'the deletion from the watch');
    expect(verbs()).toEqual({});
  });

  it('an object that does not exist yet is absent, then appears; get() of an absent object is the server 404', async () => {
    expect(await value('later')).toBeNull();
    await expect(client.get(ConfigMaps, 'apps', 'later')).rejects.toThrow(/ConfigMap apps\/later: get failed: 404/);
    cm('later', '1');
    await eventually(async () => (await value('later')) === '1', 5_000, 'the object created elsewhere');
  });

  it("this process's writes are read back at once, before the watch delivers them, and never regress", async () => {
    cm('a', '1');
    await value('a');
    // The watch is down for a while: the write's answer must carry the read.
    await eventually(() => sb.api.openWatches() === 1);
    sb.api.faults.latency(300, { verbs: ['watch'] });
    sb.api.faults.cutWatchesNow();
    for (let v = 2; v <= 6; v++) {
      await client.patch(ConfigMaps, 'apps', 'a', { type: 'merge', body: { data: { v: String(v) } } });
      expect(await value('a')).toBe(String(v));
    }
    await new Promise((r) => setTimeout(r, 400));
    expect(await value('a')).toBe('6');
  });

  it('a list by label selector is one watch; the copy sees objects come and go', async () => {
    seed(sb, 'pods', { metadata: { name: 'p1', namespace: 'apps', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const names = async () => (await client.list(Pods, 'apps', { labelSelector: 'app=x' })).items.map((p) => p.metadata.name).sort();
    expect(await names()).toEqual(['p1']);
    seed(sb, 'pods', { metadata: { name: 'p2', namespace: 'apps', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    seed(sb, 'pods', { metadata: { name: 'other', namespace: 'apps', labels: { app: 'y' } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    await eventually(async () => (await names()).length === 2, 5_000, 'the new pod');
    expect(await names()).toEqual(['p1', 'p2']);
    expect(sb.api.stats.snapshot().byResource['pods']).toEqual({ list: 1, watch: 1 });
  });

  it("an object this process creates is in the label selections it matches at once, before the watch delivers it", async () => {
    const names = async (selector: string) => (await client.list<Cm>(ConfigMaps, 'apps', { labelSelector: selector })).items.map((o) => o.metadata.name).sort();
    expect(await names('app=x')).toEqual([]);
    expect(await names('app!=x,team')).toEqual([]);
    await eventually(() => sb.api.openWatches() === 2);
    // The watches are slow: only the create's answer can put the object in the copies.
    sb.api.faults.latency(500, { verbs: ['watch'] });
    sb.api.faults.cutWatchesNow();
    await client.create(ConfigMaps, 'apps', { metadata: { name: 'mine', namespace: 'apps', labels: { app: 'x' } }, data: { v: '1' } });
    expect(await names('app=x')).toEqual(['mine']);
    expect(await names('app!=x,team')).toEqual([]);
  });

  it('matchesLabels: equality, inequality, existence and absence; set-based terms are left to the watch', () => {
    const labels = { app: 'x', team: 'a' };
    expect([matchesLabels('app=x', labels), matchesLabels('app==x,team', labels), matchesLabels('app!=y,!gone', labels)]).toEqual([true, true, true]);
    expect([matchesLabels('app=y', labels), matchesLabels('!team', labels), matchesLabels('gone', labels), matchesLabels('app in (x)', labels)]).toEqual([false, false, false, false]);
  });

  it('survives cut streams and an expired resume point (410): the copy catches up with what changed meanwhile', async () => {
    cm('a', '1');
    await value('a');
    await eventually(() => sb.api.openWatches() === 1);
    expect(sb.api.faults.cutWatchesNow()).toBe(1);
    sb.store.mutate(typeOf(sb, 'configmaps'), 'apps', 'a', (o) => void ((o as Cm).data = { v: '2' }));
    await eventually(async () => (await value('a')) === '2', 5_000, 'the change made while cut');
    sb.api.faults.cutWatchesNow();
    sb.store.mutate(typeOf(sb, 'configmaps'), 'apps', 'a', (o) => void ((o as Cm).data = { v: '3' }));
    sb.store.compact();
    await eventually(async () => (await value('a')) === '3', 5_000, 'the replay after 410');
  });

  it('a selection survives a cut stream and an expired resume point (410): listed again, nothing missed', async () => {
    const pod = (name: string) => seed(sb, 'pods', { metadata: { name, namespace: 'apps', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const names = async () => (await client.list(Pods, 'apps', { labelSelector: 'app=x' })).items.map((p) => p.metadata.name).sort();
    pod('p1');
    expect(await names()).toEqual(['p1']);
    await eventually(() => sb.api.openWatches() === 1);
    sb.api.faults.cutWatchesNow();
    pod('p2');
    await eventually(async () => (await names()).length === 2, 5_000, 'the pod created while cut');
    sb.api.faults.cutWatchesNow();
    sb.store.delete(typeOf(sb, 'pods'), 'apps', 'p1');
    pod('p3');
    sb.store.compact();
    await eventually(async () => (await names()).join() === 'p2,p3', 5_000, 'the relist after 410');
    expect(sb.api.stats.snapshot().byResource['pods']?.['list']).toBe(2);
  });

  it('after a failed write (a lost race) the next read goes to the server, so a retry sees the current object', async () => {
    const first = cm('a', '1');
    await value('a');
    await eventually(() => sb.api.openWatches() === 1);
    sb.api.faults.latency(1_000, { verbs: ['watch'] });
    sb.api.faults.cutWatchesNow();
    sb.store.mutate(typeOf(sb, 'configmaps'), 'apps', 'a', (o) => void ((o as Cm).data = { v: 'theirs' }));
    const stale = await client.get<Cm>(ConfigMaps, 'apps', 'a');
    expect(stale.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    await expect(client.replace(ConfigMaps, 'apps', 'a', { ...stale, data: { v: 'mine' } })).rejects.toThrow(/409/);
    const fresh = await client.get<Cm>(ConfigMaps, 'apps', 'a');
    expect(fresh.data).toEqual({ v: 'theirs' });
    await client.replace(ConfigMaps, 'apps', 'a', { ...fresh, data: { v: 'mine' } });
    expect(await value('a')).toBe('mine');
  });

  it('an object by name needs only get and watch (examples/rbac.yaml grants no list)', async () => {
    cm('a', '1');
    sb.api.authorizer.setRules([{ verbs: ['get', 'watch'], apiGroups: [''], resources: ['configmaps'] }]);
    expect(await value('a')).toBe('1');
    await eventually(() => sb.api.openWatches() === 1);
    sb.store.mutate(typeOf(sb, 'configmaps'), 'apps', 'a', (o) => void ((o as Cm).data = { v: '2' }));
    await eventually(async () => (await value('a')) === '2', 5_000, 'the change from the watch');
    expect(verbs()).toEqual({ get: 1, watch: 1 });
  });

  it('without watch permission, reads go to the server with the same answers', async () => {
    cm('a', '1');
    sb.api.authorizer.setRules([{ verbs: ['get', 'patch'], apiGroups: [''], resources: ['configmaps'] }]);
    expect(await value('a')).toBe('1');
    await eventually(() => (verbs()['watch'] ?? 0) >= 1);
    sb.store.mutate(typeOf(sb, 'configmaps'), 'apps', 'a', (o) => void ((o as Cm).data = { v: '2' }));
    expect(await value('a')).toBe('2');
    await client.patch(ConfigMaps, 'apps', 'a', { type: 'merge', body: { data: { v: '3' } } });
    expect(await value('a')).toBe('3');
    expect(sb.api.openWatches()).toBe(0);
  });

  it('ends every watch when its signal aborts', async () => {
    cm('a', '1');
    await value('a');
    await client.list(Pods, 'apps', { labelSelector: 'app=x' });
    await eventually(() => sb.api.openWatches() === 2);
    stop.abort();
    await eventually(() => sb.api.openWatches() === 0, 5_000, 'the watches closed');
  });
});
