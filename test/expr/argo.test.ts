/**
 * Argo Rollouts' expression cases (utils/evaluate/evaluate_test.go at 9f8d111), the seed
 * article's two conditions, and the Prometheus shapes conditions see: [] for an empty vector,
 * float64 samples, NaN and ±Inf.
 */
import { checkCondition, evalCondition, evalTime, ExprError } from '../../src/expr/index.js';

function conditionError(source: string, result: unknown): ExprError {
  try {
    evalCondition(source, result);
  } catch (err) {
    if (err instanceof ExprError) return err;
    throw err;
  }
  throw new Error(`expected ${source} to fail`);
}

describe('Argo EvalCondition cases', () => {
  it.each<[string, unknown, boolean]>([
    // TestEvaluateConditionWithSuccess / WithFailure
    ['result == true', true, true],
    ['result == false', true, false],
    // TestEvaluateInOperator
    ['2 in result', [2, 2], true],
    // TestEvaluateFloat64
    ['result > 1', 5, true],
    // TestEvaluateAsInt
    ['asInt(result) == 1', '1', true],
    ['asInt(result) == 1', 1n, true],
    ['asInt(result) == 1', 1.123, true],
    // TestEvaluateAsFloat
    ['asFloat(result) == 1.1', '1.1', true],
    ['asFloat(result) >= 1.1', '1.1', true],
    ['asFloat(result) <= 1.1', '1.1', true],
    ['asFloat(result) == 1.1', 1.1, true],
    ['asFloat(result) == 1', 1n, true],
    ['asFloat(result) >= 1', 1n, true],
    // TestAsInt / TestAsFloat through the environment
    ['asInt("1") == 1', null, true],
    ['asFloat("1") == 1', null, true],
    ['asFloat("1.1") == 1.1', null, true],
    ['asInt(1.9) == 1', null, true],
    ['asInt(-1.9) == -1', null, true],
    // TestIsInf
    ['isInf(result)', Infinity, true],
    ['isInf(result)', -Infinity, true],
    ['isInf(result)', 0, false],
    // TestDefaultFunc: default ignores its first argument and tests result
    ['default(result, 0) == 0', null, true],
    ['default(result, 1) == 1', null, true],
    ['default(result, 2) == 2', undefined, true],
    ['default(result, 0) == 1', 1, true],
    ['default(123, 0) == 0', null, true],
    // TestIsNilFunc: isNil ignores its argument and tests result
    ['isNil(result)', null, true],
    ['isNil(result)', undefined, true],
    ['isNil(result)', 1, false],
    ['isNil(result)', false, false],
    ['isNil(result)', ['hi', 'hello'], false],
    ['isNil(result)', [], false],
    ['isNil(1)', null, true],
    ['isNil(nil)', 1, false],
  ])('%s with result %p is %s', (source, result, expected) => {
    expect(evalCondition(source, result)).toBe(expected);
  });

  it('TestEvaluateArray: all() with a closure over a nested map', () => {
    const result = { service_apdex: { label: null, values: { values: [2, 2] } } };
    expect(evalCondition('all(result.service_apdex.values.values, {# > 1})', result)).toBe(true);
  });

  it('TestErrorWithNonBoolReturn: expected bool, but got int', () => {
    const err = conditionError('1', true);
    expect(err.message).toBe('expected bool, but got int');
    expect(err.phase).toBe('runtime');
    expect(conditionError('result', [1.5]).message).toBe('expected bool, but got []float64');
    expect(conditionError('result', null).message).toBe('expected bool, but got <nil>');
    expect(conditionError('result', { a: 1 }).message).toBe('expected bool, but got map[string]interface {}');
  });

  it('TestErrorWithInvalidReference: unknown name', () => {
    const err = conditionError('invalidVariable', true);
    expect(err.message).toBe('unknown name invalidVariable');
    expect(err.phase).toBe('compile');
    expect(conditionError('a == true', true).message).toBe('unknown name a');
  });

  it('TestEvaluateInvalidStruct: method calls are errors', () => {
    expect(conditionError("result.Name() == 'hi'", true).phase).toBe('compile');
  });

  it('TestEvaluateAsIntPanic and TestAsInt: asInt rejects strings that are not integers', () => {
    expect(conditionError('asInt(result) == 1.1', '1.1').message).toBe('strconv.ParseInt: parsing "1.1": invalid syntax');
    expect(conditionError('asInt(result) == 1', 'notint').message).toBe(
      'strconv.ParseInt: parsing "notint": invalid syntax',
    );
    expect(conditionError('asInt(result) == 1', '99999999999999999999').message).toBe(
      'strconv.ParseInt: parsing "99999999999999999999": value out of range',
    );
    expect(conditionError('asInt(result) == 1', null).message).toBe('asInt() not supported on <nil> <nil>');
    expect(conditionError('asInt(result) == 1', true).message).toBe('asInt() not supported on bool true');
  });

  it('TestEvaluateAsFloatError: parse errors at run time, type clashes at compile time', () => {
    const parse = conditionError('asFloat(result) == 1.1', 'NotANum');
    expect(parse.message).toMatch(/strconv\.ParseFloat: parsing "NotANum": invalid syntax/);
    const clash = conditionError('asFloat(result) == "1.1"', '1.1');
    expect(clash.message).toMatch(/invalid operation: == \(mismatched types float64 and string\)/);
    expect(clash.phase).toBe('compile');
    expect(conditionError('asFloat(result) == 1', 'notfloat').phase).toBe('runtime');
  });

  it('environment functions check their arity like Go functions', () => {
    expect(conditionError('asInt()', 1).message).toBe('not enough arguments to call asInt');
    expect(conditionError('asInt(1, 2) == 1', 1).message).toBe('too many arguments to call asInt');
    expect(conditionError('default(result) == 1', 1).message).toBe('not enough arguments to call default');
    expect(conditionError('isNaN("x")', 1).message).toBe('cannot use string as argument (type float64) to call isNaN ');
  });
});

