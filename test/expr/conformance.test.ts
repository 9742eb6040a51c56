/**
 * expr-lang's documented semantics (docs/language-definition.md and expr_test.go at v1.17.8),
 * evaluated through the public API. Ints are bigint, floats are number: the table also proves
 * that the int/float64 distinction survives every operator.
 */
import { compile, ExprDuration, ExprError, ExprTime, formatValue, run } from '../../src/expr/index.js';

const NOW = Date.UTC(2023, 7, 14, 0, 0, 0);

function evaluate(source: string, env: Record<string, unknown> = {}): unknown {
  return run(compile(source, new Set(Object.keys(env))), env, { nowMs: NOW });
}

function failure(source: string, env: Record<string, unknown> = {}): ExprError {
  try {
    evaluate(source, env);
  } catch (err) {
    if (err instanceof ExprError) return err;
    throw err;
  }
  throw new Error(`expected ${source} to fail`);
}

const ENV = {
  result: [0.5, 2, 3.25],
  empty: [],
  nothing: null,
  doc: { data: { rate: 0.99, series: [1, 2], name: 'web' }, 'with space': 1, nested: null },
  text: 'Hello, World',
};

describe('literals', () => {
  it.each<[string, unknown]>([
    ['42', 42n],
    ['0x2A', 42n],
    ['0o52', 42n],
    ['0b101010', 42n],
    ['1_000', 1000n],
    ['0.5', 0.5],
    ['.5', 0.5],
    ['1.0', 1],
    ['1e3', 1000],
    ['1_000.5', 1000.5],
    ['"double"', 'double'],
    ["'single'", 'single'],
    ['`raw \\n`', 'raw \\n'],
    ['"tab\\tnew\\nline"', 'tab\tnew\nline'],
    ['"\\u00e9\\x41\\101"', 'éAA'],
    ['"\\u{1F600}"', '😀'],
    ["'it\\'s'", "it's"],
    ['true', true],
    ['false', false],
    ['nil', null],
    ['[1, "a", nil]', [1n, 'a', null]],
    ['[]', []],
    ['[1, 2,]', [1n, 2n]],
    ['{a: 1, "b": 2, 3: "c"}', { a: 1n, b: 2n, '3': 'c' }],
    ['{("x" + "y"): true}', { xy: true }],
    ['1 /* one */ + 2 // two', 3n],
  ])('%s', (source, expected) => {
    expect(evaluate(source)).toEqual(expected);
  });

  it('keeps 1 an int and 1.0 a float', () => {
    expect(typeof evaluate('1')).toBe('bigint');
    expect(typeof evaluate('1.0')).toBe('number');
  });
});

describe('arithmetic (int op int stays int, / and ** give float64)', () => {
  it.each<[string, unknown]>([
    ['1 + 2', 3n],
    ['1 + 2.5', 3.5],
    ['5 - 7', -2n],
    ['3 * 4', 12n],
    ['3 * 0.5', 1.5],
    ['7 / 2', 3.5],
    ['4 / 2', 2],
    ['1 / 0', Infinity],
    ['-1 / 0', -Infinity],
    ['7 % 3', 1n],
    ['-7 % 3', -1n],
    ['2 ** 10', 1024],
    ['2 ^ 3', 8],
    ['2 ** 3 ** 2', 512],
    ['-2 ** 2', -4],
    ['-(2-5)**3-2/(+4-3)+-2', 23],
    ['1 + 2 * 3', 7n],
    ['(1 + 2) * 3', 9n],
    ['10 - 2 - 3', 5n],
    ['"hello" + " " + "world"', 'hello world'],
    ['9223372036854775807 + 1', -9223372036854775808n],
    ['-result[0]', -0.5],
    ['+2', 2n],
  ])('%s', (source, expected) => {
    expect(evaluate(source, ENV)).toEqual(expected);
  });

  it('0 / 0 is NaN, like float64', () => {
    expect(evaluate('0 / 0')).toBeNaN();
  });

  it.each([
    ['len(text) % 0', 'runtime error: integer divide by zero'],
    ['result[0] % 2', 'invalid operation: float64 % int'],
    ['doc.data.name + 1', 'invalid operation: string + int'],
    ['doc.data + 1', 'invalid operation: map[string]interface {} + int'],
    ['-doc.data.name', 'invalid operation: - string'],
  ])('%s fails at run time: %s', (source, message) => {
    const err = failure(source, ENV);
    expect(err.phase).toBe('runtime');
    expect(err.message).toBe(message);
  });
});

