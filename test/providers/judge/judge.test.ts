/**
 * The judge provider against a Prometheus stub on 127.0.0.1 answering range queries
 * (`GET /api/v1/query_range?query&start&end&step`, a `matrix`, as Prometheus's HTTP API documents
 * it): each metric's query asked once per side with `{{scope}}` filled, the samples judged and
 * scored, and the verdict with its message.
 */
import type { JudgeMetric, JudgeSpec } from '../../../src/manifests/types.js';
import { judge } from '../../../src/providers/judge/judge.js';
import { CTX, expectError, never, NOW, providerEnv } from '../provider-env.js';
import { json, startServer, type TestServer } from '../test-server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(() => server.close());

const metric = (name: string, overrides: Partial<JudgeMetric> = {}): JudgeMetric => ({
  name,
  query: `sum(rate(${name}{ {{scope}} }[1m]))`,
  direction: 'either',
  critical: false,
  weight: 1,
  minSamples: 10,
  tolerance: 0.25,
  nanStrategy: 'remove',
  effectSize: { allowedIncrease: 1, allowedDecrease: 1, criticalIncrease: 1, criticalDecrease: 1 },
  ...overrides,
});
const spec = (metrics: JudgeMetric[], overrides: Partial<JudgeSpec> = {}): JudgeSpec => ({
  kind: 'judge',
  address: server.url,
  baseline: 'deployment="myapp-baseline"',
  canary: 'deployment="myapp-canary"',
  lookback: '5m',
  step: '15s',
  metrics,
  thresholds: { pass: 80, marginal: 60 },
  confidence: 0.98,
  timeoutMs: 5000,
  insecure: false,
  ...overrides,
});

/** Samples per (metric, side): 21 points (5 min every 15 s) around a level, deterministic spread. */
function series(level: number, spread: number, n = 21): [number, string][] {
  return Array.from({ length: n }, (_, i) => [NOW / 1000 - 300 + 15 * i, String(level + spread * ((((i * 0.618033988749895) % 1) - 0.5)))]);
}
function answer(levels: Record<string, { baseline: [number, number]; canary: [number, number] | 'none' }>) {
  server.handle((req, res) => {
    const q = req.query.get('query') ?? '';
    const name = /rate\(([\w-]+)\{/.exec(q)?.[1] ?? '';
    const side = q.includes('myapp-canary') ? 'canary' : 'baseline';
    const l = levels[name]![side];
    const result = l === 'none' ? [] : [{ metric: {}, values: series(l[0], l[1]) }];
    json(res, 200, { status: 'success', data: { resultType: 'matrix', result } });
  });
}
const measure = (s: JudgeSpec) => judge.create(providerEnv(), {}).measure(s, never, CTX);

describe('judge provider (Prometheus range query stub)', () => {
  it('asks each query over the lookback for both sides, {{scope}} filled; a canary like its baseline is Successful with score 100', async () => {
    answer({ latency: { baseline: [100, 10], canary: [100, 10] }, errors: { baseline: [1, 0.2], canary: [1.01, 0.2] } });
    const r = await measure(spec([metric('latency'), metric('errors')]));
    expect(r).toMatchObject({ ok: true, verdict: { phase: 'Successful', message: null }, value: { score: 100, classification: 'Pass' } });
    expect(r.ok && r.valueText).toMatch(/^score 100 \(Pass\): latency Pass \(canary mean [\d.]+ vs baseline [\d.]+, \+0\.0%\), errors Pass/);
    const reqs = server.requests.map((q) => [q.path, q.query.get('query'), Number(q.query.get('end')) - Number(q.query.get('start')), q.query.get('step')]);
    expect(reqs).toEqual(
      expect.arrayContaining([
        ['/api/v1/query_range', 'sum(rate(latency{ deployment="myapp-baseline" }[1m]))', 300, '15'],
        ['/api/v1/query_range', 'sum(rate(latency{ deployment="myapp-canary" }[1m]))', 300, '15'],
      ]),
    );
    expect(reqs).toHaveLength(4);
  });

  it('a metric that moved fails the judgement, and the message says which and by how much', async () => {
    answer({ 'success-rate': { baseline: [0.99, 0.005], canary: [0.7, 0.05] }, latency: { baseline: [100, 10], canary: [101, 10] } });
    const r = await measure(spec([metric('success-rate', { direction: 'decrease' }), metric('latency', { direction: 'increase' })]));
    expect(r).toMatchObject({ ok: true, value: { score: 50, classification: 'Fail' }, verdict: { phase: 'Failed' } });
    if (!r.ok) return;
    expect(r.verdict!.message).toMatch(/^judge score 50 < marginal 60: success-rate Low: canary mean 0\.6983 vs baseline 0\.9898, -29\.5%, U=0, p=3\.7e-12$/);
    expect((r.value as { metrics: { name: string; classification: string }[] }).metrics.map((m) => [m.name, m.classification])).toEqual([['success-rate', 'Low'], ['latency', 'Pass']]);
  });

  it('a critical metric fails it on its own; between marginal and pass it is Inconclusive', async () => {
    answer({ a: { baseline: [1, 0.1], canary: [1, 0.1] }, b: { baseline: [1, 0.1], canary: [1, 0.1] }, c: { baseline: [1, 0.1], canary: [1, 0.1] }, latency: { baseline: [100, 10], canary: [150, 10] } });
    const critical = await measure(spec([metric('a'), metric('b'), metric('c'), metric('latency', { critical: true })]));
    expect(critical).toMatchObject({ value: { score: 0 }, verdict: { phase: 'Failed', message: expect.stringMatching(/^judge score 0 < marginal 60 \(Canary Failed: The metric latency was classified as High \(Critical\)\): latency High \(critical\): /) } });
    const marginal = await measure(spec([metric('a'), metric('b'), metric('c'), metric('latency')]));
    expect(marginal).toMatchObject({ value: { score: 75, classification: 'Marginal' }, verdict: { phase: 'Inconclusive', message: expect.stringMatching(/^judge score 75 < pass 80: latency High: /) } });
  });

  it('a side without data is NoData; half the metrics without data fail it', async () => {
    answer({ latency: { baseline: [100, 10], canary: 'none' }, errors: { baseline: [1, 0.1], canary: [1, 0.1] } });
    const r = await measure(spec([metric('latency'), metric('errors')]));
    expect(r).toMatchObject({ value: { score: 0, classification: 'Fail' }, verdict: { phase: 'Failed', message: 'judge score 0 < marginal 60 (Canary Failed: 50% or more metrics returned NODATA): latency NoData: Missing data for latency' } });
  });

  it('a query that fails is an Error measurement naming the metric and the side', async () => {
    server.handle((_req, res) => json(res, 400, { status: 'error', errorType: 'bad_data', error: 'parse error' }));
    expect(expectError(await measure(spec([metric('latency')])))).toBe(`judge: metric latency: baseline query failed: Prometheus ${server.url}: query failed: 400 bad_data: parse error`);
  });
});
