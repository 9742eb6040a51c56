/**
 * The Job controller and the kubelet's run-to-completion pods (real time, 5 ms pod start): a Job
 * whose container exits 0 is Complete, one that exits 1 is retried up to backoffLimit then Failed,
 * with the conditions, counts, Events and pod statuses kube-controller-manager and the kubelet write.
 */
import { startWorkloads, type Workloads } from '../deployments/index.js';
import type { ObjectStore } from '../../store/store.js';
import type { K8sObject } from '../../store/types.js';
import { cond, namespace, newStore, status, T, waitFor } from './helpers.js';

function job(name: string, image: string, spec: Record<string, unknown> = {}, restartPolicy = 'Never'): K8sObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'apps' },
    spec: { backoffLimit: 0, template: { metadata: { labels: { app: 'smoke' } }, spec: { restartPolicy, containers: [{ name: 'test', image }] } }, ...spec },
  };
}

describe('Job controller and run-to-completion pods', () => {
  let store: ObjectStore;
  let world: Workloads;
  const logs: string[] = [];
  beforeEach(() => {
    store = newStore();
    namespace(store, 'apps');
    world = startWorkloads({ store, podStartDelayMs: 5, jobBackoffMs: 20, log: (m) => logs.push(m) });
  });
  afterEach(() => {
    world.close();
    expect(logs).toEqual([]);
    logs.length = 0;
  });

  const finished = (name: string) =>
    waitFor(store, `Job ${name} finished`, () => {
      const j = store.tryGet(T.jobs, 'apps', name);
      return j && (cond(j, 'Complete') ?? cond(j, 'Failed')) && j;
    });
  const podsOf = (j: K8sObject) => store.list(T.pods, 'apps').items.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === j.metadata.uid));
  const reasons = (j: K8sObject) => store.list(T.events, 'apps').items.filter((e) => (e['involvedObject'] as { uid?: string }).uid === j.metadata.uid).map((e) => e['reason']);

  it('a container that exits 0: the pod Succeeded, the Job Complete (SuccessCriteriaMet, Complete)', async () => {
    store.create(T.jobs, 'apps', job('pass', 'example/smoke-test:1.0'));
    const j = await finished('pass');
    expect((status(j)['conditions'] as { type: string; reason: string }[]).map((c) => [c.type, c.reason])).toEqual([
      ['SuccessCriteriaMet', 'CompletionsReached'],
      ['Complete', 'CompletionsReached'],
    ]);
    expect(status(j)).toMatchObject({ succeeded: 1, ready: 0, startTime: expect.any(String), completionTime: expect.any(String) });
    expect(status(j)['active']).toBeUndefined();
    const [pod] = podsOf(j);
    expect(pod!.metadata.name).toMatch(/^pass-[a-z0-9]{5}$/);
    expect(status(pod)).toMatchObject({ phase: 'Succeeded', containerStatuses: [{ ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
    expect(reasons(j)).toEqual(['SuccessfulCreate', 'Completed']);
  });

  it('a container that exits 1 (image tag "fail") with backoffLimit 0: the pod Failed, the Job Failed (BackoffLimitExceeded)', async () => {
    store.create(T.jobs, 'apps', job('smoke', 'example/smoke-test:fail'));
    const j = await finished('smoke');
    expect(cond(j, 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(cond(j, 'FailureTarget')).toMatchObject({ reason: 'BackoffLimitExceeded' });
    expect(status(j)).toMatchObject({ failed: 1 });
    expect(status(podsOf(j)[0])).toMatchObject({ phase: 'Failed', containerStatuses: [{ state: { terminated: { exitCode: 1, reason: 'Error' } } }] });
    expect(reasons(j)).toEqual(['SuccessfulCreate', 'BackoffLimitExceeded']);
  });

  it('retries a failing pod after the back-off, backoffLimit times, then fails', async () => {
    store.create(T.jobs, 'apps', job('retry', 'example/smoke-test:fail', { backoffLimit: 2 }));
    const j = await finished('retry');
    expect(cond(j, 'Failed')?.['reason']).toBe('BackoffLimitExceeded');
    expect(podsOf(j)).toHaveLength(3);
    expect(status(j)['failed']).toBe(3);
  });

  it('activeDeadlineSeconds ends a Job that runs too long (DeadlineExceeded), deleting its pod', async () => {
    world.close();
    world = startWorkloads({ store, podStartDelayMs: 5, images: { 'example/sleep:1': { runMs: 60_000 } }, log: (m) => logs.push(m) });
    store.create(T.jobs, 'apps', job('slow', 'example/sleep:1', { activeDeadlineSeconds: 0.05 }));
    const j = await finished('slow');
    expect(cond(j, 'Failed')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    expect(podsOf(j)).toEqual([]);
  });

  it('deleting a Job deletes its pods', async () => {
    store.create(T.jobs, 'apps', job('gone', 'example/sleep:2', {}, 'OnFailure'));
    const j = await waitFor(store, 'a pod', () => {
      const jj = store.tryGet(T.jobs, 'apps', 'gone');
      return jj && podsOf(jj).length === 1 && jj;
    });
    store.delete(T.jobs, 'apps', 'gone');
    await waitFor(store, 'no pod', () => podsOf(j).length === 0);
  });
});
