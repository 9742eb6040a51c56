import { canaryPercent, splitWeights, weightValue } from '../../src/routing/weights.js';

describe('weights', () => {
  it.each([
    [10, 10],
    ['10', 10],
    ['500m', 0.5],
    ['1k', 1000],
    ['1Ki', 1024],
    ['1e2', 100],
    [-1, null],
    ['ten', null],
    [null, null],
  ])('weightValue(%j) = %j', (input, expected) => {
    expect(weightValue(input)).toBe(expected);
  });

  it('the canary share is relative to both weights', () => {
    expect(canaryPercent(0.5, 0.5)).toBe(50);
    expect(canaryPercent(1, 2)).toBe(33.33);
    expect(canaryPercent(0, 0)).toBe(0);
  });

  it('writes integers summing to 100 and refuses weights outside 0..100', () => {
    expect(splitWeights(10)).toEqual([10, 90]);
    expect(splitWeights(33.4)).toEqual([33, 67]);
    expect(() => splitWeights(101)).toThrow('canary weight must be within 0..100, got 101');
  });
});