describe('comparison', () => {
  it.each<[string, boolean]>([
    ['1 == 1.0', true],
    ['1 < 1.5', true],
    ['2 >= 2', true],
    ['"a" < "b"', true],
    ['"b" <= "a"', false],
    ['1 != 2', true],
    ['result[1] == 2', true],
    ['[1, 2] == [1, 2.0]', true],
    ['[1, 2] == [1, 2, 3]', false],
    ['{a: 1} == {a: 1}', true],
    ['{a: 1} == {a: 1.0}', false],
    ['nil == nil', true],
    ['nothing == nil', true],
    ['doc.data.name == 1', false],
    ['0 == nil || "str" == nil || true == nil', false],
    ['1 < 2 < 3', true],
    ['1 > 2 < 3', false],
    ['1 < 2 < 3 > 4', false],
    ['1 < 2 < 3 == true', true],
    ['0/0 == 0/0', false],
    ['0/0 < 1', false],
    ['0/0 >= 1', false],
    ['1/0 > 1e308', true],
    ['"é" > "z"', true],
    ['"\u{1F600}" > "\uFFFF"', true],
  ])('%s is %s', (source, expected) => {
    expect(evaluate(source, ENV)).toBe(expected);
  });

  it('ordering needs comparable operands', () => {
    expect(failure('doc.data.name < 1', ENV).message).toBe('invalid operation: string < int');
    expect(failure('"a" < 1').message).toBe('invalid operation: < (mismatched types string and int)');
  });
});

describe('logic and conditionals', () => {
  it.each<[string, unknown]>([
    ['true && false || true', true],
    ['true and not false', true],
    ['not true or true', true],
    ['!false', true],
    ['false && result[99] > 0', false],
    ['true || result[99] > 0', true],
    ['true ? 1 : 2', 1n],
    ['false ? 1 : 2 > 1 ? "a" : "b"', 'a'],
    ['(true ? 0+1 : 2+3) + (false ? -1 : -2)', -1n],
    ['false ?: "fallback"', 'fallback'],
    ['true ?: "fallback"', true],
    ['nothing ?? 3', 3n],
    ['doc.missing ?? "default"', 'default'],
    ['doc.data.rate ?? 0', 0.99],
    ['false ?? true', false],
  ])('%s', (source, expected) => {
    expect(evaluate(source, ENV)).toEqual(expected);
  });

  it('an operand that is not a bool is an error', () => {
    expect(failure('1 and false').message).toBe('invalid operation: and (mismatched types int and bool)');
    expect(failure('result[0] && len(text) > 0', ENV).message).toBe('interface conversion: interface {} is float64, not bool');
    expect(failure('doc.data.rate ? 1 : 2', ENV).message).toBe('interface conversion: interface {} is float64, not bool');
    // The optimizer folds `x && true` to x, as in expr: x is returned whatever its type.
    expect(evaluate('result[0] && true', ENV)).toBe(0.5);
    expect(failure('1 % 0').message).toBe('integer divide by zero');
    expect(failure('not 1').message).toBe('invalid operation: not (mismatched type int)');
  });

  it('?? cannot be mixed with other operators without parentheses', () => {
    const err = failure('nothing ?? 1 + 2', ENV);
    expect(err.phase).toBe('compile');
    expect(err.message).toBe('Operator (+) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.');
    expect(evaluate('(nothing ?? 1) + 2', ENV)).toBe(3n);
  });
});

