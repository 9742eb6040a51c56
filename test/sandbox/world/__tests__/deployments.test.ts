import { startWorkloads, type Workloads } from '../deployments/index.js';
import { ManualClock } from '../manual-clock.js';
import type { ObjectStore } from '../../store/store.js';
import type { K8sObject } from '../../store/types.js';
import { cond, deployment, isReady, namespace, newStore, podsOf, status, T, waitFor } from './helpers.js';

const HTTPBIN = 'ghcr.io/mccutchen/go-httpbin';

describe('Deployment controller (real time, 5 ms pod start)', () => {
  let store: ObjectStore;
  let world: Workloads;
  const logs: string[] = [];

  beforeEach(() => {
    store = newStore();
    namespace(store, 'apps');
    world = startWorkloads({ store, podStartDelayMs: 5, log: (m) => logs.push(m) });
  });
  afterEach(() => {
    world.close();
    expect(logs).toEqual([]);
    logs.length = 0;
  });

  const getD = (name: string) => store.get(T.deployments, 'apps', name);
  const settled = (name: string, replicas: number) =>
    waitFor(store, `${name} complete with ${replicas} replicas`, () => {
      const d = getD(name);
      const s = status(d);
      return (
        (s['observedGeneration'] ?? 0) >= (d.metadata.generation ?? 1) &&
        (s['replicas'] ?? 0) === replicas &&
        (s['updatedReplicas'] ?? 0) === replicas &&
        (s['availableReplicas'] ?? 0) === replicas &&
        cond(d, 'Progressing')?.['reason'] === 'NewReplicaSetAvailable' &&
        podsOf(store, 'apps', { app: name }).length === replicas &&
        d
      );
    });

  it('creates a ReplicaSet and Ready pods, and reports status as the real controller does', async () => {
    store.create(T.deployments, 'apps', deployment('web', { replicas: 3 }));
    const d = await settled('web', 3);

    const rss = store.list(T.replicasets, 'apps').items;
    expect(rss).toHaveLength(1);
    const rs = rss[0]!;
    const hash = rs.metadata.labels!['pod-template-hash']!;
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true })]);
    expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3' });
    expect((rs['spec'] as any).selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });

    const pods = podsOf(store, 'apps', { app: 'web' });
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
      expect(p.metadata.labels).toMatchObject({ app: 'web', 'pod-template-hash': hash });
      expect(p.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ReplicaSet', name: rs.metadata.name, controller: true })]);
      expect(status(p)).toMatchObject({ phase: 'Running', podIP: expect.stringMatching(/^10\.244\./) });
      expect(isReady(p)).toBe(true);
      expect(status(p)['containerStatuses']).toEqual([expect.objectContaining({ name: 'app', ready: true, started: true, restartCount: 0, state: { running: expect.any(Object) } })]);
    }

    expect(status(d)).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(status(d)['unavailableReplicas']).toBeUndefined(); // omitempty, as the API serialises 0
    expect(status(d)['conditions'].map((c: any) => c.type)).toEqual(['Available', 'Progressing']);
    expect(cond(d, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rs.metadata.name}" has successfully progressed.` });
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');

    const events = store.list(T.events, 'apps').items;
    expect(events).toContainEqual(expect.objectContaining({ reason: 'ScalingReplicaSet', message: `Scaled up replica set ${rs.metadata.name} from 0 to 3`, involvedObject: expect.objectContaining({ kind: 'Deployment', name: 'web' }) }));
    expect(events.filter((e) => e['reason'] === 'SuccessfulCreate')).toHaveLength(3);
  });

  it('scales up and down, deleting not-ready pods first', async () => {
    store.create(T.deployments, 'apps', deployment('web', { replicas: 2 }));
    await settled('web', 2);
    store.mutate(T.deployments, 'apps', 'web', (d) => void ((d['spec'] as any).replicas = 5));
    let d = await settled('web', 5);
    expect(status(d)).toMatchObject({ replicas: 5, readyReplicas: 5, availableReplicas: 5, observedGeneration: 2 });
    store.mutate(T.deployments, 'apps', 'web', (d) => void ((d['spec'] as any).replicas = 1));
    d = await settled('web', 1);
    expect(status(d)).toMatchObject({ replicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 3 });
    store.mutate(T.deployments, 'apps', 'web', (d) => void ((d['spec'] as any).replicas = 0));
    d = await waitFor(store, 'zero pods', () => podsOf(store, 'apps', { app: 'web' }).length === 0 && status(getD('web'))['observedGeneration'] === 4 && getD('web'));
    expect(status(d)['replicas']).toBeUndefined();
    expect(cond(d, 'Available')?.['status']).toBe('True');
    const events = store.list(T.events, 'apps').items.map((e) => e['message']);
    expect(events).toEqual(expect.arrayContaining([expect.stringMatching(/^Scaled up replica set web-\w+ from 2 to 5$/), expect.stringMatching(/^Scaled down replica set web-\w+ from 5 to 1$/)]));
  });

  async function rollAndWatch(strategy: Record<string, unknown>, replicas: number) {
    store.create(T.deployments, 'apps', deployment('web', { replicas, spec: { strategy } }));
    await settled('web', replicas);
    const oldRs = store.list(T.replicasets, 'apps').items[0]!.metadata.name;
    let maxPods = 0;
    let minReady = Infinity;
    const stop = store.onChange((type) => {
      if (type.resource !== 'pods') return;
      const pods = podsOf(store, 'apps', { app: 'web' });
      maxPods = Math.max(maxPods, pods.length);
      minReady = Math.min(minReady, pods.filter(isReady).length);
    });
    store.mutate(T.deployments, 'apps', 'web', (d) => void ((d['spec'] as any).template.spec.containers[0].image = `${HTTPBIN}:2.17.1`));
    const d = await settled('web', replicas);
    stop();
    const pods = podsOf(store, 'apps', { app: 'web' });
    expect(pods.every((p) => (p['spec'] as any).containers[0].image === `${HTTPBIN}:2.17.1`)).toBe(true);
    const rsList = store.list(T.replicasets, 'apps').items;
    expect(rsList).toHaveLength(2);
    const old = rsList.find((r) => r.metadata.name === oldRs)!;
    const fresh = rsList.find((r) => r.metadata.name !== oldRs)!;
    expect((old['spec'] as any).replicas).toBe(0);
    expect(fresh.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    return { maxPods, minReady };
  }

  it('rolls out a new template within maxSurge=1 / maxUnavailable=0', async () => {
    const { maxPods, minReady } = await rollAndWatch({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, 4);
    expect(maxPods).toBe(5);
    expect(minReady).toBe(4);
  });

  it('rolls out a new template within maxSurge=0 / maxUnavailable=1', async () => {
    const { maxPods, minReady } = await rollAndWatch({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }, 4);
    expect(maxPods).toBe(4);
    expect(minReady).toBe(3);
  });

  it('rolls out with the 25%/25% defaults (surge rounds up, unavailable rounds down)', async () => {
    const { maxPods, minReady } = await rollAndWatch({}, 3);
    expect(maxPods).toBe(4); // 3 + ceil(0.75)
    expect(minReady).toBe(3); // 3 - floor(0.75)
  });

  it('Recreate removes every old pod before creating new ones', async () => {
    store.create(T.deployments, 'apps', deployment('web', { replicas: 2, spec: { strategy: { type: 'Recreate' } } }));
    await settled('web', 2);
    let overlap = false;
    const stop = store.onChange((type) => {
      if (type.resource !== 'pods') return;
      const images = new Set(podsOf(store, 'apps', { app: 'web' }).map((p) => (p['spec'] as any).containers[0].image));
      if (images.size > 1) overlap = true;
    });
    store.mutate(T.deployments, 'apps', 'web', (d) => void ((d['spec'] as any).template.spec.containers[0].image = `${HTTPBIN}:2.17.1`));
    await settled('web', 2);
    stop();
    expect(overlap).toBe(false);
  });

  it('releases a pod whose labels stop matching, replaces it, and rolls out on template label edits', async () => {
    store.create(T.deployments, 'apps', deployment('web', { replicas: 2 }));
    await settled('web', 2);
    const victim = podsOf(store, 'apps', { app: 'web' })[0]!;
    store.mutate(T.pods, 'apps', victim.metadata.name, (p) => void (p.metadata.labels!['app'] = 'debug'));
    await waitFor(store, 'a replacement pod', () => podsOf(store, 'apps', { app: 'web' }).filter(isReady).length === 2);
    const released = store.get(T.pods, 'apps', victim.metadata.name);
    expect(released.metadata.ownerReferences).toBeUndefined();
    expect(released.metadata.labels?.['app']).toBe('debug');

    // Editing template labels (e.g. adding a track label) is a new template: a new ReplicaSet.
    store.mutate(T.deployments, 'apps', 'web', (d) => {
      const spec = d['spec'] as any;
      spec.template.metadata.labels.track = 'stable';
    });
    await waitFor(store, 'pods with the track label', () => podsOf(store, 'apps', { app: 'web', track: 'stable' }).filter(isReady).length === 2 && podsOf(store, 'apps', { app: 'web' }).length === 2);
    expect(store.list(T.replicasets, 'apps').items).toHaveLength(2);
  });

  it('rolling back to a previous template reuses its ReplicaSet with a new revision', async () => {
    store.create(T.deployments, 'apps', deployment('web', { replicas: 1 }));
    await settled('web', 1);
    const first = store.list(T.replicasets, 'apps').items[0]!.metadata.name;
    const setImage = (image: string) => store.mutate(T.deployments, 'apps', 'web', (d) => void ((d['spec'] as any).template.spec.containers[0].image = image));
    setImage(`${HTTPBIN}:2.17.1`);
    await settled('web', 1);
    setImage(`${HTTPBIN}:2.17`);
    const d = await settled('web', 1);
    const rs = store.get(T.replicasets, 'apps', first);
    expect((rs['spec'] as any).replicas).toBe(1);
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(store.list(T.replicasets, 'apps').items).toHaveLength(2);
  });

  it('deleting a Deployment deletes its ReplicaSets and pods', async () => {
    store.create(T.deployments, 'apps', deployment('web', { replicas: 2 }));
    await settled('web', 2);
    store.delete(T.deployments, 'apps', 'web');
    await waitFor(store, 'garbage collection', () => store.list(T.replicasets, 'apps').items.length === 0 && store.list(T.pods, 'apps').items.length === 0);
  });

  it('counts a pod as available only after minReadySeconds', async () => {
    world.close();
    const clock = new ManualClock();
    world = startWorkloads({ store, clock, podStartDelayMs: 100, log: (m) => logs.push(m) });
    store.create(T.deployments, 'apps', deployment('web', { replicas: 1, spec: { minReadySeconds: 5 } }));
    await clock.advance(1000);
    expect(status(getD('web'))).toMatchObject({ readyReplicas: 1 });
    expect(status(getD('web'))['availableReplicas']).toBeUndefined();
    await clock.advance(5000);
    expect(status(getD('web'))).toMatchObject({ readyReplicas: 1, availableReplicas: 1 });
  });
});

