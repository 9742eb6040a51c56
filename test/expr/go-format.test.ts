/** Go's %v for floats, Duration parse/print, and strconv parsing, as expr and Argo expose them. */
import { formatGoFloat } from '../../src/expr/format.js';
import { formatGoDuration, parseGoDuration } from '../../src/expr/go-duration.js';
import { parseGoFloat, parseGoInt } from '../../src/expr/go-strconv.js';
import { formatValue } from '../../src/expr/index.js';

it.each<[number, string]>([
  [0, '0'],
  [-0, '-0'],
  [1, '1'],
  [100, '100'],
  [0.1, '0.1'],
  [123456, '123456'],
  [1e6, '1e+06'],
  [1234567, '1.234567e+06'],
  [0.0001, '0.0001'],
  [0.00001, '1e-05'],
  [2.5e-7, '2.5e-07'],
  [1e21, '1e+21'],
  [1.7976931348623157e308, '1.7976931348623157e+308'],
  [5e-324, '5e-324'],
  [-3.25, '-3.25'],
  [NaN, 'NaN'],
  [Infinity, '+Inf'],
  [-Infinity, '-Inf'],
])('%v prints as %s', (value, text) => {
  expect(formatGoFloat(value)).toBe(text);
});

it('prints composite values like fmt %v', () => {
  expect(formatValue([1, 2.5, 'a', null, true, 3n])).toBe('[1 2.5 a <nil> true 3]');
  expect(formatValue({ b: [1], a: { c: 2 } })).toBe('map[a:map[c:2] b:[1]]');
  expect(formatValue([])).toBe('[]');
});

it.each<[string, number]>([
  ['0', 0],
  ['-0', 0],
  ['5s', 5e9],
  ['+5s', 5e9],
  ['-5s', -5e9],
  ['1478s', 1478e9],
  ['5.6s', 5.6e9],
  ['5.s', 5e9],
  ['.5s', 5e8],
  ['1.004s', 1.004e9],
  ['100.00100s', 100.001e9],
  ['10ns', 10],
  ['11us', 11_000],
  ['12µs', 12_000],
  ['12μs', 12_000],
  ['13ms', 13e6],
  ['15m', 900e9],
  ['16h', 57_600e9],
  ['3h30m', 12_600e9],
  ['10.5s4m', 250.5e9],
  ['-2m3.4s', -123.4e9],
  ['1h2m3s4ms5us6ns', 3_723_004_005_006],
  ['39h9m14.425s', 140_954_425_000_000],
  ['0.3333333333333333333h', 1_200_000_000_000],
])('duration(%j) = %d ns', (text, ns) => {
  expect(parseGoDuration(text)).toEqual({ ok: true, nanoseconds: ns, ns: BigInt(ns) });
});

it.each<[string, string]>([
  ['', 'time: invalid duration ""'],
  ['3', 'time: missing unit in duration "3"'],
  ['-', 'time: invalid duration "-"'],
  ['s', 'time: invalid duration "s"'],
  ['.', 'time: invalid duration "."'],
  ['.s', 'time: invalid duration ".s"'],
  ['1d', 'time: unknown unit "d" in duration "1d"'],
  ['9223372036854775810ns', 'time: invalid duration "9223372036854775810ns"'],
])('duration(%j) fails: %s', (text, message) => {
  expect(parseGoDuration(text)).toEqual({ ok: false, message });
});

it.each<[number, string]>([
  [0, '0s'],
  [1, '1ns'],
  [1100, '1.1µs'],
  [2_200_000, '2.2ms'],
  [3.3e9, '3.3s'],
  [245e9, '4m5s'],
  [245.001e9, '4m5.001s'],
  [18_367_001_000_000, '5h6m7.001s'],
  [480_000_000_001, '8m0.000000001s'],
  [-1, '-1ns'],
  [3_600e9, '1h0m0s'],
])('%d ns prints as %s', (ns, text) => {
  expect(formatGoDuration(ns)).toBe(text);
});

it.each<[string, bigint | string]>([
  ['1', 1n],
  ['-1', -1n],
  ['+1', 1n],
  ['9223372036854775807', 9223372036854775807n],
  ['-9223372036854775808', -9223372036854775808n],
  ['9223372036854775808', 'strconv.ParseInt: parsing "9223372036854775808": value out of range'],
  ['1.1', 'strconv.ParseInt: parsing "1.1": invalid syntax'],
  ['', 'strconv.ParseInt: parsing "": invalid syntax'],
  [' 1', 'strconv.ParseInt: parsing " 1": invalid syntax'],
  ['1_000', 'strconv.ParseInt: parsing "1_000": invalid syntax'],
])('ParseInt(%j)', (text, expected) => {
  const parsed = parseGoInt(text);
  expect(parsed.ok ? parsed.value : parsed.message).toEqual(expected);
});

it.each<[string, number | string]>([
  ['1', 1],
  ['1.5', 1.5],
  ['.5', 0.5],
  ['1e3', 1000],
  ['-2.5E-3', -0.0025],
  ['1_000.5', 1000.5],
  ['inf', Infinity],
  ['-Infinity', -Infinity],
  ['NaN', NaN],
  ['+nan', 'strconv.ParseFloat: parsing "+nan": invalid syntax'],
  ['1e400', 'strconv.ParseFloat: parsing "1e400": value out of range'],
  ['abc', 'strconv.ParseFloat: parsing "abc": invalid syntax'],
  ['1_', 'strconv.ParseFloat: parsing "1_": invalid syntax'],
])('ParseFloat(%j)', (text, expected) => {
  const parsed = parseGoFloat(text);
  expect(parsed.ok ? parsed.value : parsed.message).toEqual(expected);
});
