import fc from 'fast-check';
import { formatSample, parseSample } from '../../src/providers/format-float.js';

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