describe('membership and strings', () => {
  it.each<[string, boolean]>([
    ['2 in result', true],
    ['2.0 in [1, 2]', true],
    ['4 in result', false],
    ['"data" in doc', true],
    ['"rate" in doc', false],
    ['"x" in nothing', false],
    ['2 not in result', false],
    ['0 in -1..1 and 1 in 1..1', true],
    ['.5 in 0..1', false],
    ['4 in 5..1', false],
    ['1 in [1.5] || 1 not in [1]', false],
    ['"constructor" in doc', false],
    ['"__proto__" in {}', false],
    ['text contains "World"', true],
    ['text startsWith "Hell"', true],
    ['text endsWith "!"', false],
    ['text not contains "x"', true],
    ['text matches "^H.*d$"', true],
    ['text matches "(?i)hello"', true],
    ['text not matches "\\\\d"', true],
    ['"foo" + "bar" not matches "foobar"', false],
  ])('%s is %s', (source, expected) => {
    expect(evaluate(source, ENV)).toBe(expected);
  });

  it('in needs an array or a map', () => {
    expect(failure('1 in text', ENV).message).toBe('operator "in" not defined on string');
    expect(failure('1 in doc', ENV).message).toBe('reflect.Value.MapIndex: value of type int is not assignable to type string');
    expect(failure('1 in {a: 1}').message).toBe('cannot use int as type string in map key');
  });
});

describe('member, index and slice', () => {
  it.each<[string, unknown]>([
    ['result[0]', 0.5],
    ['result[-1]', 3.25],
    ['result[1.9]', 2],
    ['doc.data.rate', 0.99],
    ['doc["data"]["name"]', 'web'],
    ['doc["with space"]', 1],
    ['doc.missing', null],
    ['doc?.data?.rate', 0.99],
    ['nothing?.data', null],
    ['nothing?.data.rate', null],
    ['[1, 2, 3]?.[0]', 1n],
    ['[[1, 2], 3, 4]?.[0]?.[1]', 2n],
    ['[nil, 3, 4]?.[0]?.[1]', null],
    ['(0..10)[5]', 5n],
    ['result[1:]', [2, 3.25]],
    ['result[:1]', [0.5]],
    ['result[-2:-1]', [2]],
    ['result[:]', [0.5, 2, 3.25]],
    ['[1, 2, 3][:99]', [1n, 2n, 3n]],
    ['[1, 2, 3][99:]', []],
    ['[1, 2, 3][:-99]', []],
    ['[1, 2, 3][-99:]', [1n, 2n, 3n]],
    ['"hello"[1:3]', 'el'],
    ['"string"[3:9]', 'ing'],
    ['doc.data.series[1]', 2],
  ])('%s', (source, expected) => {
    expect(evaluate(source, ENV)).toEqual(expected);
  });

  it.each([
    ['empty[0]', 'index out of range: 0 (array length is 0)'],
    ['result[-7]', 'index out of range: -4 (array length is 3)'],
    ['result["a"]', 'invalid operation: int(string)'],
    ['"abc"[0]', 'type string[int] is undefined'],
    ['nothing.data', 'cannot fetch data from <nil>'],
    ['doc.nested.deeper', 'cannot fetch deeper from <nil>'],
    ['doc.data.rate.x', 'cannot fetch x from float64'],
    ['doc.data.rate[1:2]', 'cannot slice 1'],
  ])('%s fails: %s', (source, message) => {
    expect(failure(source, ENV).message).toBe(message);
  });
});