describe('Deployment controller: images that never become Ready (manual clock)', () => {
  let store: ObjectStore;
  let world: Workloads;
  let clock: ManualClock;

  beforeEach(() => {
    clock = new ManualClock();
    store = newStore(() => new Date(clock.now()));
    namespace(store, 'apps');
    world = startWorkloads({ store, clock, podStartDelayMs: 1000, log: (m) => { throw new Error(m); } });
  });
  afterEach(() => world.close());

  const getD = (name: string) => store.get(T.deployments, 'apps', name);
  const container = (p: K8sObject) => status(p)['containerStatuses'][0];

  it('a crash image loops in CrashLoopBackOff, never Ready, and the rollout exceeds its progress deadline', async () => {
    store.create(T.deployments, 'apps', deployment('web', { replicas: 1, image: `${HTTPBIN}:crash`, spec: { progressDeadlineSeconds: 60 } }));
    await clock.advance(2000);
    let pod = podsOf(store, 'apps', { app: 'web' })[0]!;
    expect(isReady(pod)).toBe(false);
    expect(status(pod)['phase']).toBe('Running');
    expect(container(pod)).toMatchObject({ ready: false, restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } });
    expect(cond(pod, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
    let d = getD('web');
    expect(cond(d, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'True' });

    await clock.advance(10_000 + 20_000); // back-offs of 10 s then 20 s
    pod = podsOf(store, 'apps', { app: 'web' })[0]!;
    expect(container(pod).restartCount).toBe(3);

    await clock.advance(35_000);
    d = getD('web');
    const rs = store.list(T.replicasets, 'apps').items[0]!.metadata.name;
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rs}" has timed out progressing.` });
    expect(status(d)).toMatchObject({ replicas: 1, updatedReplicas: 1, unavailableReplicas: 1 });
    expect(status(d)['readyReplicas']).toBeUndefined();
    const reasons = store.list(T.events, 'apps').items.map((e) => e['reason']);
    expect(reasons).toContain('BackOff');
  });

  it('a crashing update keeps the old pods serving and times out', async () => {
    store.create(T.deployments, 'apps', deployment('web', { replicas: 2, spec: { progressDeadlineSeconds: 30 } }));
    await clock.advance(2000);
    expect(status(getD('web'))).toMatchObject({ availableReplicas: 2 });
    store.mutate(T.deployments, 'apps', 'web', (d) => void ((d['spec'] as any).template.spec.containers[0].image = `${HTTPBIN}:crash`));
    await clock.advance(5000);
    let d = getD('web');
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    await clock.advance(30_000);
    d = getD('web');
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(cond(d, 'Available')).toMatchObject({ status: 'True' });
    // maxUnavailable 25% of 2 rounds down to 0: both old pods stay; maxSurge adds one new pod.
    expect(status(d)).toMatchObject({ replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 1 });
    expect(podsOf(store, 'apps', { app: 'web' }).filter(isReady)).toHaveLength(2);
  });

  it('an unpullable image sits in ErrImagePull, then ImagePullBackOff', async () => {
    store.create(T.deployments, 'apps', deployment('web', { replicas: 1, image: `${HTTPBIN}:nonexistent` }));
    await clock.advance(1500);
    let pod = podsOf(store, 'apps', { app: 'web' })[0]!;
    expect(status(pod)['phase']).toBe('Pending');
    expect(container(pod).state.waiting.reason).toBe('ErrImagePull');
    await clock.advance(10_000);
    pod = podsOf(store, 'apps', { app: 'web' })[0]!;
    expect(container(pod)).toMatchObject({ ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${HTTPBIN}:nonexistent"` } } });
  });

  it('a healthy rollout completes before the deadline and stays complete', async () => {
    store.create(T.deployments, 'apps', deployment('web', { replicas: 1, spec: { progressDeadlineSeconds: 10 } }));
    await clock.advance(2000);
    await clock.advance(60_000);
    expect(cond(getD('web'), 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
  });
});
