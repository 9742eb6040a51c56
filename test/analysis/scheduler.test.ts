import { runAnalysis, type RunAnalysisOptions } from '../../src/analysis/scheduler.js';
import type { AnalysisRun, ResolvedMetric } from '../../src/analysis/types.js';
import type { MetricProvider, ProviderResult } from '../../src/analysis/provider.js';
import type { ProviderSpec } from '../../src/manifests/types.js';
import { createRedactor } from '../../src/util/redact.js';
import { FakeClock, settle } from '../support/fake-clock.js';
import { prometheus, resolved } from './fixtures.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const S = 1000;

const value = (v: number[]): ProviderResult => ({ ok: true, value: v, valueText: `[${v.join(',')}]`, metadata: {} });
const down: ProviderResult = { ok: false, message: 'Prometheus http://127.0.0.1:9 is unreachable: connect ECONNREFUSED 127.0.0.1:9', metadata: {} };

interface Call {
  query: string;
  at: number;
  signal: AbortSignal;
  answer(r: ProviderResult): void;
}

/** A provider whose answers the test gives, either at once (`script`) or later (`hold`). */
class ScriptedProvider implements MetricProvider {
  readonly calls: Call[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    private readonly clock: FakeClock,
    private readonly script: (query: string, n: number) => ProviderResult | 'hold',
  ) {}

  measure(provider: ProviderSpec, signal: AbortSignal): Promise<ProviderResult> {
    const query = provider.kind === 'prometheus' ? provider.query : provider.kind === 'web' ? provider.url : provider.kind;
    const n = this.calls.filter((c) => c.query === query).length;
    return new Promise((resolve, reject) => {
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      const answer = (r: ProviderResult) => {
        this.inFlight--;
        resolve(r);
      };
      signal.addEventListener('abort', () => {
        this.inFlight--;
        reject(signal.reason);
      }, { once: true });
      this.calls.push({ query, at: this.clock.now(), signal, answer });
      const scripted = this.script(query, n);
      if (scripted !== 'hold') answer(scripted);
    });
  }
}

const seed = (name = 'success-rate', overrides: Parameters<typeof resolved>[0] = {}, extra: Parameters<typeof resolved>[1] = {}): ResolvedMetric =>
  resolved(
    {
      name,
      intervalMs: 15 * S,
      successCondition: 'len(result) == 0 || result[0] == 0',
      failureCondition: 'len(result) > 0 && result[0] > 0',
      provider: prometheus({ query: name }),
      ...overrides,
    },
    extra,
  );

function start(options: Partial<RunAnalysisOptions> & Pick<RunAnalysisOptions, 'metrics' | 'provider' | 'clock'>) {
  const updates: AnalysisRun[] = [];
  const ctl = new AbortController();
  let final: AnalysisRun | undefined;
  const done = runAnalysis({ signal: ctl.signal, onUpdate: (r) => updates.push(r), id: 'analyze', ...options }).then((r) => (final = r));
  return { updates, ctl, done, finished: () => final };
}

