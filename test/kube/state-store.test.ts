import { ConfigMapStateStore } from '../../src/kube/state-store.js';
import { LostOwnershipError } from '../../src/kube/errors.js';
import type { StoredRun } from '../../src/engine/ports.js';
import { RUN_STATE_SCHEMA, type RunRequest, type RunState } from '../../src/engine/types.js';
import { UsageError } from '../../src/util/errors.js';
import { RecordingClock } from './support/clocks.js';
import { kubeSandbox, requestsFor, seed, stored, type KubeSandbox } from './support/sandbox.js';

function runState(owner: string, over: Partial<RunState> = {}): RunState {
  return {
    schema: RUN_STATE_SCHEMA,
    runId: 'run-1',
    rollout: { namespace: 'apps', name: 'myapp' },
    strategy: 'canary',
    mode: 'canary',
    revision: 'abc',
    stableRevision: 'def',
    images: { canary: ['example/myapp:2'], stable: ['example/myapp:1'] },
    phase: 'Progressing',
    message: '',
    stepIndex: 0,
    stepCount: 4,
    stepStartedAt: 0,
    setWeight: 10,
    weight: null,
    services: { stable: null, canary: null },
    canaryScale: null,
    pause: null,
    acceptedRuns: [],
    analyses: [],
    promotion: null,
    rollback: null,
    progress: { since: null, exceeded: false, lastReady: 0 },
    handledRequests: [],
    history: [],
    startedAt: 0,
    updatedAt: 0,
    finishedAt: null,
    owner,
    timeScale: 1,
    ...over,
  };
}

const request = (id: string, at = 1): RunRequest => ({ id, kind: 'abort', at, by: 'alice@laptop', reason: null });