describe('the seed article conditions', () => {
  const success = 'len(result) == 0 || result[0] == 0';
  const failure = 'len(result) > 0 && result[0] > 0';

  it.each<[unknown[], boolean, boolean]>([
    [[], true, false],
    [[0], true, false],
    [[3], false, true],
    [[0.5, 7], false, true],
  ])('result %p: successCondition %s, failureCondition %s', (result, successMet, failureMet) => {
    expect(evalCondition(success, result)).toBe(successMet);
    expect(evalCondition(failure, result)).toBe(failureMet);
  });

  it('short-circuits: result[0] on an empty vector is never evaluated', () => {
    // Alone, the second operand fails on []: the && above is what keeps it from running.
    expect(conditionError('result[0] > 0', []).message).toBe('index out of range: 0 (array length is 0)');
    expect(conditionError('result[0] == 0', []).message).toBe('index out of range: 0 (array length is 0)');
    expect(evalCondition(failure, [])).toBe(false);
    expect(evalCondition(success, [])).toBe(true);
  });
});

describe('Prometheus values', () => {
  it('NaN compares false; isNaN guards it', () => {
    expect(evalCondition('result[0] >= 0.95', [NaN])).toBe(false);
    expect(evalCondition('result[0] < 0.95', [NaN])).toBe(false);
    expect(evalCondition('result[0] == result[0]', [NaN])).toBe(false);
    expect(evalCondition('isNaN(result[0]) || result[0] >= 0.95', [NaN])).toBe(true);
    expect(evalCondition('isNaN(result)', NaN)).toBe(true);
    expect(evalCondition('result[0] > 1e308', [Infinity])).toBe(true);
  });

  it('a range query matrix is judged with all()', () => {
    expect(evalCondition('all(result, # < 0.5)', [0.1, 0.2, 0.49])).toBe(true);
    expect(evalCondition('all(result, # < 0.5)', [0.1, 0.7])).toBe(false);
    expect(evalCondition('len(result) > 0 && all(result, # < 0.5)', [])).toBe(false);
  });

  it('a ratio threshold on a scalar or a vector', () => {
    expect(evalCondition('result >= 0.99', 0.995)).toBe(true);
    expect(evalCondition('len(result) > 0 && result[0] >= 0.99', [0.98])).toBe(false);
  });
});

describe('checkCondition (lint, no data)', () => {
  it('accepts valid conditions', () => {
    expect(checkCondition('len(result) == 0 || result[0] == 0')).toBeNull();
    expect(checkCondition('all(result, # < 0.5)')).toBeNull();
    expect(checkCondition('isNil(result) || default(result, 0) > 1')).toBeNull();
  });

  it('reports compile errors with a position', () => {
    const err = checkCondition('len(result) >> 0')!;
    expect(err).toBeInstanceOf(ExprError);
    expect(err.message).toBe('unexpected token Operator(">")');
    expect(err.column).toBe(14);
    expect(err.line).toBe(1);
    expect(err.detail).toBe(' | len(result) >> 0\n | .............^');
    expect(checkCondition('x > 1')!.message).toBe('unknown name x');
  });

  it('reports conditions that can never be a bool', () => {
    expect(checkCondition('1')!.message).toBe('expected bool, but got int');
    expect(checkCondition('"yes"')!.message).toBe('expected bool, but got string');
    expect(checkCondition('len(result)', ['[]float64'])!.message).toBe('expected bool, but got int');
    expect(checkCondition('len(result)')!.message).toBe('invalid argument for len (type float64)');
    expect(checkCondition('asFloat(result) == "1.1"')!.message).toBe(
      'invalid operation: == (mismatched types float64 and string)',
    );
  });
});

describe('Argo EvalTime (rangeQuery start/end)', () => {
  const now = Date.UTC(2023, 7, 14, 0, 0, 0);

  it('returns epoch ms from now() and duration()', () => {
    expect(evalTime('now()', now)).toBe(now);
    expect(evalTime('now() - duration("5m")', now)).toBe(now - 300_000);
    expect(evalTime('now() - duration("1h") + duration("30s")', now)).toBe(now - 3_570_000);
  });

  it('rejects what Argo rejects', () => {
    expect(() => evalTime('now() -- ?', now)).toThrow(ExprError);
    expect(() => evalTime('hello', now)).toThrow('unknown name hello');
    expect(() => evalTime('result', now)).toThrow('unknown name result');
    expect(() => evalTime('duration("5m")', now)).toThrow('expected time.Time, but got time.Duration');
    expect(() => evalTime('1', now)).toThrow('expected time.Time, but got int');
  });

  it('date() with a layout and a zone', () => {
    expect(evalTime('date("2023-08-14 00:00:00", "2006-01-02 15:04:05", "UTC") - duration("1h")', now)).toBe(now - 3_600_000);
  });
});
