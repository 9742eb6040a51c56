/**
 * Argo Rollouts' two uses of expr (utils/evaluate/evaluate.go): EvalCondition for a metric's
 * successCondition/failureCondition, and EvalTime for a Prometheus rangeQuery's start and end.
 * Argo compiles each condition against the actual `result` (expr.Env(env)), so the Go type of
 * the result decides what compiles: `result == 0` is fine for a scalar and a compile error for a
 * vector. Programs are cached per source and result type.
 */
import type { CallContext } from './builtins.js';
import { ExprError, Fault } from './errors.js';
import { formatValue } from './format.js';
import { parseGoFloat, parseGoInt } from './go-strconv.js';
import type { EnvFunction } from './interpreter.js';
import { compileWith, natureOf, runProgram, type RunOptions } from './program.js';
import { GoType, MAP, NIL, of, SLICE, T, type Nature } from './types.js';
import {
  ExprDuration,
  ExprTime,
  floatToInt,
  fromHost,
  GoInt,
  goTypeOf,
  typeName,
  type Value,
} from './values.js';

const fn = (params: GoType[], result: GoType): GoType => GoType.func(params, [result]);

function unsupported(name: string, value: Value): Fault {
  return new Fault(`${name}() not supported on ${value === null ? '<nil>' : typeName(value)} ${formatValue(value)}`);
}

const asInt: EnvFunction = {
  type: fn([T.any], T.int64),
  call: ([x]) => {
    const v = x ?? null;
    let out: bigint;
    if (typeof v === 'number') out = floatToInt(v);
    else if (typeof v === 'bigint') out = v;
    else if (v instanceof GoInt && !v.type.named) out = BigInt.asIntN(64, v.value);
    else if (typeof v === 'string') {
      const parsed = parseGoInt(v);
      if (!parsed.ok) throw new Fault(parsed.message);
      out = parsed.value;
    } else throw unsupported('asInt', v);
    return new GoInt(T.int64, out);
  },
};

const asFloat: EnvFunction = {
  type: fn([T.any], T.float64),
  call: ([x]) => {
    const v = x ?? null;
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (v instanceof GoInt && !v.type.named) return Number(v.value);
    if (typeof v === 'string') {
      const parsed = parseGoFloat(v);
      if (!parsed.ok) throw new Fault(parsed.message);
      return parsed.value;
    }
    throw unsupported('asFloat', v);
  },
};

const isNaN: EnvFunction = { type: fn([T.float64], T.bool), call: ([x]) => Number.isNaN(x as number) };
const isInf: EnvFunction = { type: fn([T.float64], T.bool), call: ([x]) => x === Infinity || x === -Infinity };

/** Argo's isNil and default ignore their first argument and look at `result` itself. */
const resultOf = (ctx: CallContext): Value => ctx.env.get('result') ?? null;
const isNil: EnvFunction = { type: fn([T.any], T.bool), call: (_args, ctx) => resultOf(ctx) === null };
const defaultFn: EnvFunction = {
  type: GoType.func([T.any, T.any], [T.any]),
  call: ([, fallback], ctx) => (resultOf(ctx) === null ? (fallback ?? null) : resultOf(ctx)),
};

const CONDITION_FUNCTIONS: ReadonlyMap<string, EnvFunction> = new Map([
  ['asInt', asInt],
  ['asFloat', asFloat],
  ['isNaN', isNaN],
  ['isInf', isInf],
  ['isNil', isNil],
  ['default', defaultFn],
]);

const TIME_FUNCTIONS: ReadonlyMap<string, EnvFunction> = new Map([
  ['isNaN', isNaN],
  ['isInf', isInf],
]);

/**
 * The Go shapes a provider hands Argo as `result`: a Prometheus scalar (float64) or vector or
 * range (`[]float64`), a web provider's JSON (any of them but `[]float64`) or non-JSON body
 * (string), or nothing (nil).
 */
export type ResultShape = 'nil' | 'float64' | '[]float64' | 'string' | 'bool' | '[]interface {}' | 'map[string]interface {}';

