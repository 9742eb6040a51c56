/**
 * One metric judged: Kayenta's ClassifierSuite cases (kayenta-cases.json: each case's samples,
 * tolerance, confidence, direction, effect sizes and expected classification), then the judge's
 * own cases with known distributions: identical, shifted, noisy, too few samples.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyMetric, type ClassifyOptions } from '../../../src/providers/judge/classify.js';

interface KayentaCase {
  name: string;
  experiment: (number | null)[];
  control: (number | null)[];
  tolerance: number;
  confidence: number;
  direction: 'increase' | 'decrease' | 'either';
  nanStrategy: 'remove' | 'replace';
  critical: boolean;
  effectSizeThresholds?: [number, number];
  criticalThresholds?: [number, number];
  expected: { classification: string; critical?: boolean; deviationNaN?: boolean; deviation?: number };
}

const kayenta = (JSON.parse(readFileSync(join(process.cwd(), 'test', 'providers', 'judge', 'kayenta-cases.json'), 'utf8')) as { classifier: KayentaCase[] }).classifier;
const nan = (xs: (number | null)[]) => xs.map((v) => (v === null ? NaN : v));

describe('classifyMetric: Kayenta\'s ClassifierSuite (spinnaker/kayenta MannWhitneyClassifier)', () => {
  it.each(kayenta.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const o: ClassifyOptions = {
      direction: c.direction,
      tolerance: c.tolerance,
      confidence: c.confidence,
      nanStrategy: c.nanStrategy,
      critical: c.critical,
      minSamples: 1,
      effectSize: {
        allowedDecrease: c.effectSizeThresholds?.[0] ?? 1,
        allowedIncrease: c.effectSizeThresholds?.[1] ?? 1,
        criticalDecrease: c.criticalThresholds?.[0] ?? 1,
        criticalIncrease: c.criticalThresholds?.[1] ?? 1,
      },
    };
    const r = classifyMetric('m', nan(c.experiment), nan(c.control), o);
    expect(r.classification).toBe(c.expected.classification === 'Nodata' ? 'NoData' : c.expected.classification);
    if (c.expected.critical !== undefined) expect(r.critical).toBe(c.expected.critical);
    if (c.expected.deviationNaN) expect(r.ratio).toBeNaN();
    if (c.expected.deviation !== undefined) expect(r.ratio).toBe(c.expected.deviation);
  });
});

/** A deterministic sample: `n` values around `mean`, spread `spread` (a fixed low-discrepancy sequence, no randomness). */
function sample(n: number, mean: number, spread: number, phase = 0): number[] {
  return Array.from({ length: n }, (_, i) => mean + spread * (((i * 0.618033988749895 + phase) % 1) - 0.5));
}

const defaults: ClassifyOptions = {
  direction: 'either',
  tolerance: 0.25,
  confidence: 0.98,
  nanStrategy: 'remove',
  critical: false,
  minSamples: 10,
  effectSize: { allowedIncrease: 1, allowedDecrease: 1, criticalIncrease: 1, criticalDecrease: 1 },
};

describe('classifyMetric: known distributions', () => {
  it('identical samples Pass, whatever their order', () => {
    const b = sample(20, 100, 10);
    expect(classifyMetric('latency', [...b].reverse(), b, defaults)).toMatchObject({ classification: 'Pass', reason: 'The canary and baseline data are identical', ratio: 1 });
  });

  it('the same distribution, sampled differently (noise only), Passes', () => {
    const r = classifyMetric('latency', sample(20, 100, 10, 0.3), sample(20, 100, 10, 0.1), defaults);
    expect(r.classification).toBe('Pass');
    expect(r.test!.lower).toBeLessThan(0);
    expect(r.test!.upper).toBeGreaterThan(0);
  });

  it('a canary shifted up by far more than the noise is High; the same shift down is Low', () => {
    const base = sample(20, 100, 10);
    const up = classifyMetric('latency', sample(20, 130, 10, 0.2), base, defaults);
    expect(up).toMatchObject({ classification: 'High', critical: false, reason: 'The metric latency was classified as High' });
    expect(up.ratio).toBeCloseTo(up.canary.mean / up.baseline.mean, 12);
    expect(up.ratio).toBeGreaterThan(1.25);
    expect(up.test!.pValue).toBeLessThan(1e-6);
    expect(classifyMetric('success', sample(20, 70, 10, 0.2), base, defaults)).toMatchObject({ classification: 'Low' });
  });

  it('the direction decides which move counts: a latency may drop, a success rate may rise', () => {
    const base = sample(20, 100, 10);
    expect(classifyMetric('latency', sample(20, 70, 10), base, { ...defaults, direction: 'increase' }).classification).toBe('Pass');
    expect(classifyMetric('success', sample(20, 130, 10), base, { ...defaults, direction: 'decrease' }).classification).toBe('Pass');
  });

  it('a small shift within the noise Passes', () => {
    expect(classifyMetric('latency', sample(20, 101, 40, 0.4), sample(20, 100, 40), defaults).classification).toBe('Pass');
  });

  it('too few samples on a side is NoData (critical if the metric is), not a guess', () => {
    const r = classifyMetric('latency', sample(4, 200, 1), sample(20, 100, 1), { ...defaults, critical: true });
    expect(r).toMatchObject({ classification: 'NoData', critical: true, reason: 'Too few samples for latency: canary 4, baseline 20 (minSamples 10)' });
    expect(classifyMetric('latency', [], sample(20, 100, 1), defaults)).toMatchObject({ classification: 'NoData', critical: false, reason: 'Missing data for latency' });
  });

  it('NaN samples are removed, or replaced by 0: two zeros among 14 move the mean, not the rank test (it is robust to a few outliers)', () => {
    const base = sample(12, 1, 0.01);
    const canary = [...sample(12, 1, 0.01, 0.5), NaN, NaN];
    expect(classifyMetric('success', canary, base, defaults)).toMatchObject({ classification: 'Pass', canary: { count: 12 } });
    const replaced = classifyMetric('success', canary, base, { ...defaults, nanStrategy: 'replace' });
    expect(replaced).toMatchObject({ classification: 'Pass', canary: { count: 14 } });
    expect(replaced.ratio).toBeLessThan(0.9);
  });

  it('two constant samples: the exact difference decides (Kayenta adds random noise here)', () => {
    expect(classifyMetric('errors', Array(10).fill(5), Array(10).fill(0), defaults)).toMatchObject({ classification: 'High', test: { estimate: 5, lower: 5, upper: 5 } });
    expect(classifyMetric('errors', Array(10).fill(0), Array(10).fill(0), defaults).classification).toBe('Pass');
  });

  it('a critical metric fails the judgement on its own only past its critical effect', () => {
    const base = sample(20, 100, 10);
    const canary = sample(20, 130, 10, 0.2);
    expect(classifyMetric('latency', canary, base, { ...defaults, critical: true })).toMatchObject({ classification: 'High', critical: true, reason: 'The metric latency was classified as High (Critical)' });
    expect(classifyMetric('latency', canary, base, { ...defaults, critical: true, effectSize: { ...defaults.effectSize, criticalIncrease: 2 } })).toMatchObject({ classification: 'High', critical: false });
  });
});
