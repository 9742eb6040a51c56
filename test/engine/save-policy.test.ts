/** What the runner stores at once and what waits (src/engine/save-policy.ts), with in-memory ports and a fake clock. */
import { DEFERRED_SAVE_MS, urgentKey } from '../../src/engine/save-policy.js';
import type { RunState } from '../../src/engine/types.js';
import { harness, runFor, runUntilDone, start, type Harness } from '../support/engine.js';
import { providerError, ScriptedProvider, vector } from '../support/fake-cluster.js';
import { rolloutYaml, templateYaml } from '../support/spec.js';
import type { ProviderResult } from '../../src/analysis/provider.js';

const NEW = 'example/myapp:2';

/** The seed's shape: setWeight, an indefinite pause, background analysis every 15 s. */
async function waiting(answer: (q: string, n: number) => ProviderResult): Promise<Harness> {
  const yaml = rolloutYaml({
    steps: ['setWeight: 10', 'pause: {}', 'setWeight: 100'],
    background: { template: 'bg' },
    docs: [templateYaml('bg', ['interval: 15s', 'failureCondition: result[0] > 0', 'failureLimit: 3'])],
  });
  const h = harness(yaml, new ScriptedProvider(answer));
  await runUntilDone(h, await start(h));
  await start(h, { image: NEW });
  await runFor(h, 30_000);
  expect(h.store.run.state?.phase).toBe('Paused');
  return h;
}

const background = (s: RunState | null) => s!.analyses.find((a) => a.id === 'background')!.metrics[0]!;

describe('save policy', () => {
  it('a waiting runner whose measurements succeed stores its state once a minute, at most a minute behind', async () => {
    const h = await waiting(() => vector(0));
    const saves = h.store.saves;
    const before = background(h.store.run.state).successful;
    await runFor(h, 5 * 60_000);
    // 20 measurements in 5 minutes, each once in flight and once done: 40 changes, 5 writes.
    expect(h.store.saves - saves).toBeLessThanOrEqual(6);
    expect(h.store.saves - saves).toBeGreaterThanOrEqual(4);
    expect(background(h.store.run.state).successful - before).toBeGreaterThanOrEqual(20 - DEFERRED_SAVE_MS / 15_000 - 1);
  });

  it('a failed measurement, an error and a handled request are stored at once', async () => {
    const h = await waiting((_q, n) => (n === 8 ? vector(1) : n === 10 ? providerError('connection refused') : vector(0)));
    const stored = () => background(h.store.run.state);
    const measured = async (calls: number) => {
      for (let t = 0; t < 300 && h.provider.calls.length < calls; t++) await runFor(h, 1_000);
      await runFor(h, 1_000);
    };
    await measured(9);
    expect(stored().failed).toBe(1);
    await measured(11);
    expect(stored().error).toBe(1);
    await h.store.request({ id: 'p1', kind: 'promote', at: h.clock.now(), by: 'alice@laptop', reason: null });
    await runFor(h, 1_000);
    expect(h.store.run.state?.handledRequests).toContain('p1');
  });

  it('urgentKey ignores only what successful measurements change', () => {
    const run = { id: 'background', phase: 'Running', message: null, startedAt: 0, completedAt: null, terminating: false };
    const metric = { name: 'm', phase: 'Running', measurements: [], count: 1, successful: 1, failed: 0, inconclusive: 0, error: 0, consecutiveError: 0, consecutiveSuccess: 1, dryRun: false, message: null };
    const state = (m: object, updatedAt = 1) => ({ phase: 'Paused', updatedAt, analyses: [{ ...run, metrics: [{ ...metric, ...m }] }] }) as unknown as RunState;
    const base = urgentKey(state({}));
    expect(urgentKey(state({ count: 2, successful: 2, consecutiveSuccess: 2, measurements: [{ phase: 'Successful' }] }, 99))).toBe(base);
    for (const change of [{ failed: 1 }, { inconclusive: 1 }, { error: 1 }, { consecutiveError: 1 }, { phase: 'Failed' }, { message: 'x' }]) {
      expect(urgentKey(state(change))).not.toBe(base);
    }
    // Outside a pause every measurement is stored at once.
    const progressing = (m: object) => ({ ...state(m), phase: 'Progressing' }) as RunState;
    expect(urgentKey(progressing({ count: 2, successful: 2 }))).not.toBe(urgentKey(progressing({})));
  });
});
