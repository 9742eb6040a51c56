/**
 * The judge's statistics checked against references: published critical values of U (two-tailed,
 * alpha 0.05, n1 = n2 = 5..20; e.g. Mann and Whitney 1947's tables as textbooks reprint them),
 * R's documented wilcox.test example (Hollander and Wolfe's permeability data: W = 35, one-sided
 * p 0.1272), the normal quantile Kayenta checks, and Kayenta's own tie-outs with R for the
 * rank-sum function, the shift estimate and its interval (kayenta-cases.json, see README.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brent, exactCdf, pValue, ranks, shiftInterval, uStatistic, wilcoxonDiff } from '../../../src/providers/judge/mann-whitney.js';
import { pnorm, qnorm } from '../../../src/providers/judge/normal.js';

const cases = JSON.parse(readFileSync(join(process.cwd(), 'test', 'providers', 'judge', 'kayenta-cases.json'), 'utf8')) as {
  wilcoxonDiff: { x: number[]; y: number[]; cases: { mu: number; quantile: number; expected: number }[]; tolerance: number };
  intervals: { name: string; x: number[]; y: number[]; confidence: number; lower: number; upper: number; estimate: number; tolerance: number; estimateTolerance: number }[];
  intermediate: Record<string, number> & { x: number[]; y: number[] };
};

const near = (actual: number, expected: number, tolerance: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance);

describe('the normal distribution', () => {
  it.each([
    [0, 0.5],
    [1.959963984540054, 0.975],
    [-1.959963984540054, 0.025],
    [-2.326347874040841, 0.01],
    [3.090232306167813, 0.999],
    [-5, 2.866515718791939e-7],
  ])('pnorm(%p) = %p', (z, p) => {
    near(pnorm(z), p, 1e-15 + p * 1e-12);
  });

  it('qnorm inverts pnorm, and qnorm(0.01) is Kayenta\'s -2.326348 (MannWhitneySuite "Test zQuant")', () => {
    near(qnorm(0.02 / 2), -2.326348, 1e-6);
    for (const p of [1e-10, 0.001, 0.025, 0.3, 0.5, 0.77, 0.975, 0.999999]) near(pnorm(qnorm(p)), p, 1e-14 + p * 1e-12);
  });
});

describe('U and its p-value', () => {
  it('ranks ties with their mean rank', () => {
    expect(ranks([3, 1, 4, 1, 5])).toEqual([3, 1.5, 4, 1.5, 5]);
  });

  it('U counts the pairs where the canary is above, ties one half', () => {
    expect(uStatistic([1, 2, 3], [4, 5, 6])).toBe(0);
    expect(uStatistic([4, 5, 6], [1, 2, 3])).toBe(9);
    expect(uStatistic([1, 2], [2, 1])).toBe(2);
  });

  // Critical values of U, two-tailed alpha 0.05 (one tail 0.025), equal sample sizes: U <= crit is significant.
  it.each([
    [5, 2], [6, 5], [7, 8], [8, 13], [9, 17], [10, 23], [11, 30], [12, 37], [13, 45], [14, 55], [15, 64], [16, 75], [17, 87], [18, 99], [19, 113], [20, 127],
  ])('n1 = n2 = %i: the published critical U %i is the largest with P(U <= u) <= 0.025 (exact distribution)', (n, crit) => {
    expect(exactCdf(crit, n, n)).toBeLessThanOrEqual(0.025);
    expect(exactCdf(crit + 1, n, n)).toBeGreaterThan(0.025);
  });

  it('R\'s wilcox.test example (Hollander and Wolfe, permeability): W = 35, p = 0.1272 one-sided, 0.2544 two-sided', () => {
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    expect(uStatistic(x, y)).toBe(35);
    near(1 - exactCdf(34, 10, 5), 0.1272, 5e-5);
    near(pValue(x, y), 0.2544, 1e-4);
  });

  it('with ties, the normal approximation with tie and continuity corrections (as R\'s exact = FALSE)', () => {
    // By hand: ranks 1, 3, 3 | 3, 5, 6, so U = 7 - 6 = 1; mn/2 = 4.5; three tied 2s: sigma^2 = (3*3/12) * (7 - (3^3 - 3)/(6*5)) = 0.75 * 6.2;
    // z = (1 - 4.5 + 0.5) / sqrt(4.65) (the continuity correction moves U half a unit toward the mean).
    expect(uStatistic([1, 2, 2], [2, 3, 4])).toBe(1);
    const z = (1 - 4.5 + 0.5) / Math.sqrt(0.75 * 6.2);
    near(pValue([1, 2, 2], [2, 3, 4]), 2 * pnorm(z), 1e-12);
  });
});

describe('the shift estimate and its interval (Kayenta\'s MannWhitneySuite, tied out with R)', () => {
  it.each(cases.wilcoxonDiff.cases)('wilcoxonDiff(mu $mu, quantile $quantile) = $expected ("Wilcoxon Diff Function")', ({ mu, quantile, expected }) => {
    near(wilcoxonDiff(mu, quantile, cases.wilcoxonDiff.x, cases.wilcoxonDiff.y), expected, cases.wilcoxonDiff.tolerance);
  });

  it.each(cases.intervals.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = shiftInterval(c.x, c.y, c.confidence);
    near(r.lower, c.lower, c.tolerance);
    near(r.upper, c.upper, c.tolerance);
    near(r.estimate, c.estimate, c.estimateTolerance);
  });

  it('the intermediate values of R\'s computation ("Mann-Whitney Intermediate Values / Variables")', () => {
    const k = cases.intermediate;
    const muMin = Math.min(...k.x) - Math.max(...k.y);
    const muMax = Math.max(...k.x) - Math.min(...k.y);
    near(muMin, k['muMin']!, k['tolerance']!);
    near(muMax, k['muMax']!, k['tolerance']!);
    const zq = -qnorm((1 - k['confidence']!) / 2);
    near(zq, k['zqLower']!, k['tolerance']!);
    const f = (d: number, q: number) => wilcoxonDiff(d, q, k.x, k.y);
    near(f(muMin, zq), k['fLower1']!, k['tolerance']!);
    near(f(muMax, zq), k['fUpper1']!, k['tolerance']!);
    near(f(muMin, -zq), k['fLower2']!, k['tolerance']!);
    near(f(muMax, -zq), k['fUpper2']!, k['tolerance']!);
    near(brent(muMin, muMax, f(muMin, zq), f(muMax, zq), (d) => f(d, zq)), k['ciLower']!, k['tolerance']!);
    near(brent(muMin, muMax, f(muMin, -zq), f(muMax, -zq), (d) => f(d, -zq)), k['ciUpper']!, k['tolerance']!);
    near(brent(muMin, muMax, f(muMin, 0), f(muMax, 0), (d) => f(d, 0)), k['estimate']!, k['tolerance']!);
  });
});