describe('runAnalysis', () => {
  it('measures on the interval and stops at the first failure', async () => {
    const clock = new FakeClock(T0);
    const provider = new ScriptedProvider(clock, (_q, n) => (n < 2 ? value([0]) : value([4])));
    const { updates, done, finished } = start({ metrics: [seed()], provider, clock });
    await settle();
    expect(provider.calls.map((c) => c.at)).toEqual([T0]);
    await clock.advance(14 * S);
    expect(provider.calls).toHaveLength(1);
    await clock.advance(S);
    expect(provider.calls.map((c) => c.at)).toEqual([T0, T0 + 15 * S]);
    await clock.advance(15 * S);
    await done;
    expect(finished()).toMatchObject({ phase: 'Failed', completedAt: T0 + 30 * S });
    expect(updates.at(-1)).toBe(finished());
    expect(updates.map((u) => u.phase)).toEqual(['Running', 'Running', 'Running', 'Running', 'Running', 'Running', 'Failed']);
    expect(clock.pending()).toBe(0);
  });

  it('against a dead Prometheus retries every 10 s and ends in Error at the 5th consecutive error', async () => {
    const clock = new FakeClock(T0);
    const provider = new ScriptedProvider(clock, () => down);
    const { done, finished } = start({ metrics: [seed('success-rate', { intervalMs: 60 * S })], provider, clock });
    for (let i = 0; i < 5; i++) await clock.advance(10 * S);
    await done;
    expect(provider.calls.map((c) => (c.at - T0) / S)).toEqual([0, 10, 20, 30, 40]);
    expect(finished()).toMatchObject({ phase: 'Error', completedAt: T0 + 40 * S });
    expect(finished()!.message).toBe(
      'Metric "success-rate" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): "Error Message: Prometheus http://127.0.0.1:9 is unreachable: connect ECONNREFUSED 127.0.0.1:9"',
    );
  });

  it('measures due metrics in parallel', async () => {
    const clock = new FakeClock(T0);
    const provider = new ScriptedProvider(clock, () => 'hold');
    const metrics = [seed('a', { intervalMs: null }), seed('b', { intervalMs: null })];
    const { done, finished } = start({ metrics, provider, clock });
    await settle();
    expect(provider.maxInFlight).toBe(2);
    provider.calls[1]!.answer(value([0]));
    await settle();
    expect(finished()).toBeUndefined();
    provider.calls[0]!.answer(value([0]));
    await done;
    expect(finished()!.phase).toBe('Successful');
  });

  it('honours initialDelay on the clock', async () => {
    const clock = new FakeClock(T0);
    const provider = new ScriptedProvider(clock, () => value([0]));
    const { done } = start({ metrics: [seed('late', { intervalMs: null, initialDelayMs: 60 * S })], provider, clock });
    await clock.advance(59 * S);
    expect(provider.calls).toHaveLength(0);
    await clock.advance(S);
    await done;
    expect(provider.calls.map((c) => c.at)).toEqual([T0 + 60 * S]);
  });

  it('on terminate, lets the in-flight measurement finish, then ends Successful', async () => {
    const clock = new FakeClock(T0);
    const provider = new ScriptedProvider(clock, (_q, n) => (n === 0 ? value([0]) : 'hold'));
    const terminate = new AbortController();
    const { done, finished } = start({ metrics: [seed()], provider, clock, terminate: terminate.signal });
    await clock.advance(15 * S);
    expect(provider.calls).toHaveLength(2);
    terminate.abort();
    await settle();
    expect(finished()).toBeUndefined();
    expect(provider.calls[1]!.signal.aborted).toBe(false);
    provider.calls[1]!.answer(value([0]));
    await done;
    expect(finished()).toMatchObject({ phase: 'Successful', message: 'Run Terminated', terminating: true });
    expect(finished()!.metrics[0]!.count).toBe(2);
    expect(clock.pending()).toBe(0);
  });

  it('waits for a sibling\'s in-flight measurement when another metric fails the run, and counts its answer', async () => {
    for (const [late, siblingPhase] of [[value([0]), 'Successful'], [value([3]), 'Failed']] as const) {
      const clock = new FakeClock(T0);
      const provider = new ScriptedProvider(clock, (q) => (q === 'slow' ? 'hold' : value([1])));
      const { done, finished } = start({ metrics: [seed('slow'), seed('fast')], provider, clock });
      await settle();
      expect(finished()).toBeUndefined();
      const slow = provider.calls.find((c) => c.query === 'slow')!;
      expect(slow.signal.aborted).toBe(false);
      slow.answer(late);
      await done;
      expect(finished()!.phase).toBe('Failed');
      expect(finished()!.metrics.find((m) => m.name === 'slow')).toMatchObject({ phase: siblingPhase, count: 1 });
      expect(provider.calls).toHaveLength(2);
    }
  });

  it('stops at once on abort, returning a resumable run, and resumes from it', async () => {
    const clock = new FakeClock(T0);
    const provider = new ScriptedProvider(clock, (_q, n) => (n === 0 ? value([0]) : 'hold'));
    const first = start({ metrics: [seed()], provider, clock });
    await clock.advance(15 * S);
    expect(provider.calls).toHaveLength(2);
    first.ctl.abort();
    await first.done;
    const stopped = first.finished()!;
    expect(stopped.phase).toBe('Running');
    expect(stopped.metrics[0]!.measurements.map((m) => m.phase)).toEqual(['Successful']);
    expect(provider.calls[1]!.signal.aborted).toBe(true);
    expect(clock.pending()).toBe(0);

    const again = new ScriptedProvider(clock, (_q, n) => (n === 0 ? value([0]) : value([2])));
    const second = start({ run: JSON.parse(JSON.stringify(stopped)) as AnalysisRun, metrics: [seed()], provider: again, clock });
    await settle();
    expect(again.calls.map((c) => c.at)).toEqual([T0 + 15 * S]);
    await clock.advance(15 * S);
    await second.done;
    expect(second.finished()).toMatchObject({ phase: 'Failed', startedAt: T0 });
    expect(second.finished()!.metrics[0]!.count).toBe(3);
  });

  it('never lets a secret value reach the run it reports', async () => {
    const clock = new FakeClock(T0);
    const secret = 'tok-7f3a9c';
    const provider = new ScriptedProvider(clock, () => ({
      ok: false,
      message: `Prometheus http://127.0.0.1:9 (Authorization: Bearer ${secret}): 401 Unauthorized`,
      metadata: { resolvedQuery: `up{token="${secret}"}` },
    }));
    const metric = seed('success-rate', { successCondition: `result == "${secret}"`, failureCondition: null, consecutiveErrorLimit: 1 });
    const { updates, done } = start({ metrics: [metric], provider, clock, redactor: createRedactor([secret]) });
    await clock.advance(10 * S);
    await done;
    expect(updates.at(-1)!.phase).toBe('Error');
    for (const u of updates) expect(JSON.stringify(u)).not.toContain(secret);
    expect(updates.at(-1)!.message).toContain('Bearer *****');
  });

  it('turns a provider that throws into an error measurement', async () => {
    const clock = new FakeClock(T0);
    const provider: MetricProvider = { measure: () => Promise.reject(new Error('bug in provider')) };
    const { done, finished } = start({ metrics: [seed('success-rate', { intervalMs: null, consecutiveErrorLimit: 0 })], provider, clock });
    await done;
    expect(finished()!.metrics[0]!.measurements[0]).toMatchObject({ phase: 'Error', message: 'bug in provider' });
  });
});