describe('predicates', () => {
  it.each<[string, unknown]>([
    ['all(result, {# > 0})', true],
    ['all(result, # > 1)', false],
    ['all(empty, # > 1)', true],
    ['any(result, # > 3)', true],
    ['any(empty, # > 3)', false],
    ['none(result, # > 5)', true],
    ['one(result, # > 3)', true],
    ['one(result, # > 1)', false],
    ['filter(1..9, {# > 7})', [8n, 9n]],
    ['map(1..3, {# * #})', [1n, 4n, 9n]],
    ['map(result, #index)', [0n, 1n, 2n]],
    ['count(1..30, {# % 3 == 0})', 10n],
    ['count([true, true, false])', 2n],
    ['sum([1, 2, 3])', 6n],
    ['sum(result)', 5.75],
    ['sum([])', 0n],
    ['sum(1..3, # * 10)', 60n],
    ['find(1..9, # > 4)', 5n],
    ['find(1..9, # > 40)', null],
    ['findIndex(1..9, # > 4)', 4n],
    ['findLast(1..9, # % 2 == 0)', 8n],
    ['findLastIndex(1..9, # % 2 == 0)', 7n],
    ['len(filter(1..99, # % 7 == 0))', 14n],
    ['map(filter(1..9, # % 2 == 0), # * 2)[-1]', 16n],
    ['all([{v: 1}, {v: 2}], .v > 0)', true],
    ['map([{v: 1}, {v: 2}], {.v * 10})', [10n, 20n]],
    ['filter([[1, 2], [3]], len(#) > 1)', [[1n, 2n]]],
    ['any([[1], [5]], any(#, # > 4))', true],
    ['result | filter(# > 1) | len()', 2n],
    ['"a,b" | split(",")', ['a', 'b']],
  ])('%s', (source, expected) => {
    expect(evaluate(source, ENV)).toEqual(expected);
  });

  it('a predicate must return a bool, and the collection must be an array', () => {
    expect(failure('all(result, 1)', ENV).message).toBe('predicate should return boolean (got int)');
    expect(failure('all(result, doc.data.rate)', ENV).message).toBe('interface conversion: interface {} is float64, not bool');
    expect(failure('all(1, # > 0)').message).toBe('builtin all takes only array (got int)');
    expect(failure('all(nothing, # > 0)', ENV).message).toBe('reflect: call of reflect.Value.Len on zero Value');
    expect(failure('all(nil, # > 0)', ENV).message).toBe('builtin all takes only array (got unknown)');
    expect(failure('count(result)', ENV).message).toBe('interface conversion: interface {} is float64, not bool');
  });
});

