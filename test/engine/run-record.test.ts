/** Past runs kept in the state for `canary history` (issue 16 item 10). */
import { harness, runFor, runUntilDone, start } from '../support/engine.js';
import { pastOf, recordOf } from '../../src/engine/run-record.js';
import { PAST_RUNS_LIMIT, type RunState } from '../../src/engine/types.js';
import { historyView } from '../../src/status/history.js';
import { SEED } from '../support/spec.js';

describe('past runs', () => {
  it('a new run keeps the one it replaces (finished or not) first, and those before it', async () => {
    const h = harness(SEED);
    const first = await start(h);
    await runUntilDone(h, first);
    const second = await start(h, { image: 'example/myapp:2' });
    await runFor(h, 5_000);
    await h.store.request({ id: 'p1', kind: 'promote', at: h.clock.now(), by: 'bob@laptop', reason: null });
    await runFor(h, 2_000);
    second.stop.abort('killed');
    await second.result;
    // A third revision supersedes the second, unfinished run.
    const third = await start(h, { image: 'example/myapp:3', owner: 'ci-job-7' });
    expect(third.decision.kind).toBe('new');
    third.stop.abort();
    await third.result;
    const state = h.store.run.state!;
    expect(state.past?.map((r) => [r.mode, r.images[0], r.phase])).toEqual([
      ['canary', 'example/myapp:2', 'Paused'],
      ['initial', 'example/myapp:1', 'Healthy'],
    ]);
    expect(state.past?.[0]?.requests).toEqual([{ kind: 'promote', by: 'bob@laptop', at: expect.any(Number), reason: null, outcome: 'ended the pause at step 2/4' }]);
    const view = historyView('myapp', 'apps', [recordOf(state), ...state.past!], h.clock.now());
    expect(view.runs.map((r) => [r.verdict, r.by])).toEqual([
      ['running', []],
      ['superseded', ['bob@laptop (promote)']],
      ['deployed', []],
    ]);
    expect(view.runs[1]!.durationMs).toBeNull();
  });

  it('is bounded', () => {
    const base = { runId: 'r', mode: 'canary', revision: 'x', stableRevision: null, images: { canary: [], stable: [] }, phase: 'Healthy', message: '', stepIndex: 0, stepCount: 0, rollback: null, startedAt: 0, finishedAt: 1, owner: 'o', requests: [] } as unknown as RunState;
    const full = { ...base, past: Array.from({ length: PAST_RUNS_LIMIT }, (_, i) => ({ ...recordOf(base), runId: `old-${i}` })) };
    const kept = pastOf(full);
    expect(kept).toHaveLength(PAST_RUNS_LIMIT);
    expect(kept[0]!.runId).toBe('r');
    expect(kept.at(-1)!.runId).toBe(`old-${PAST_RUNS_LIMIT - 2}`);
  });
});
