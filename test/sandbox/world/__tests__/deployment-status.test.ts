import { rolloutStatus, type DeploymentStatus, type RsStatusCounts } from '../deployments/deployment-status.js';
import { deploymentSpec } from '../deployments/shapes.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const spec = (extra: Record<string, unknown> = {}) => deploymentSpec({ metadata: { name: 'web' }, spec: { replicas: 2, ...extra } });
const counts = (replicas: number, statusReplicas: number, ready: number, available: number): RsStatusCounts => ({ replicas, statusReplicas, ready, available });

function step(previous: DeploymentStatus, all: RsStatusCounts[], now: number, s = spec()) {
  return rolloutStatus({ name: 'web', generation: 1, spec: s, all, newRS: { name: 'web-abc', statusReplicas: all[0]!.statusReplicas }, previous, now });
}

describe('Deployment status and conditions', () => {
  it('progress refreshes lastUpdateTime but keeps lastTransitionTime; completion says NewReplicaSetAvailable', () => {
    const created: DeploymentStatus = {
      conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: 'Created new replica set "web-abc"', lastUpdateTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z' }],
    };
    const a = step(created, [counts(2, 2, 1, 1)], T0 + 5000);
    const p = a.status.conditions!.find((c) => c.type === 'Progressing')!;
    expect(p).toMatchObject({ reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-abc" is progressing.', lastUpdateTime: '2026-01-01T00:00:05Z', lastTransitionTime: '2026-01-01T00:00:00Z' });
    expect(a.recheckInMs).toBe(600_000 + 1000);

    const b = step(a.status, [counts(2, 2, 2, 2)], T0 + 9000);
    expect(b.status.conditions!.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
    expect(b.recheckInMs).toBeUndefined();
  });

  it('without progress for progressDeadlineSeconds, Progressing turns False with ProgressDeadlineExceeded, and stays so', () => {
    const s = spec({ progressDeadlineSeconds: 30 });
    const a = step({}, [counts(2, 2, 0, 0)], T0, s);
    expect(a.status.conditions!.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    const early = step(a.status, [counts(2, 2, 0, 0)], T0 + 29_000, s);
    expect(early.status.conditions!.find((c) => c.type === 'Progressing')!.status).toBe('True');
    const late = step(a.status, [counts(2, 2, 0, 0)], T0 + 31_000, s);
    expect(late.status.conditions!.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: 'ReplicaSet "web-abc" has timed out progressing.',
    });
    const later = step(late.status, [counts(2, 2, 0, 0)], T0 + 99_000, s);
    expect(later.status.conditions!.find((c) => c.type === 'Progressing')!.reason).toBe('ProgressDeadlineExceeded');
  });

  it('Available follows maxUnavailable; zero counters are omitted as the API omits them', () => {
    const a = step({}, [counts(2, 2, 1, 1)], T0); // 25% of 2 rounds down to 0 unavailable allowed
    expect(a.status.conditions!.find((c) => c.type === 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    expect(a.status).toMatchObject({ replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1, unavailableReplicas: 1, observedGeneration: 1 });
    const empty = rolloutStatus({ name: 'web', generation: 3, spec: spec({ replicas: 0 }), all: [counts(0, 0, 0, 0)], newRS: undefined, previous: {}, now: T0 });
    expect(Object.keys(empty.status).sort()).toEqual(['conditions', 'observedGeneration']);
  });

  it('an explicitly unset progressDeadlineSeconds keeps no Progressing condition', () => {
    const s = deploymentSpec({ metadata: { name: 'web' }, spec: { replicas: 1, progressDeadlineSeconds: null } });
    const a = step({}, [counts(1, 1, 0, 0)], T0, s);
    expect(a.status.conditions!.map((c) => c.type)).toEqual(['Available']);
  });
});
