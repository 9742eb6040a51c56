import { evaluateResult } from '../../src/analysis/evaluate.js';

const c = (successCondition: string | null, failureCondition: string | null) => ({ successCondition, failureCondition });

describe('evaluateResult truth table (Argo EvaluateResult)', () => {
  it.each([
    // success, failure, phase
    ['true', 'false', 'Successful'],
    ['true', 'true', 'Failed'], // failure wins when both hold
    ['false', 'false', 'Inconclusive'],
    ['false', 'true', 'Failed'],
    [null, 'false', 'Successful'], // only failure set: success = !failure
    [null, 'true', 'Failed'],
    ['false', null, 'Failed'], // only success set: failure = !success
    ['true', null, 'Successful'],
    [null, null, 'Successful'], // no conditions: always success unless an error
    ['', '', 'Successful'],
  ] as const)('success %p, failure %p -> %s', (success, failure, phase) => {
    expect(evaluateResult(true, c(success, failure))).toEqual({ phase, message: null });
  });

  it('evaluates conditions against the result', () => {
    expect(evaluateResult([0], c('len(result) == 0 || result[0] == 0', 'len(result) > 0 && result[0] > 0')).phase).toBe('Successful');
    expect(evaluateResult([3], c('len(result) == 0 || result[0] == 0', 'len(result) > 0 && result[0] > 0')).phase).toBe('Failed');
    expect(evaluateResult([], c('len(result) == 0 || result[0] == 0', 'len(result) > 0 && result[0] > 0')).phase).toBe('Successful');
    expect(evaluateResult(5, c('result > 1', null)).phase).toBe('Successful');
    expect(evaluateResult([2, 2], c('2 in result', null)).phase).toBe('Successful');
    expect(evaluateResult({ a: { values: [2, 2] } }, c('all(result.a.values, {# > 1})', null)).phase).toBe('Successful');
  });

  it('fails a NaN that only a successCondition guards, since NaN compares false', () => {
    expect(evaluateResult([NaN], c('result[0] >= 0.95', null)).phase).toBe('Failed');
    expect(evaluateResult([NaN], c('isNaN(result[0]) || result[0] >= 0.95', null)).phase).toBe('Successful');
  });

  it('is an Error naming the condition when it does not evaluate', () => {
    expect(evaluateResult(true, c('a == true', 'true'))).toEqual({
      phase: 'Error',
      message: expect.stringMatching(/^could not evaluate successCondition "a == true": .+/),
    });
    expect(evaluateResult(true, c('true', 'invalidVar == true'))).toEqual({
      phase: 'Error',
      message: expect.stringMatching(/^could not evaluate failureCondition "invalidVar == true": .+/),
    });
  });

  it('requires a bool', () => {
    expect(evaluateResult(true, c('1', null))).toEqual({ phase: 'Error', message: 'could not evaluate successCondition "1": expected bool, but got int' });
  });

  it('says there was no data when the result is nil or empty', () => {
    const message = 'could not evaluate successCondition "result[0] >= 0.95": metric result is nil or empty: no data returned from the metric provider';
    expect(evaluateResult([], c('result[0] >= 0.95', null))).toEqual({ phase: 'Error', message });
    expect(evaluateResult(null, c('result[0] >= 0.95', null))).toEqual({ phase: 'Error', message });
  });

  it('turns an asInt of a non-integer string into an Error', () => {
    expect(evaluateResult('1.1', c('asInt(result) == 1', null)).phase).toBe('Error');
    expect(evaluateResult('1', c('asInt(result) == 1', null)).phase).toBe('Successful');
  });
});
