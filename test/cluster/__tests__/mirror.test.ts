/**
 * The node agent's replica of a cluster, against the sandbox's API server standing in for the real
 * one: the initial list, watch events both ways of the store, sync() as a barrier after a write, and
 * the kubelet's and recorder's local writes sent back (pod status as a merge patch, new Events).
 */
import { startApiServer, type ApiServer } from '../../sandbox/api/index.js';
import { catalog, servedTypes } from '../../sandbox/api/catalog.js';
import { ObjectStore } from '../../sandbox/store/store.js';
import { Kube } from '../agent/kube.js';
import { Mirror } from '../agent/mirror.js';

describe('node agent mirror', () => {
  let remote: ObjectStore;
  let api: ApiServer;
  let kube: Kube;
  let local: ObjectStore;
  let mirror: Mirror;
  const logs: string[] = [];

  beforeEach(async () => {
    remote = new ObjectStore(servedTypes());
    api = await startApiServer({ store: remote, namespaces: ['default', 'apps'] });
    remote.create(catalog.pods, 'apps', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'apps' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
    kube = new Kube({ server: api.url, ...(api.caPem ? { caPem: api.caPem } : {}), token: api.token });
    local = new ObjectStore(servedTypes());
    mirror = new Mirror({ kube, store: local, types: [catalog.namespaces, catalog.configmaps, catalog.pods, catalog.events], log: (l) => logs.push(l) });
    await mirror.start();
  });
  afterEach(async () => {
    await mirror.close();
    kube.close();
    await api.close();
  });

  it('starts with what the API server holds, uid and resourceVersion included', () => {
    const there = remote.get(catalog.pods, 'apps', 'p1');
    const here = local.get(catalog.pods, 'apps', 'p1');
    expect(here.metadata).toMatchObject({ uid: there.metadata.uid, resourceVersion: there.metadata.resourceVersion });
    expect(local.tryGet(catalog.namespaces, null, 'apps')).toBeDefined();
  });

  it('follows creations, changes and deletions; sync() returns once they are all in', async () => {
    remote.create(catalog.configmaps, 'apps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'apps' }, data: { a: '1' } });
    remote.mutate(catalog.configmaps, 'apps', 'cm', (o) => {
      o['data'] = { a: '2' };
    });
    await mirror.sync();
    expect(local.get(catalog.configmaps, 'apps', 'cm')['data']).toEqual({ a: '2' });
    remote.delete(catalog.configmaps, 'apps', 'cm');
    await mirror.until('the ConfigMap gone', () => !local.tryGet(catalog.configmaps, 'apps', 'cm'), 5_000);
  });

  it('sends the kubelet\'s pod status and the recorder\'s new Events to the API server, and nothing else', async () => {
    local.mutate(catalog.pods, 'apps', 'p1', (p) => {
      p['status'] = { phase: 'Running', podIP: '10.244.0.9', conditions: [{ type: 'Ready', status: 'True' }] };
    }, { subresource: 'status' });
    local.create(catalog.events, 'apps', { apiVersion: 'v1', kind: 'Event', metadata: { name: 'p1.1', namespace: 'apps' }, involvedObject: { kind: 'Pod', name: 'p1', namespace: 'apps' }, reason: 'Started', message: 'Started container c', type: 'Normal', source: { component: 'kubelet' } });
    local.create(catalog.configmaps, 'apps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'not-mine', namespace: 'apps' } });
    await mirror.until('the pod status back from the API server', () => {
      const s = remote.tryGet(catalog.pods, 'apps', 'p1')?.['status'] as { phase?: string } | undefined;
      return s?.phase === 'Running' && !!remote.tryGet(catalog.events, 'apps', 'p1.1');
    }, 5_000);
    expect(remote.get(catalog.pods, 'apps', 'p1')['status']).toMatchObject({ phase: 'Running', podIP: '10.244.0.9' });
    expect(remote.tryGet(catalog.configmaps, 'apps', 'not-mine')).toBeUndefined();
    expect(logs).toContain('node agent: a local ADDED of configmaps apps/not-mine is not sent to the API server (only the kubelet\'s and the policy controller\'s writes are)');
  });

  it('knows what the API server sent even after a local write restamped the replica with the store\'s own counter (found by the gateway-api e2e on the real control plane)', async () => {
    const sent = remote.mutate(catalog.pods, 'apps', 'p1', (p) => {
      p.metadata.labels = { tier: 'web' };
    });
    const rv = sent.metadata.resourceVersion!;
    await mirror.until('the label', () => mirror.hasSeen(catalog.pods, 'apps', 'p1', rv), 5_000);
    // The kubelet's status write here gives the replica's copy a resourceVersion from the local counter.
    local.mutate(catalog.pods, 'apps', 'p1', (p) => {
      p['status'] = { phase: 'Pending' };
    }, { subresource: 'status' });
    expect(mirror.hasSeen(catalog.pods, 'apps', 'p1', rv)).toBe(true);
    expect(mirror.hasSeen(catalog.pods, 'apps', 'p1', String(BigInt(rv) + 1000n))).toBe(false);
    expect(mirror.hasSeen(catalog.pods, 'apps', 'nope', '1')).toBe(false);
  });
});
