import fc from 'fast-check';
import { formatFixed, formatSample, parseSample } from '../../src/providers/format-float.js';

describe('formatSample (Go FormatFloat(v, \'f\', -1))', () => {
  it.each([
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [-5, '-5'],
    [0.99, '0.99'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e-7, '0.0000001'],
    [1.5e-10, '0.00000000015'],
    [1e21, '1000000000000000000000'],
    [123456789.125, '123456789.125'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ])('%p -> %s', (v, text) => {
    expect(formatSample(v)).toBe(text);
  });

  it('reads back to the same number', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => Object.is(Number(formatSample(v)), v)));
  });
});

describe('parseSample', () => {
  it.each([
    ['1.5', 1.5],
    ['NaN', NaN],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
    ['1e3', 1000],
  ])('%s', (text, v) => {
    expect(parseSample(text)).toBe(v);
  });

  it.each([[''], ['abc'], [1], [null]])('refuses %p', (v) => {
    expect(parseSample(v)).toBeNull();
  });
});

describe('formatFixed (Go FormatFloat(v, \'f\', 6), fmt\'s %f)', () => {
  it.each([
    [10, '10.000000'],
    [0, '0.000000'],
    [-0, '-0.000000'],
    [0.1, '0.100000'],
    [-2.5, '-2.500000'],
    // Exact ties at the seventh decimal go to the even digit, as Go rounds them.
    [0.0078125, '0.007812'],
    [0.0234375, '0.023438'],
    [0.0000005, '0.000000'],
    [0.0000015, '0.000002'],
    [-11091217928330.7890625, '-11091217928330.789062'],
    [1e21, '1000000000000000000000.000000'],
    [123456789.123456789, '123456789.123457'],
    [5e-324, '0.000000'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
  ])('%p -> %s', (v, text) => {
    expect(formatFixed(v, 6)).toBe(text);
  });

  it('agrees with toFixed away from ties and below 1e21', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e20, max: 1e20 }), (v) => {
        const tie = /\.\d{6}50{13}$/.test(Math.abs(v).toFixed(20));
        return tie || formatFixed(v, 6) === (Object.is(v, -0) ? '-0.000000' : v.toFixed(6));
      }),
    );
  });
});
