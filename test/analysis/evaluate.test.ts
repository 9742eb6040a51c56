/**
 * EvaluateResult: what a measurement's phase is, given the result and the two conditions.
 * Upstream cases come from argoproj/argo-rollouts utils/evaluate/evaluate_test.go at 9f8d111, each
 * named by its Go test; the expression language itself is tested in test/expr/.
 */
import { evaluateResult } from '../../src/analysis/evaluate.js';

const UPSTREAM = 'argo-rollouts utils/evaluate/evaluate_test.go';
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const c = (successCondition: string | null, failureCondition: string | null) => ({ successCondition, failureCondition });
/** Argo's `invalidRefCondition`: a name the environment does not have. */
const INVALID_REF = 'a == true';
const NO_DATA = 'metric result is nil or empty: no data returned from the metric provider';

describe(`EvaluateResult phases (${UPSTREAM})`, () => {
  it.each([
    // [Go test, result, successCondition, failureCondition, phase]
    ['TestEvaluateResultWithSuccess', true, 'true', 'false', 'Successful'],
    ['TestEvaluateResultWithFailure', true, 'true', 'true', 'Failed'], // failure wins when both hold
    ['TestEvaluateResultInconclusive', true, 'false', 'false', 'Inconclusive'],
    ['TestEvaluateResultNoSuccessConditionAndNotFailing', true, '', 'false', 'Successful'],
    ['TestEvaluateResultNoFailureConditionAndNotSuccessful', true, 'false', '', 'Failed'],
    ['TestEvaluateResultNoFailureConditionAndNoSuccessCondition', true, '', '', 'Successful'],
    ['TestEvaluateResultWithErrorOnSuccessCondition', true, INVALID_REF, 'true', 'Error'],
    ['TestEvaluateResultWithErrorOnFailureCondition', true, 'true', INVALID_REF, 'Error'],
  ] as const)('%s', (_test, result, success, failure, phase) => {
    expect(evaluateResult(result, c(success, failure), NOW).phase).toBe(phase);
  });

  it.each([
    // [Go test, result, successCondition, failureCondition, message]
    ['TestEvaluateResultErrorMessageWithNilResult', null, 'result[0] >= 0.95', null, `could not evaluate successCondition "result[0] >= 0.95": ${NO_DATA}`],
    ['TestEvaluateResultErrorMessageWithEmptySlice', [], 'result[0] >= 0.95', null, `could not evaluate successCondition "result[0] >= 0.95": ${NO_DATA}`],
    ['TestEvaluateResultErrorMessageWithInvalidExpression', true, INVALID_REF, null, /^could not evaluate successCondition "a == true": .*unknown name a/],
    ['TestEvaluateResultErrorMessageOnFailureCondition', true, 'true', 'invalidVar == true', /^could not evaluate failureCondition "invalidVar == true": .*unknown name invalidVar/],
    // TestErrorWithNonBoolReturn, through EvaluateResult
    ['TestErrorWithNonBoolReturn', true, '1', null, 'could not evaluate successCondition "1": expected bool, but got int'],
    // TestEvaluateAsIntPanic: asInt's panic becomes the measurement's error
    ['TestEvaluateAsIntPanic', '1.1', 'asInt(result) == 1.1', null, /^could not evaluate successCondition "asInt\(result\) == 1\.1": /],
  ] as const)('%s: Error with the message', (_test, result, success, failure, message) => {
    const out = evaluateResult(result, c(success, failure), NOW);
    expect(out.phase).toBe('Error');
    if (typeof message === 'string') expect(out.message).toBe(message);
    else expect(out.message).toMatch(message);
  });

  // TestIsNilOrEmpty: which results count as "no data" in an error message.
  it.each([
    [null, true],
    [[], true],
    [[1.0], false],
    [42, false],
    ['hello', false],
  ] as const)('TestIsNilOrEmpty: %p is nil or empty: %p', (result, empty) => {
    const out = evaluateResult(result, c('nope == 1', null), NOW);
    expect(out.phase).toBe('Error');
    expect(out.message?.includes(NO_DATA)).toBe(empty);
  });
});

describe('EvaluateResult with Prometheus-shaped results', () => {
  const seed = c('len(result) == 0 || result[0] == 0', 'len(result) > 0 && result[0] > 0');

  it.each([
    [[0], 'Successful'],
    [[3], 'Failed'],
    [[], 'Successful'],
  ] as const)('the seed conditions on %p -> %s', (result, phase) => {
    expect(evaluateResult(result, seed, NOW).phase).toBe(phase);
  });

  it('fails a NaN that only a successCondition guards, since NaN compares false', () => {
    expect(evaluateResult([NaN], c('result[0] >= 0.95', null), NOW).phase).toBe('Failed');
    expect(evaluateResult([NaN], c('isNaN(result[0]) || result[0] >= 0.95', null), NOW).phase).toBe('Successful');
  });

  it('evaluates now() with the time it is given (the measurement\'s), as docs/conditions.md documents it', () => {
    expect(evaluateResult(1, c('now() > now() - duration("1s")', null), NOW)).toEqual({ phase: 'Successful', message: null });
  });
});
