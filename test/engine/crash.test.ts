/**
 * The runner can die at any moment. Stop the driver after every checkpoint in turn (each state
 * save, each cluster write), resume with a new driver from what was persisted, and check that
 * every such run ends in the same cluster state and verdict as an uninterrupted one.
 */
import { harness, runFor, runUntilDone, start, type Harness } from '../support/engine.js';
import { ScriptedProvider, vector } from '../support/fake-cluster.js';
import { rolloutYaml, templateYaml } from '../support/spec.js';
import type { ProviderResult } from '../../src/analysis/provider.js';

const NEW = 'example/myapp:2';
const YAML = rolloutYaml({
  steps: ['setWeight: 20', 'pause: {duration: 10s}', 'setWeight: 60', 'pause: {duration: 10s}'],
  background: { template: 'bg' },
  docs: [templateYaml('bg', ['interval: 5s', 'failureCondition: result[0] > 0'])],
});

interface Final {
  phase: string | undefined;
  stable: string;
  canary: string;
  weight: number | null;
  services: string;
}

function snapshot(h: Harness): Final {
  const d = h.cluster.deployments;
  return {
    phase: h.store.run.state?.phase,
    stable: `${d.stable?.revision} x${d.stable?.replicas}`,
    canary: `${d.canary?.revision} x${d.canary?.replicas}`,
    weight: h.cluster.weight,
    services: JSON.stringify(h.cluster.services),
  };
}

async function prepared(answer: (q: string, n: number) => ProviderResult) {
  const h = harness(YAML, new ScriptedProvider(answer));
  await runUntilDone(h, await start(h));
  return h;
}

/** Counts checkpoints (saves and cluster writes) and stops the runner right after number `at`. */
function crashAt(h: Harness, at: number, stop: () => void): { count: () => number } {
  let n = 0;
  const tick = () => {
    n++;
    if (n === at) stop();
  };
  const save = h.store.save.bind(h.store);
  h.store.save = async (state, options) => {
    await save(state, options);
    tick();
  };
  const log = h.cluster.log;
  const push = log.push.bind(log);
  log.push = (...items: string[]) => {
    const r = push(...items);
    tick();
    return r;
  };
  return { count: () => n };
}

async function uninterrupted(answer: (q: string, n: number) => ProviderResult): Promise<{ final: Final; checkpoints: number }> {
  const h = await prepared(answer);
  let stopper: () => void = () => {};
  const counter = crashAt(h, Infinity, () => stopper());
  const s = await start(h, { image: NEW });
  stopper = () => s.stop.abort('crash');
  await runUntilDone(h, s);
  return { final: snapshot(h), checkpoints: counter.count() };
}

describe.each([
  ['a healthy release', () => vector(0), 'Healthy'],
  ['a release that fails its analysis', (_q: string, n: number) => vector(n >= 2 ? 3 : 0), 'Degraded'],
] as const)('crash at every checkpoint: %s', (_name, answer, phase) => {
  it('ends like the uninterrupted run', async () => {
    const reference = await uninterrupted(answer);
    expect(reference.final.phase).toBe(phase);
    expect(reference.checkpoints).toBeGreaterThan(10);
    let resumes = 0;
    for (let k = 1; k < reference.checkpoints; k++) {
      const h = await prepared(answer);
      let stopper: () => void = () => {};
      crashAt(h, k, () => stopper());
      const first = await start(h, { image: NEW });
      stopper = () => first.stop.abort('crash');
      const r1 = await runUntilDone(h, first);
      if (r1.outcome === 'finished') {
        expect({ k, final: snapshot(h) }).toEqual({ k, final: reference.final });
        continue;
      }
      expect(r1.outcome).toBe('stopped');
      const killedAt = h.clock.now();
      const second = await start(h, { image: NEW, owner: 'second-runner', lastAliveAt: killedAt });
      if (second.decision.kind === 'noop' || second.decision.kind === 'refuse') {
        // Stopped after the verdict was reached and saved: at most the canary's scale-down is left,
        // and the next canary process does it once it is due.
        await runFor(h, 60_000);
        const third = await start(h, { image: NEW, owner: 'third-runner' });
        expect(third.decision.kind).toBe(second.decision.kind);
        expect({ k, final: snapshot(h) }).toEqual({ k, final: reference.final });
        continue;
      }
      expect({ k, decision: second.decision.kind }).toEqual({ k, decision: "resume" });
      resumes++;
      const r2 = await runUntilDone(h, second);
      expect(r2.outcome).toBe('finished');
      expect({ k, final: snapshot(h) }).toEqual({ k, final: reference.final });
      // Never more canary weight than the steps allow.
      expect(Math.max(...h.cluster.log.filter((l) => l.startsWith('weight')).map((l) => Number(l.split(' ')[1])))).toBeLessThanOrEqual(100);
    }
    // At least half the crash points leave an unfinished run that a second runner must pick up
    // (in a pause, successful measurements are stored once a minute: fewer checkpoints mid-run).
    expect(resumes).toBeGreaterThanOrEqual(reference.checkpoints / 2);
  }, 120_000);
});
