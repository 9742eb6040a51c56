import { applyDefaults, ClusterIpAllocator } from '../../api/defaults.js';
import type { K8sObject } from '../../store/types.js';
import { startWorld } from '../index.js';
import { layOutScenario, readSeedServices, SEED } from '../scenario.js';
import { cond, deployment, isReady, leftovers, leftoversAfterClose, newStore, podsOf, resources, settledResources, status, T, waitFor } from './helpers.js';

const ips = new ClusterIpAllocator(() => new Set());
const admit = (kind: string, obj: K8sObject) => applyDefaults(kind, obj, ips);

describe('the world as a whole', () => {
  it("lays out the seed scenario from examples/seed/services.yaml, defaulted like the API server's objects", async () => {
    const store = newStore();
    layOutScenario(store, 'seed', admit);
    const world = await startWorld({ store, podStartDelayMs: 5, admit, prometheus: false });
    try {
      const services = store.list(T.services, 'apps').items.map((s) => s.metadata.name).sort();
      expect(services).toEqual(readSeedServices().map((s) => s.metadata.name).sort());
      expect(services).toEqual(['myapp', 'myapp-canary', 'myapp-stable']);
      expect((store.get(T.services, 'apps', 'myapp')['spec'] as any).clusterIP).toMatch(/^10\.96\./);
      expect(store.get(T.namespaces, null, 'apps').metadata.annotations).toEqual({ 'linkerd.io/inject': 'enabled' });
      await world.waitForDeployments([`apps/${SEED.client}`], 5000);
      const pod = podsOf(store, 'apps', { app: SEED.client })[0]!;
      // Injected by the "proxy injector" and defaulted by the "API server".
      expect(pod.metadata.labels).toMatchObject({ 'linkerd.io/proxy-deployment': SEED.client, 'linkerd.io/control-plane-ns': 'linkerd' });
      expect(pod['spec']).toMatchObject({ restartPolicy: 'Always', serviceAccountName: 'default', nodeName: 'sandbox-control-plane' });
      expect(isReady(pod)).toBe(true);
      // Defaulted templates must still match their ReplicaSet: exactly one, no churn.
      await new Promise((r) => setTimeout(r, 50));
      expect(store.list(T.replicasets, 'apps').items).toHaveLength(1);
    } finally {
      await world.close();
    }
  });

  it("lays out the blue-green scenario: the seed's world plus examples/blue-green/'s preview Service", () => {
    const store = newStore();
    layOutScenario(store, 'blue-green', admit);
    expect(store.list(T.services, 'apps').items.map((s) => s.metadata.name).sort()).toEqual(['myapp', 'myapp-canary', 'myapp-preview', 'myapp-stable']);
    expect((store.get(T.services, 'apps', SEED.previewService)['spec'] as any).selector).toEqual({ 'app.kubernetes.io/name': 'myapp' });
    expect(store.list(T.deployments, 'apps').items.map((d) => d.metadata.name)).toEqual([SEED.client]);
  });

  it('a Deployment stored without defaults and one stored with them both settle on one ReplicaSet', async () => {
    const store = newStore();
    layOutScenario(store, 'empty', admit);
    const world = await startWorld({ store, podStartDelayMs: 5, admit, prometheus: false });
    try {
      const raw = deployment('raw', { ns: 'default' });
      const defaulted = deployment('defaulted', { ns: 'default' });
      admit('Deployment', defaulted);
      store.create(T.deployments, 'default', raw);
      store.create(T.deployments, 'default', defaulted);
      await world.waitForDeployments(['default/raw', 'default/defaulted'], 5000);
      await new Promise((r) => setTimeout(r, 50));
      expect(store.list(T.replicasets, 'default').items).toHaveLength(2);
      expect(cond(store.get(T.deployments, 'default', 'raw'), 'Progressing')?.['reason']).toBe('NewReplicaSetAvailable');
    } finally {
      await world.close();
    }
  });

  it('close() stops load, servers, controllers and timers: nothing is left running', async () => {
    const before = await settledResources();
    const store = newStore();
    layOutScenario(store, 'seed', admit);
    const world = await startWorld({ store, podStartDelayMs: 5, admit, prometheus: false });
    store.create(T.deployments, 'apps', deployment('myapp', { labels: { 'app.kubernetes.io/name': 'myapp' }, image: 'ghcr.io/mccutchen/go-httpbin:crash' }));
    await world.waitForDeployments([`apps/${SEED.client}`], 5000);
    const load = world.startLoad({ rps: 200, path: '/delay/5' });
    await waitFor(store, 'load in flight', () => load.stats().sent > 0);
    const metrics = await fetch(`${world.meshServer.url}/metrics`, { headers: { connection: 'keep-alive' } });
    await metrics.text();
    const during = leftovers(before, resources());

    await world.close();
    expect(during).toMatchObject({ Timeout: expect.any(Number), TCPSocketWrap: expect.any(Number) });
    const stats = load.stats();
    expect(stats.running).toBe(false);
    expect(stats.inFlight).toBe(0);
    expect(status(store.get(T.deployments, 'apps', SEED.client))['availableReplicas']).toBe(1);
    expect(await leftoversAfterClose(before)).toEqual({});
  });
});
