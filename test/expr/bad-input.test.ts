/**
 * Hostile and broken input: every case ends in an ExprError with a useful message, never in a
 * JavaScript exception, a stack overflow, a hang, or a reach into JavaScript internals.
 */
import { compile, evalConditionValue, ExprError, formatValue, LIMITS, run } from '../../src/expr/index.js';

/** Runs `source` in Argo's environment when only `result` is given (so types follow the value),
 * else against variables of types known only when it runs. */
function attempt(source: string, env: Record<string, unknown> = { result: [1, 2] }): ExprError {
  try {
    if (Object.keys(env).length === 1 && 'result' in env) evalConditionValue(source, env['result']);
    else run(compile(source, new Set(Object.keys(env))), env);
  } catch (err) {
    if (err instanceof ExprError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(source.slice(0, 80))} to fail`);
}

describe('malformed expressions are compile errors at a column', () => {
  it.each<[string, string, number]>([
    ['len(result', 'unexpected token EOF', 10],
    ['(1 + 2', 'unexpected token EOF', 6],
    ['1 + 2)', 'unexpected token Bracket(")")', 6],
    [')', 'unexpected token Bracket(")")', 1],
    ['[1, 2', 'unexpected token EOF', 5],
    ['{a: }', 'unexpected token Bracket("}")', 5],
    ['{a 1}', 'unexpected token Number("1")', 4],
    ['{[1]: 2}', 'a map key must be a quoted string, a number, a identifier, or an expression enclosed in parentheses (unexpected token Bracket("["))', 2],
    ['"unterminated', 'literal not terminated', 13],
    ["'x\n'", 'literal not terminated', 3],
    ['"\\q"', 'invalid char escape', 2],
    ['1 +', 'unexpected token EOF', 3],
    ['* 2', 'unexpected token Operator("*")', 1],
    ['result.', 'expected name', 7],
    ['result.1', 'unexpected token Number(".1")', 7],
    ['result[', 'unexpected token EOF', 7],
    ['result[1:', 'unexpected token EOF', 9],
    ['1 ? 2', 'unexpected token EOF', 5],
    ['a @ b', "unrecognized character: U+0040 '@'", 3],
    ['1a', 'bad number syntax: "1a"', 2],
    ['0x', 'invalid hex literal: strconv.ParseInt: parsing "0x": invalid syntax', 1],
    ['1e', 'invalid float literal: strconv.ParseFloat: parsing "1e": invalid syntax', 1],
    ['99999999999999999999', 'invalid integer literal: strconv.ParseInt: parsing "99999999999999999999": value out of range', 1],
    ['/* open', 'unclosed comment', 7],
    ['result not 1', 'unexpected token Number("1")', 12],
    ['#', 'unexpected token Operator("#")', 1],
    ['.a', 'unexpected token Operator(".")', 1],
    ['all(result, #foo > 1)', 'unknown pointer #foo', 13],
    ['let x = 1', 'unexpected token EOF', 9],
    ['let 1 = 1; 1', 'unexpected token Number("1")', 5],
    ['if true { 1 }', 'unexpected token EOF', 13],
    ['b"\\u0041"', 'unable to unescape string', 3],
    ['all(result, # > 1; true)', 'wrap predicate with brackets { and }', 18],
    ['', 'unexpected token EOF', 1],
    ['   ', 'unexpected token EOF', 3],
  ])('%j: %s', (source, message, column) => {
    const err = attempt(source);
    expect(err.phase).toBe('compile');
    expect(err.message).toBe(message);
    expect(err.column).toBe(column);
  });

  it('renders the source line with a caret, counting characters rather than UTF-16 units', () => {
    const err = attempt('"é😀" + 1');
    expect(err.message).toBe('invalid operation: + (mismatched types string and int)');
    expect(err.column).toBe(6);
    expect(err.detail).toBe(' | "é😀" + 1\n | .....^');
  });

  it('points into the right line of a multi-line condition', () => {
    const err = attempt('len(result) > 0 &&\n  result[0] >> 0');
    expect(err.line).toBe(2);
    expect(err.column).toBe(14);
    expect(err.detail).toBe(' |   result[0] >> 0\n | .............^');
  });
});

describe('wrong arity and unknown functions', () => {
  it.each([
    ['all(result)', 'expected at least 2 arguments'],
    ['filter()', 'expected at least 2 arguments'],
    ['len()', 'invalid number of arguments (expected 1, got 0)'],
    ['len(result, result)', 'invalid number of arguments (expected 1, got 2)'],
    ['trim()', 'not enough arguments to call trim'],
    ['split("a")', 'not enough arguments to call split'],
    ['replace("a")', 'not enough arguments to call replace'],
    ['max()', 'not enough arguments to call max'],
    ['now(1)', 'invalid number of arguments (expected 0, got 1)'],
    ['nosuch(1)', 'unknown name nosuch'],
    ['result(1)', '[]float64 is not callable'],
    ['result.len()', 'array elements can only be selected using an integer (got string)'],
    ['asInt()', 'not enough arguments to call asInt'],
    ['isNaN(1, 2)', 'too many arguments to call isNaN'],
  ])('%s: %s', (source, message) => {
    const err = attempt(source);
    expect(err.phase).toBe('compile');
    expect(err.message).toBe(message);
  });
});

describe('JavaScript internals stay out of reach', () => {
  class Secret {
    touched = false;
    get password(): string {
      this.touched = true;
      return 'hunter2';
    }
  }

  // As in expr, a key a map does not have is nil: names of JavaScript internals are just keys.
  it.each([
    'result.constructor',
    'result.__proto__',
    'result["constructor"]',
    'result.toString',
    'result.hasOwnProperty',
    'result.valueOf',
    'result.__defineGetter__',
    'result.a.constructor',
    '{}.constructor',
    'result?.__proto__?.polluted',
  ])('%s on a map is nil, never a JavaScript internal', (source) => {
    expect(evalConditionValue(source, { a: {} })).toBeNull();
  });

  it.each([
    ['result["__proto__"]["polluted"]', 'cannot fetch polluted from <nil>'],
    ['result.hasOwnProperty("a")', 'invalid operation: cannot call nil'],
  ])('%s on a map fails as in expr: %s', (source, message) => {
    const err = attempt(source, { result: { a: {} } });
    expect(err.phase).toBe('runtime');
    expect(err.message).toBe(message);
  });

  it.each([
    ['result.constructor', 'array elements can only be selected using an integer (got string)'],
    ['result.length', 'array elements can only be selected using an integer (got string)'],
    ['result["map"]', 'array elements can only be selected using an integer (got string)'],
    ['"abc".length', 'type string has no field length'],
    ['(1).constructor', 'type int has no field constructor'],
  ])('%s is a compile error: %s', (source, message) => {
    const err = attempt(source, { result: [1, 2] });
    expect(err.phase).toBe('compile');
    expect(err.message).toBe(message);
  });

  it.each([
    ['result.constructor.constructor("return process")()', 'compile'],
    ['result.constructor("x")', 'runtime'],
    ['process', 'compile'],
    ['globalThis', 'compile'],
    ['this', 'compile'],
    ['require("fs")', 'compile'],
    ['eval("1")', 'compile'],
    ['Function("return 1")', 'compile'],
  ])('%s is rejected', (source, phase) => {
    expect(attempt(source, { result: {} }).phase).toBe(phase);
  });

  it.each([
    ['"x" matches "[[:constructor:]]"', 'error parsing regexp: invalid character class range: `[:constructor:]`'],
    ['duration("1constructor")', 'time: unknown unit "constructor" in duration "1constructor"'],
    ['duration("1__proto__")', 'time: unknown unit "__proto__" in duration "1__proto__"'],
    ['constructor(1)', 'unknown name constructor'],
    ['toString(result)', 'unknown name toString'],
    ['__proto__', 'unknown name __proto__'],
    ['"\\constructor"', 'invalid char escape'],
  ])('names from the input never hit Object.prototype in canary\'s own tables: %s', (source, message) => {
    expect(attempt(source, { result: [1] }).message).toBe(message);
  });

  it('a map literal key named __proto__ is an ordinary key and pollutes nothing', () => {
    const value = run(compile('{"__proto__": {"polluted": 1}, "constructor": 2}', new Set()), {}) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.keys(value).sort()).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(run(compile('{"__proto__": 1}["__proto__"]', new Set()), {})).toBe(1n);
  });

  it('own JSON keys with reserved names are read as data', () => {
    const result = JSON.parse('{"__proto__": 5, "constructor": "c"}') as unknown;
    expect(run(compile('result.__proto__ + 1', new Set(['result'])), { result })).toBe(6);
    expect(run(compile('result.constructor', new Set(['result'])), { result })).toBe('c');
  });

  it('class instances, functions and Dates from the environment are opaque', () => {
    const secret = new Secret();
    const err = attempt('x.password', { x: secret });
    expect(err.message).toBe('cannot fetch password from unsupported JavaScript object');
    expect(secret.touched).toBe(false);
    expect(attempt('x.name', { x: () => 1 }).message).toBe('cannot fetch name from unsupported JavaScript function');
    expect(attempt('x(1)', { x: () => 1 }).message).toBe('invalid operation: cannot call non-function of type unsupported JavaScript function');
    expect(attempt('x.getTime', { x: new Date(0) }).message).toBe('cannot fetch getTime from unsupported JavaScript object');
  });
});

describe('bounded work', () => {
  const depthError = `expression is nested too deeply (more than ${LIMITS.maxDepth} levels)`;

  it('10k nested parentheses give a clean compile error', () => {
    const err = attempt(`${'('.repeat(10_000)}1${')'.repeat(10_000)}`);
    expect(err.phase).toBe('compile');
    expect(err.message).toBe(depthError);
  });

  it.each([
    ['unary minus', `${'-'.repeat(20_000)}1`],
    ['not', `${'!'.repeat(20_000)}true`],
    ['arrays', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['maps', `${'{a: '.repeat(5_000)}1${'}'.repeat(5_000)}`],
    ['calls', `${'abs('.repeat(5_000)}1${')'.repeat(5_000)}`],
    ['predicates', `${'all(result, '.repeat(2_000)}true${')'.repeat(2_000)}`],
    ['a left-leaning chain of +', Array(5_000).fill('1').join(' + ')],
    ['a right-leaning chain of **', Array(5_000).fill('2').join(' ** ')],
    ['a chain of comparisons', Array(5_000).fill('1').join(' < ')],
    ['member accesses', `result${'.a'.repeat(5_000)}`],
    ['ternaries', `${'true ? 1 : '.repeat(3_000)}2`],
  ])('deep %s: clean compile error', (_what, source) => {
    const err = attempt(source);
    expect(err.phase).toBe('compile');
    expect(err.message).toBe(depthError);
  });

  it('caps source length and node count', () => {
    expect(attempt('1'.padEnd(LIMITS.maxSourceLength + 1, ' ')).message).toBe(
      `expression is too long (${LIMITS.maxSourceLength + 1} characters, at most ${LIMITS.maxSourceLength})`,
    );
    expect(attempt(`[${'1,'.repeat(LIMITS.maxNodes + 1)}]`).message).toBe(
      'compilation failed: expression exceeds maximum allowed nodes',
    );
  });

  const stepsError = `evaluation exceeded ${LIMITS.maxSteps} steps`;

  // expr's own memory budget (1,000,000 elements allocated), with its message.
  it.each([['len(filter(1..1000000, # > 0))'], ['len(1..10000000000)'], ['repeat("ab", 500000)'], ['len(concat(1..600000, 1..600000))']])(
    '%s exceeds the memory budget, as in expr',
    (source) => {
      const err = attempt(source);
      expect(err.phase).toBe('runtime');
      expect(err.message).toBe('memory budget exceeded');
    },
  );

  // canary's step budget stops work that allocates little.
  it.each([
    ['map(1..1000, map(1..1000, #))'],
    ['map(1..100, {map(1..100, {map(1..100, {0})})})'],
    ['sum(1..3000, sum(1..3000, # % 7))'],
    ['len(string(1..600000))'],
    ['any(1..2000, # in map(1..2000, #) && # < 0)'],
    ['reduce(1..2000, reduce(1..1000, #acc + # * 2, 0) + #acc, 0)'],
  ])('%s stops with a runtime error', (source) => {
    const err = attempt(source);
    expect(err.phase).toBe('runtime');
    expect([stepsError, 'memory budget exceeded']).toContain(err.message);
  });

  it('work over large environment data counts too', () => {
    const result = new Array<number>(2_000_000).fill(1);
    expect(attempt('all(result, # > 0)', { result }).message).toBe(stepsError);
    expect(attempt('result == result', { result }).message).toBe(stepsError);
  });

  it('text is charged by length, so a big string repeated by a predicate cannot escape the budget', () => {
    const s = 'x'.repeat(100_000);
    for (const source of [
      'map(1..1000, upper(s))',
      'all(1..1000, s + "y" != "")',
      'all(1..1000, s == s + "")',
      'all(1..1000, s contains "y" || # > 0)',
      'all(1..1000, len(s) > 0)',
      'all(1..1000, s[1:] != "")',
      'len(string(map(1..1000, s)))',
      'all(1..1000, s < s + "y")',
    ]) {
      expect(attempt(source, { s }).message).toBe(stepsError);
    }
    // Once is fine: 100,000 characters are about 3,000 steps.
    expect(run(compile('len(upper(s))', new Set(['s'])), { s })).toBe(100_000n);
  });

  it('work below the budget completes', () => {
    expect(run(compile('len(filter(1..100000, # > 0))', new Set()), {})).toBe(100000n);
  });

  it('deeply nested environment data is an error, not a stack overflow', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(attempt('result == result', { result: deep }).message).toMatch(/value is nested too deeply/);
    expect(attempt('string(result)', { result: deep }).message).toMatch(/value is nested too deeply/);
    expect(attempt('max(result)', { result: deep }).message).toMatch(/value is nested too deeply/);
  });

  it('catastrophic regexes run in linear time (no backtracking)', () => {
    const text = `${'a'.repeat(20_000)}!`;
    expect(run(compile('text matches "(a+)+$"', new Set(['text'])), { text })).toBe(false);
    expect(run(compile('text matches "^(a|aa)*$"', new Set(['text'])), { text })).toBe(false);
    expect(run(compile('text matches "(a*)*b"', new Set(['text'])), { text })).toBe(false);
  });

  it('dynamic patterns are charged their compiled size on every use', () => {
    expect(attempt('all(1..2000, "x" matches ("x{1000}" + string(#)) || # > 0)').message).toBe(stepsError);
    expect(run(compile('all(1..100, "x" matches ("x{1000}" + string(#)) || # > 0)', new Set()), {})).toBe(true);
  });

  it('oversized regex programs are rejected when compiled', () => {
    expect(attempt('"x" matches "(x{1000}){1000}"').message).toBe('error parsing regexp: expression too large');
    expect(attempt('"x" matches "x{1001}"').message).toBe('error parsing regexp: invalid repeat count: `{1001}`');
  });
});

describe('time and duration overflow', () => {
  const at = Date.UTC(2024, 0, 1);

  it('Duration arithmetic wraps to int64, as in Go', () => {
    expect(formatValue(run(compile('duration("2562047h") * 2', new Set()), {}))).toBe('-1h34m33.709551616s');
  });

  it('adding the largest duration to now() stays in range', () => {
    expect(run(compile('now() + duration("2562047h") > now()', new Set()), {}, { nowMs: at })).toBe(true);
  });
});

describe('the step cost the docs quote', () => {
  it('all(result, # < 0.5) costs 5 steps per sample: 199,999 samples fit, 200,000 do not', () => {
    const condition = compile('all(result, # < 0.5)', new Set(['result']));
    expect(run(condition, { result: new Array<number>(199_999).fill(0.1) })).toBe(true);
    expect(() => run(condition, { result: new Array<number>(200_000).fill(0.1) })).toThrow(
      `evaluation exceeded ${LIMITS.maxSteps} steps`,
    );
  });
});
