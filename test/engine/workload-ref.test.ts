/**
 * spec.workloadRef's scaleDown on the first deploy, as Argo's controller does it (rollout/replicaset.go
 * reconcileNewReplicaSet for `progressively`, rollout/sync.go promoteStable for `onsuccess`; both only
 * on the Rollout's first revision): the Services move to canary's pods once they are all available,
 * and only then does the referenced Deployment lose its last pods.
 */
import type { WorkloadRef } from '../../src/manifests/types.js';
import { harness, resolved, runUntilDone, start } from '../support/engine.js';
import { blueGreenYaml, SEED } from '../support/spec.js';

const ref = (scaleDown: WorkloadRef['scaleDown']): WorkloadRef => ({ loc: { file: 'test.yaml', line: 1, col: 1, path: 'spec.workloadRef' }, name: 'myapp', scaleDown });

describe.each([
  ['canary (SMI)', SEED],
  ['blue-green', blueGreenYaml()],
])('migrating a running Deployment with a %s Rollout', (_what, yaml) => {
  it.each(['onsuccess', 'progressively'] as const)('scaleDown: %s scales it to 0 after the Services selected the stable pods', async (scaleDown) => {
    const h = harness(yaml);
    h.cluster.referenced = { replicas: 2, available: 2 };
    const rollout = { ...resolved(h.spec.rollouts[0]!), workloadRef: ref(scaleDown) };
    const r = await runUntilDone(h, await start(h, { rollout }));
    expect(r.state.phase).toBe('Healthy');
    expect(r.state.message).toMatch(new RegExp(`Deployment myapp scaled to 0 \\(scaleDown: ${scaleDown}\\)$`));
    const log = h.cluster.log;
    expect(log.at(-1)).toBe('scale referenced x0');
    expect(log.indexOf('route stable->stable')).toBeLessThan(log.indexOf('scale referenced x0'));
    expect(h.cluster.referenced).toEqual({ replicas: 0, available: 0 });
  });

  it('scaleDown: never leaves it as it is', async () => {
    const h = harness(yaml);
    h.cluster.referenced = { replicas: 2, available: 2 };
    const rollout = { ...resolved(h.spec.rollouts[0]!), workloadRef: ref('never') };
    const r = await runUntilDone(h, await start(h, { rollout }));
    expect(r.state.phase).toBe('Healthy');
    expect(r.state.message).toMatch(/Deployment myapp left as it is \(scaleDown: never\)$/);
    expect(h.cluster.referenced).toEqual({ replicas: 2, available: 2 });
  });

  it('only the first deploy scales it: a later release leaves it alone (Argo: revision 1 only)', async () => {
    const h = harness(yaml);
    h.cluster.referenced = { replicas: 0, available: 0 };
    const rollout = { ...resolved(h.spec.rollouts[0]!), workloadRef: ref('onsuccess') };
    await runUntilDone(h, await start(h, { rollout }));
    h.cluster.referenced = { replicas: 3, available: 3 };
    h.cluster.log.length = 0;
    const s = await start(h, { rollout, image: 'example/myapp:2' });
    await h.store.request({ id: 'p', kind: 'promoteFull', at: h.clock.now(), by: 'ci', reason: null });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Healthy');
    expect(h.cluster.log).not.toContain('scale referenced x0');
  });
});
