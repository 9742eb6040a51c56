/** openRun: what every way of starting a run shares (run, retry, abort with no runner, the dry run, these tests). */
import { staticSecrets } from '../../src/analysis/secrets.js';
import { openRun, type SessionPorts } from '../../src/engine/session.js';
import { harness, resolved, runUntilDone, start, type Harness } from '../support/engine.js';
import { SEED } from '../support/spec.js';

const NEW = 'example/myapp:2';

function ports(h: Harness): SessionPorts {
  return { workloads: h.cluster.workloads, router: h.cluster.router, store: h.store, events: h.kube, provider: h.provider, clock: h.clock, secrets: staticSecrets({}) };
}

describe('openRun', () => {
  it('reports the run as started, resumed or not, with the images of the template it rolls out', async () => {
    const h = harness(SEED);
    await runUntilDone(h, await start(h));
    const first = await start(h, { image: NEW });
    first.stop.abort('killed');
    await first.result;
    const again = await start(h, { image: NEW });
    again.stop.abort();
    await again.result;
    const started = h.events.filter((e) => e.kind === 'started');
    expect(started.map((e) => [e.resumed, e.images])).toEqual([
      [false, ['example/myapp:1']],
      [false, [NEW]],
      [true, [NEW]],
    ]);
  });

  it('a dry run decides without driving, and reads a cluster it cannot read as empty', async () => {
    const h = harness(SEED);
    const failing = { ...ports(h), workloads: { ...h.cluster.workloads, observe: () => Promise.reject(new Error('forbidden')) } };
    const rollout = resolved(h.spec.rollouts[0]!);
    const inputs = { rollout, templates: h.spec.templates, template: rollout.template, timeScale: 1, owner: 'dry-run', retry: false, lastAliveAt: null, runId: 'dry-run' };
    const run = await openRun({ ...inputs, dryRun: true }, failing);
    expect(run.drive).toBeNull();
    expect(run.decision).toMatchObject({ kind: 'new', state: { runId: 'dry-run', mode: 'initial', owner: 'dry-run' } });
    expect(h.cluster.log).toEqual([]);
    await expect(openRun(inputs, failing)).rejects.toThrow('forbidden');
  });
});