export const RESULT_SHAPES: readonly ResultShape[] = ['float64', '[]float64', 'map[string]interface {}', '[]interface {}', 'string', 'bool', 'nil'];

function shapeNature(shape: ResultShape): Nature {
  switch (shape) {
    case 'nil':
      return NIL;
    case 'float64':
      return of(T.float64);
    case '[]float64':
      return of(SLICE.float64);
    case 'string':
      return of(T.string);
    case 'bool':
      return of(T.bool);
    case '[]interface {}':
      return of(SLICE.any);
    case 'map[string]interface {}':
      return of(MAP.stringAny);
  }
}

/** A provider result as expr sees it: a JSON document from the web provider when `json`. */
export function resultValue(result: unknown, json = false): Value {
  return fromHost(result, json);
}

function conditionProgram(source: string, result: Value) {
  const type = goTypeOf(result);
  return compileWith(source, {
    variables: new Map([['result', type ? of(type) : NIL]]),
    functions: CONDITION_FUNCTIONS,
  });
}

export interface ConditionOptions extends RunOptions {
  /** The result is a web provider's decoded JSON: its arrays are []interface {} even when they hold only numbers. */
  json?: boolean;
}

/**
 * Argo's EvalCondition: `result` plus asInt, asFloat, isNaN, isInf, isNil, default and the
 * builtins. Returns the condition's bool; throws ExprError, e.g. "expected bool, but got int".
 */
export function evalCondition(source: string, result: unknown, options: ConditionOptions = {}): boolean {
  const value = evalConditionValue(source, result, options);
  if (typeof value !== 'boolean') throw new ExprError('runtime', `expected bool, but got ${typeName(value)}`);
  return value;
}

/** A condition's value without the bool requirement, in the same environment: for explaining a
 * verdict ("result[0] was 0.97") and for documentation. Throws ExprError. */
export function evalConditionValue(source: string, result: unknown, options: ConditionOptions = {}): Value {
  const value = fromHost(result, options.json ?? false);
  const program = conditionProgram(source, value);
  return runProgram(program, new Map([['result', value]]), options);
}

/**
 * Lint-time check of a condition without data, against the result shapes the metric's provider
 * can produce: null when it compiles for at least one of them, else the error Argo would raise
 * for the first shape. A condition whose value can never be a bool ("expected bool, but got
 * float64") counts as failing.
 */
export function checkCondition(source: string, shapes: readonly ResultShape[] = RESULT_SHAPES): ExprError | null {
  const problems = conditionProblems(source, shapes);
  return problems.every((p) => p.error !== null) ? (problems[0]?.error ?? null) : null;
}

/** The outcome of compiling a condition for each of `shapes`. */
export function conditionProblems(source: string, shapes: readonly ResultShape[]): { shape: ResultShape; error: ExprError | null }[] {
  return shapes.map((shape) => {
    try {
      const program = compileWith(source, { variables: new Map([['result', shapeNature(shape)]]), functions: CONDITION_FUNCTIONS });
      const nature = natureOf(program);
      if (nature && nature.type && nature.type.kind !== 'bool' && nature.type.kind !== 'interface') {
        return { shape, error: new ExprError('compile', `expected bool, but got ${nature.type.name}`) };
      }
      if (nature?.nil) return { shape, error: new ExprError('compile', 'expected bool, but got <nil>') };
      return { shape, error: null };
    } catch (err) {
      if (err instanceof ExprError) return { shape, error: err };
      throw err;
    }
  });
}

/** Argo's EvalTime for rangeQuery start/end (`now() - duration("5m")`): returns epoch ms. */
export function evalTime(source: string, nowMs: number): number {
  const program = compileWith(source, { variables: new Map(), functions: TIME_FUNCTIONS });
  const value = runProgram(program, new Map(), { nowMs });
  if (!(value instanceof ExprTime)) throw new ExprError('runtime', `expected time.Time, but got ${typeName(value)}`);
  return value.epochMs;
}

export { ExprDuration };