describe('builtins', () => {
  it.each<[string, unknown]>([
    ['len(result)', 3n],
    ['len("hello")', 5n],
    ['len("北京")', 2n],
    ['len({a: 1, b: 2})', 2n],
    ['abs(-5)', 5n],
    ['abs(-1.5)', 1.5],
    ['ceil(1.2)', 2],
    ['ceil(2)', 2],
    ['floor(-1.5)', -2],
    ['round(1.5)', 2],
    ['round(-2.5)', -3],
    ['round(2.4)', 2],
    ['int(2.9)', 2n],
    ['int(-2.9)', -2n],
    ['int("42")', 42n],
    ['float(2)', 2],
    ['float("1.5")', 1.5],
    ['string(1)', '1'],
    ['string(0.5)', '0.5'],
    ['string(1e6)', '1e+06'],
    ['string(result)', '[0.5 2 3.25]'],
    ['string({b: 2, a: nil})', 'map[a:<nil> b:2]'],
    ['string(nil)', '<nil>'],
    ['first(result)', 0.5],
    ['last(result)', 3.25],
    ['first(empty)', null],
    ['trim("  x  ")', 'x'],
    ['trim("__x__", "_")', 'x'],
    ['trimPrefix("HelloWorld", "Hello")', 'World'],
    ['trimSuffix("HelloWorld", "World")', 'Hello'],
    ['upper("abc")', 'ABC'],
    ['lower("ABC")', 'abc'],
    ['split("a,b,c", ",")', ['a', 'b', 'c']],
    ['split("a,b,c", ",", 2)', ['a', 'b,c']],
    ['split("", ",")', ['']],
    ['join(["a", "b"], "-")', 'a-b'],
    ['join(["a", "b"])', 'ab'],
    ['replace("aaa", "a", "b")', 'bbb'],
    ['indexOf("apple pie", "pie")', 6n],
    ['lastIndexOf("apple pie apple", "apple")', 10n],
    ['hasPrefix("HelloWorld", "Hello")', true],
    ['hasSuffix("HelloWorld", "World")', true],
    ['min(5, 7)', 5n],
    ['max(5, 7.5)', 7.5],
    ['max(result)', 3.25],
    ['min([3, [1, 2]])', 1n],
    ['max(empty)', null],
    ['mean([1, 2, 3])', 2],
    ['mean(empty)', 0],
    ['median([1, 2, 3, 4])', 2.5],
    ['median([5, 1, 3])', 3],
    ['get([1, 2, 3], 1)', 2n],
    ['get([1, 2, 3], 9)', null],
    ['get(doc, "data") == doc.data', true],
    ['keys({a: 1})', ['a']],
    ['values({a: 1})', [1n]],
    ['take([1, 2, 3], 2)', [1n, 2n]],
    ['reverse([1, 2, 3])', [3n, 2n, 1n]],
    ['concat([1], [2, 3])', [1n, 2n, 3n]],
    ['type(1)', 'int'],
    ['type(1.5)', 'float'],
    ['type(result)', 'array'],
    ['type(now())', 'time.Time'],
    ['1..3', [1n, 2n, 3n]],
    ['4..0', []],
  ])('%s', (source, expected) => {
    expect(evaluate(source, ENV)).toEqual(expected);
  });

  it.each([
    ['int("1.5")', 'invalid operation: int(1.5)'],
    ['float("x")', 'invalid operation: float(x)'],
    ['len(doc.data.rate)', 'invalid argument for len (type float64)'],
    ['abs(text)', 'invalid argument for abs (type string)'],
    ['join([1, 2])', 'interface conversion: interface {} is int, not string'],
    ['upper(doc.data.rate)', 'interface conversion: interface {} is float64, not string'],
    ['upper(1)', 'cannot use int as argument (type string) to call upper '],
    ['mean(["a"])', 'invalid argument for mean (type string)'],
    ['keys(result)', 'cannot get keys from slice'],
    ['keys([1])', 'cannot get keys from []interface {}'],
  ])('%s fails: %s', (source, message) => {
    expect(failure(source, ENV).message).toBe(message);
  });
});

describe('time', () => {
  it('now() is the injected time and durations do arithmetic with it', () => {
    const t = evaluate('now() - duration("5m")') as ExprTime;
    expect(t).toBeInstanceOf(ExprTime);
    expect(t.epochMs).toBe(NOW - 300_000);
    expect(evaluate('now() + duration("1h") > now()')).toBe(true);
    expect(evaluate('(now() - (now() - duration("90s"))) == duration("1m30s")')).toBe(true);
  });

  it.each<[string, string]>([
    ['duration("1h") + duration("1m")', '1h1m0s'],
    ['duration("1h") - duration("1m")', '59m0s'],
    ['7 * duration("1h")', '7h0m0s'],
    ['duration("1h") * 7', '7h0m0s'],
    ['duration("1.5s")', '1.5s'],
    ['duration("300ms")', '300ms'],
    ['now()', '2023-08-14 00:00:00 +0000 UTC'],
  ])('%s prints as %s', (source, printed) => {
    expect(formatValue(evaluate(source))).toBe(printed);
  });

  it('a float times a duration is a float64 of nanoseconds, as in Go', () => {
    expect(evaluate('duration("1s") * .5')).toBe(5e8);
    expect(evaluate('duration("1h") > duration("1m")')).toBe(true);
    expect(evaluate('duration("1h")')).toBeInstanceOf(ExprDuration);
  });

  it('now() needs a clock', () => {
    expect(() => run(compile('now()', new Set()), {})).toThrow('now() is not available here');
  });

  it('bad durations carry Go messages', () => {
    expect(failure('duration("5x")').message).toBe('time: unknown unit "x" in duration "5x"');
    expect(failure('duration("5")').message).toBe('time: missing unit in duration "5"');
  });
});
