import { sampleOf } from '../../src/status/analysis.js';
import { sparkline } from '../../src/status/sparkline.js';

describe('sparkline', () => {
  it.each<[(number | null)[], string]>([
    [[], ''],
    [[0, 1, 2, 3, 4, 5, 6, 7], '▁▂▃▄▅▆▇█'],
    [[7, 6, 5, 4, 3, 2, 1, 0], '█▇▆▅▄▃▂▁'],
    [[0.99, 0.98, 1, 0.97], '▆▃█▁'],
    [[5, 5, 5], '▄▄▄'],
    [[0, 0], '▄▄'],
    [[3], '▄'],
    [[null], '·'],
    [[null, null], '··'],
    [[1, null, 3], '▁·█'],
    [[NaN, 2, 4], '·▁█'],
    [[Infinity, 1, 2], '·▁█'],
    [[-1, 0, 1], '▁▅█'],
    [[null, 4, 4, null], '·▄▄·'],
  ])('%j -> %s', (samples, expected) => {
    expect(sparkline(samples)).toBe(expected);
  });
});

describe('sampleOf', () => {
  it.each<[string | null, number | null]>([
    ['0.99', 0.99],
    ['[0.99]', 0.99],
    ['[0.99,1]', 0.99],
    ['[ 3 , 4 ]', 3],
    ['[]', null],
    ['NaN', null],
    ['[NaN]', null],
    ['+Inf', null],
    ['-Inf', null],
    ['true', null],
    ['{"a":1}', null],
    ['', null],
    [null, null],
    ['-0.5', -0.5],
  ])('%j -> %j', (value, expected) => {
    expect(sampleOf(value)).toBe(expected);
  });
});
