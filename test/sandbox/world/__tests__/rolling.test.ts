import { fenceposts, maxUnavailable, newReplicaSetReplicas, proportionalScale, scaledValue, scaleDownOld, type RsCounts } from '../deployments/rolling.js';
import { deploymentSpec, type DeploymentSpec } from '../deployments/shapes.js';

function spec(replicas: number, maxSurge?: number | string, maxUnavailableV?: number | string): DeploymentSpec {
  const rollingUpdate: Record<string, unknown> = {};
  if (maxSurge !== undefined) rollingUpdate['maxSurge'] = maxSurge;
  if (maxUnavailableV !== undefined) rollingUpdate['maxUnavailable'] = maxUnavailableV;
  return deploymentSpec({ metadata: { name: 'd' }, spec: { replicas, selector: { matchLabels: { a: 'b' } }, strategy: { type: 'RollingUpdate', rollingUpdate } } });
}

const rs = (name: string, replicas: number, available: number, created = name): RsCounts => ({ name, replicas, available, created });

describe('replica arithmetic of the Deployment controller', () => {
  it.each([
    [25, '25%', 10, true, 3],
    [25, '25%', 10, false, 2],
    [0, '0%', 10, true, 0],
    [1, 1, 10, false, 1],
    [3, '3', 10, false, 3],
  ])('scaledValue %#', (_n, v, total, up, want) => {
    expect(scaledValue(v as number | string, total, up)).toBe(want);
  });

  it('rejects a string that is neither a number nor a percentage', () => {
    expect(() => scaledValue('lots', 10, true)).toThrow(/not a percentage/);
  });

  it.each([
    // replicas, surge, unavailable -> [surge, unavailable]
    [1, undefined, undefined, [1, 0]],
    [4, undefined, undefined, [1, 1]],
    [10, undefined, undefined, [3, 2]],
    [3, 0, 0, [0, 1]], // both zero would never progress
    [3, '50%', '0%', [2, 0]],
  ])('fenceposts for %i replicas, surge %p, unavailable %p', (replicas, surge, unavail, want) => {
    const f = fenceposts(spec(replicas, surge, unavail));
    expect([f.maxSurge, f.maxUnavailable]).toEqual(want);
  });

  it('maxUnavailable never exceeds replicas and is 0 for Recreate', () => {
    expect(maxUnavailable(spec(2, 0, 5))).toBe(2);
    expect(maxUnavailable(deploymentSpec({ metadata: { name: 'd' }, spec: { replicas: 3, strategy: { type: 'Recreate' } } }))).toBe(0);
  });

  it.each([
    // desired, surge, all (old + new), new -> new size
    ['first step with surge 1', 4, 1, [rs('old', 4, 4)], rs('new', 0, 0), 1],
    ['surge exhausted', 4, 1, [rs('old', 4, 4), rs('new', 1, 0)], rs('new', 1, 0), 1],
    ['room after old scaled down', 4, 1, [rs('old', 3, 3), rs('new', 1, 1)], rs('new', 1, 1), 2],
    ['never beyond desired', 4, 10, [rs('old', 0, 0), rs('new', 3, 3)], rs('new', 3, 3), 4],
  ])('newReplicaSetReplicas: %s', (_label, desired, surge, all, fresh, want) => {
    expect(newReplicaSetReplicas(spec(desired, surge, 0), all, fresh)).toBe(want);
  });

  it('scaleDownOld removes unhealthy old pods first, then healthy ones down to minAvailable', () => {
    // 4 desired, maxUnavailable 1: minAvailable 3; 5 pods, so 2 may go. Old `a` has 1 unhealthy pod:
    // it goes first; then 4 available - 3 = 1 more, taken from the oldest (`a` again). `b` stays.
    const out = scaleDownOld(spec(4, 0, 1), rs('new', 2, 2), [rs('a', 2, 1, '1'), rs('b', 1, 1, '2')]);
    expect(out).toEqual(new Map([['a', 0]]));
  });

  it('scaleDownOld keeps old pods while the new ones are not available', () => {
    expect(scaleDownOld(spec(2, 1, 0), rs('new', 1, 0), [rs('old', 2, 2)]).size).toBe(0);
  });

  it('proportionalScale spreads a scale-up over active ReplicaSets by their share', () => {
    // 10 -> 20 replicas with surge 25%: allowed 25, currently 6 + 6 = 12, each had max-replicas 13.
    const sizes = proportionalScale(spec(20), [{ ...rs('new', 6, 0, '2'), maxReplicasAnnotation: 13 }, { ...rs('old', 6, 6, '1'), maxReplicasAnnotation: 13 }], 12);
    expect([...sizes.values()].reduce((a, b) => a + b, 0)).toBe(25);
    expect(Math.abs(sizes.get('new')! - sizes.get('old')!)).toBeLessThanOrEqual(1);
  });

  it('proportionalScale to zero empties every ReplicaSet', () => {
    const sizes = proportionalScale(spec(0), [rs('new', 2, 0, '2'), rs('old', 3, 3, '1')], 5);
    expect(sizes).toEqual(new Map([['new', 0], ['old', 0]]));
  });
});