describe('ConfigMapStateStore', () => {
  let sb: KubeSandbox;
  let stop: AbortController;
  beforeEach(async () => {
    sb = await kubeSandbox();
    stop = new AbortController();
  });
  afterEach(async () => {
    stop.abort();
    await sb.close();
  });

  const store = (client = sb.client) => new ConfigMapStateStore({ client, namespace: 'apps', rollout: 'myapp' });

  it('keeps the state, the manifests and one key per request in ConfigMap NAME-canary-run', async () => {
    const s = store();
    expect(await s.load()).toEqual({ state: null, requests: [], manifests: null });
    await expect(s.request(request('r0'))).rejects.toThrow('no run of Rollout apps/myapp is recorded (ConfigMap apps/myapp-canary-run not found)');
    const state = runState('runner-a');
    await s.save(state, { manifests: 'kind: Rollout\n' });
    const cm = stored(sb, 'configmaps', 'myapp-canary-run')!;
    expect(cm.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'canary', 'canary-rollouts/rollout': 'myapp' });
    expect(Object.keys(cm['data'] as object).sort()).toEqual(['manifests.yaml', 'state.json']);

    await store(sb.newClient()).request(request('b', 2));
    await store(sb.newClient()).request(request('a', 1));
    const run = await s.load();
    expect(run.state).toEqual(state);
    expect(run.manifests).toBe('kind: Rollout\n');
    expect(run.requests.map((r) => r.id)).toEqual(['a', 'b']);
    expect(Object.keys(stored(sb, 'configmaps', 'myapp-canary-run')!['data'] as object)).toContain('request.a.json');

    await s.save({ ...state, handledRequests: ['a'] });
    expect((await s.load()).requests.map((r) => r.id)).toEqual(['b']);
    expect(Object.keys(stored(sb, 'configmaps', 'myapp-canary-run')!['data'] as object).sort()).toEqual(['manifests.yaml', 'request.b.json', 'state.json']);
  });

  it('a runner saving while abort is requested 100 times: no request is lost, none erased, the state is never overwritten by a client', async () => {
    const runner = store();
    await runner.load();
    let state = runState('runner-a');
    await runner.save(state);
    const pending: RunRequest[] = [];
    runner.watch((run: StoredRun) => pending.push(...run.requests), stop.signal);

    const terminal = store(sb.newClient());
    const ids = Array.from({ length: 100 }, (_, i) => `abort-${i}`);
    let sent = false;
    const sending = Promise.all(ids.map((id, i) => terminal.request(request(id, i)))).then(() => (sent = true));

    const handled = new Set<string>();
    for (let round = 1; round < 5000 && !(sent && handled.size === ids.length); round++) {
      const fresh = pending.splice(0).filter((r) => !handled.has(r.id));
      for (const r of fresh) handled.add(r.id);
      // every round writes the state (step counter) while requests keep arriving
      state = { ...state, stepIndex: round, handledRequests: [...state.handledRequests, ...fresh.map((r) => r.id)] };
      await runner.save(state);
    }
    await sending;
    expect([...handled].sort()).toEqual([...ids].sort());
    const final = await runner.load();
    expect(final.requests).toEqual([]);
    expect(final.state).toEqual(state);
    expect(Object.keys(stored(sb, 'configmaps', 'myapp-canary-run')!['data'] as object)).toEqual(['state.json']);
    // the race was real: the runner's saves lost to requests and were re-applied
    expect(sb.api.stats.requests().some((q) => q.method === 'PATCH' && q.status === 409)).toBe(true);
  });

  it('requests land exactly once through 500s, 429s, dropped connections and 409s', async () => {
    await store().save(runState('runner-a'));
    const client = sb.newClient({ clock: new RecordingClock({ scale: 0.001 }), retry: { attempts: 12 } });
    sb.api.faults.internalErrors(0.15, { verbs: ['patch'] });
    sb.api.faults.tooManyRequests(0.1, 1, { verbs: ['patch'] });
    sb.api.faults.dropConnections(0.1, { verbs: ['patch'] });
    sb.api.faults.conflicts(0.1, { verbs: ['patch'] });
    await Promise.all(Array.from({ length: 50 }, (_, i) => store(client).request(request(`r${i}`, i))));
    sb.api.faults.clear();
    const run = await store().load();
    expect(run.requests.map((r) => r.id).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `r${i}`).sort());
    const statuses = sb.api.stats.snapshot().byStatus;
    expect(Object.keys(statuses)).toEqual(expect.arrayContaining(['500', '429', '409']));
  });

  it('fencing: after a takeover, the old runner cannot overwrite the new runner\'s state', async () => {
    const a = store();
    await a.load();
    await a.save(runState('runner-a', { stepIndex: 1 }));

    // B takes the Lease over (A stopped renewing) and resumes the same run.
    const b = store(sb.newClient());
    expect((await b.load()).state?.owner).toBe('runner-a');
    // A, not yet aware, writes once more: B's first save still wins (it holds the Lease).
    await a.save(runState('runner-a', { stepIndex: 2 }));
    await b.save(runState('runner-b', { stepIndex: 2, message: 'resumed' }));
    expect((await store().load()).state?.owner).toBe('runner-b');

    const err = await a.save(runState('runner-a', { stepIndex: 3 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LostOwnershipError);
    expect((err as LostOwnershipError).kind).toBe('locked');
    expect((err as Error).message).toBe(
      'ConfigMap apps/myapp-canary-run: the run state was written by runner-b (run run-1) since runner-a last saved it: another runner took this rollout over',
    );
    expect((await store().load()).state).toMatchObject({ owner: 'runner-b', stepIndex: 2, message: 'resumed' });

    // A runner that loaded A's state but lost the Lease to B before its first save is fenced too.
    const c = store(sb.newClient());
    const late = store(sb.newClient());
    await c.load();
    await late.load();
    await c.save(runState('runner-c', { stepIndex: 4 }));
    await expect(late.save(runState('runner-late'))).rejects.toBeInstanceOf(LostOwnershipError);
  });

  it('refuses to write more than the size bound, naming the biggest parts, and writes nothing', async () => {
    const s = store();
    await s.save(runState('runner-a'));
    const rv = stored(sb, 'configmaps', 'myapp-canary-run')!.metadata.resourceVersion;
    const huge = runState('runner-a', { history: Array.from({ length: 2000 }, (_, i) => ({ at: i, reason: 'AnalysisRunMeasured', message: 'x'.repeat(500) })) });
    const err = await s.save(huge).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/^ConfigMap apps\/myapp-canary-run: the run state would take \d+ KiB, over the 900 KiB a ConfigMap can safely hold \(state.json \d+ KiB\)$/);
    expect(stored(sb, 'configmaps', 'myapp-canary-run')!.metadata.resourceVersion).toBe(rv);
  });

  it('refuses a state written by a newer canary', async () => {
    seed(sb, 'configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'myapp-canary-run', namespace: 'apps' },
      data: { 'state.json': JSON.stringify({ ...runState('x'), schema: RUN_STATE_SCHEMA + 1 }) },
    });
    const err = await store().load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(
      `ConfigMap apps/myapp-canary-run was written by a newer canary (run state schema ${RUN_STATE_SCHEMA + 1}; this canary reads ${RUN_STATE_SCHEMA})`,
    );
  });

  it('watch() delivers every change, requests from other terminals included', async () => {
    const s = store();
    await s.save(runState('runner-a'));
    const seen: StoredRun[] = [];
    const got = new Promise<void>((resolve) =>
      s.watch((run) => {
        seen.push(run);
        if (run.requests.some((r) => r.id === 'promote-1')) resolve();
      }, stop.signal),
    );
    await store(sb.newClient()).request({ id: 'promote-1', kind: 'promote', at: 5, by: 'bob@ci', reason: 'looks good' });
    await got;
    expect(seen[0]!.state?.owner).toBe('runner-a');
    expect(requestsFor(sb, 'configmaps').watch).toBe(1);
  });

  it('the save that answers a request the watch delivered is one write: no 409, no re-read (issue 15: an abort reaction)', async () => {
    const s = store();
    await s.save(runState('runner-a'));
    const delivered = new Promise<void>((resolve) => s.watch((run) => run.requests.length > 0 && resolve(), stop.signal));
    await store(sb.newClient()).request(request('abort-1'));
    await delivered;
    const before = requestsFor(sb, 'configmaps');
    const conflicts = sb.api.stats.snapshot().byStatus['409'] ?? 0;
    await s.save(runState('runner-a', { phase: 'Degraded', handledRequests: ['abort-1'] }));
    const after = requestsFor(sb, 'configmaps');
    expect({ patch: (after.patch ?? 0) - (before.patch ?? 0), get: (after.get ?? 0) - (before.get ?? 0) }).toEqual({ patch: 1, get: 0 });
    expect(sb.api.stats.snapshot().byStatus['409'] ?? 0).toBe(conflicts);
    // The request it handled is removed by that same write, and the state is the new one.
    const cm = stored(sb, 'configmaps', 'myapp-canary-run') as { data?: Record<string, string> };
    expect(Object.keys(cm.data ?? {}).filter((k) => k.startsWith('request.'))).toEqual([]);
    expect(JSON.parse(cm.data!['state.json']!).phase).toBe('Degraded');
  });

  it('a watched version older than the one it wrote does not replace it as the basis of the next save', async () => {
    const s = store();
    await s.save(runState('runner-a'));
    let first: StoredRun | null = null;
    const delivered = new Promise<void>((resolve) => s.watch((run) => ((first ??= run), resolve()), stop.signal));
    await delivered;
    // Written after the watch's first event: the store now holds a newer version than any it delivered.
    await s.save(runState('runner-a', { stepIndex: 1 }));
    await s.save(runState('runner-a', { stepIndex: 2 }));
    expect(first).not.toBeNull();
    expect(sb.api.stats.snapshot().byStatus['409'] ?? 0).toBe(0);
  });
});
