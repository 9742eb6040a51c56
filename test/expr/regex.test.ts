/** Go regexp (RE2) syntax and MatchString semantics, including the errors Go reports. */
import { compileGoRegex } from '../../src/expr/regex.js';
import { ExprError, goRegexpMatch } from '../../src/expr/index.js';

it.each<[string, string, boolean]>([
  ['b+', 'abbc', true],
  ['^a', 'ba', false],
  ['a$', 'a\n', false],
  ['(?m)a$', 'a\nb', true],
  ['(?m)^b', 'a\nb', true],
  ['\\Aa', 'ba', false],
  ['a\\z', 'ba', true],
  ['a.b', 'a\nb', false],
  ['(?s)a.b', 'a\nb', true],
  ['(?i)ABC', 'xabcx', true],
  ['(?i:a)b', 'Ab', true],
  ['(?i:a)b', 'AB', false],
  ['(?i)a(?-i)b', 'AB', false],
  ['(?i)[a-c]+', 'CAB', true],
  ['^[[:alpha:]]+$', 'abcXYZ', true],
  ['^[[:alpha:]]+$', 'abc1', false],
  ['^[^[:digit:]]+$', 'abc', true],
  ['^[[:^digit:]]+$', 'a1', false],
  ['^\\pL+$', 'héllo', true],
  ['^\\p{Greek}+$', 'αβγ', true],
  ['^\\PL$', '1', true],
  ['^[\\d\\s]+$', '1 2', true],
  ['^[^\\d]+$', 'ab', true],
  ['^\\w+$', 'snake_case9', true],
  ['^\\w+$', 'é', false],
  ['\\bfoo\\b', 'a foo b', true],
  ['\\bfoo\\b', 'afoob', false],
  ['\\Bfoo', 'afoo', true],
  ['^\\x41\\x{1F600}\\101$', 'A😀A', true],
  ['\\Q.*+\\E', 'a.*+b', true],
  ['\\Q.*+\\E', 'aaa', false],
  ['^a{2,3}$', 'aaa', true],
  ['^a{2,3}$', 'aaaa', false],
  ['^a{2,}$', 'aaaaa', true],
  ['^a{2}$', 'aa', true],
  ['x{', 'x{', true],
  ['^(?P<word>a)(?<other>b)$', 'ab', true],
  ['^.$', '😀', true],
  ['[]a]', ']', true],
  ['^[a-]+$', 'a-a', true],
  ['\\.', 'a', false],
  ['', 'anything', true],
  ['a|', 'zzz', true],
  ['(a*)*', 'b', true],
  ['5\\d\\d', 'status 503', true],
  ['^(GET|POST) /api', 'POST /api/v1', true],
])('%j on %j is %s', (pattern, text, expected) => {
  expect(goRegexpMatch(pattern, text)).toBe(expected);
});

it.each<[string, string]>([
  ['(a', 'error parsing regexp: missing closing ): `(a`'],
  ['a)', 'error parsing regexp: unexpected ): `a)`'],
  ['[a', 'error parsing regexp: missing closing ]: `[a`'],
  ['*a', 'error parsing regexp: missing argument to repetition operator: `*`'],
  ['a|+', 'error parsing regexp: missing argument to repetition operator: `+`'],
  ['a**', 'error parsing regexp: invalid nested repetition operator: `**`'],
  ['a\\', 'error parsing regexp: trailing backslash at end of expression: ``'],
  ['[z-a]', 'error parsing regexp: invalid character class range: `z-a`'],
  ['\\q', 'error parsing regexp: invalid escape sequence: `\\q`'],
  ['\\1', 'error parsing regexp: invalid escape sequence: `\\1`'],
  ['(?=a)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
  ['(?<=a)b', 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`'],
  ['(?P<>a)', 'error parsing regexp: invalid named capture: `(?P<>`'],
  ['a{1001}', 'error parsing regexp: invalid repeat count: `{1001}`'],
  ['a{3,2}', 'error parsing regexp: invalid repeat count: `{3,2}`'],
  ['[[:foo:]]', 'error parsing regexp: invalid character class range: `[:foo:]`'],
  ['\\p{Nope}', 'error parsing regexp: invalid character class range: `\\p{Nope}`'],
])('%j is rejected: %s', (pattern, message) => {
  expect(() => goRegexpMatch(pattern, '')).toThrow(new ExprError('compile', message));
});

it('does linear work on patterns that make backtracking engines exponential', () => {
  const steps = (n: number): number => {
    let total = 0;
    compileGoRegex('(a+)+$').test(`${'a'.repeat(n)}!`, (s) => (total += s));
    return total;
  };
  const small = steps(1000);
  const large = steps(4000);
  // Four times the input, about four times the work (exponential would be astronomically more).
  expect(large / small).toBeGreaterThan(3.5);
  expect(large / small).toBeLessThan(4.5);
});
