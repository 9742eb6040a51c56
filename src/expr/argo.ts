/**
 * Argo Rollouts' two uses of expr (utils/evaluate/evaluate.go): EvalCondition for a metric's
 * successCondition/failureCondition, and EvalTime for a Prometheus rangeQuery's start and end.
 */
import { ExprError, Fault } from './errors.js';
import { requireArg, type CallContext, type FunctionSpec, type FunctionTable } from './function-spec.js';
import { formatValue } from './format.js';
import { parseGoFloat, parseGoInt } from './go-strconv.js';
import { compileWith, runProgram, staticType, type RunOptions } from './program.js';
import { staticName } from './static-types.js';
import { ExprTime, floatToInt, isNil, typeName, type Value } from './values.js';

function goFunction(name: string, arity: number, type: FunctionSpec['type'], call: FunctionSpec['call']): FunctionSpec {
  return { name, arity: [arity, arity], style: 'go', type, call };
}

const floatTest = (name: string, test: (x: number) => boolean): FunctionSpec =>
  goFunction(
    name,
    1,
    (args) => requireArg(args, 0, ['int', 'float'], (t) => `cannot use ${t} as argument (type float64) to call ${name}`) ?? 'bool',
    (args) => {
      const x = args[0];
      // An int is accepted too: expr converts int literals passed to float64 parameters.
      if (typeof x === 'number' || typeof x === 'bigint') return test(Number(x));
      throw new Fault(`cannot use ${typeName(x)} as argument (type float64) to call ${name}`);
    },
  );

/** Argo's asInt/asFloat panic on anything else; the panic text becomes the evaluation error. */
function unsupported(name: string, value: Value, ctx: CallContext): Fault {
  return new Fault(`${name}() not supported on ${typeName(value)} ${formatValue(value, ctx.charge)}`);
}

const IS_NAN = floatTest('isNaN', Number.isNaN);
const IS_INF = floatTest('isInf', (x) => x === Infinity || x === -Infinity);

const CONDITION_FUNCTIONS: FunctionTable = new Map(
  [
    goFunction(
      'asInt',
      1,
      () => 'int',
      ([x], ctx) => {
        if (typeof x === 'bigint') return x;
        if (typeof x === 'number') return floatToInt(x);
        if (typeof x === 'string') {
          const parsed = parseGoInt(x);
          if (parsed.ok) return parsed.value;
          throw new Fault(parsed.message);
        }
        throw unsupported('asInt', x ?? null, ctx);
      },
    ),
    goFunction(
      'asFloat',
      1,
      () => 'float',
      ([x], ctx) => {
        if (typeof x === 'bigint' || typeof x === 'number') return Number(x);
        if (typeof x === 'string') {
          const parsed = parseGoFloat(x);
          if (parsed.ok) return parsed.value;
          throw new Fault(parsed.message);
        }
        throw unsupported('asFloat', x ?? null, ctx);
      },
    ),
    IS_NAN,
    IS_INF,
    // Argo's isNil and default ignore their first argument and look at `result` itself.
    goFunction('isNil', 1, () => 'bool', (_args, ctx) => isNil(ctx.env['result'])),
    goFunction('default', 2, () => 'unknown', ([, fallback], ctx) => {
      const result = ctx.env['result'] as Value | undefined;
      return isNil(result) ? (fallback ?? null) : result;
    }),
  ].map((f) => [f.name, f]),
);

const TIME_FUNCTIONS: FunctionTable = new Map([IS_NAN, IS_INF].map((f) => [f.name, f]));
const CONDITION_NAMES: ReadonlySet<string> = new Set(['result']);
const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * Argo's EvalCondition: `result` plus asInt, asFloat, isNaN, isInf, isNil, default and the
 * builtins. Returns the condition's bool; throws ExprError, e.g. "expected bool, but got int".
 */
export function evalCondition(source: string, result: unknown, options: RunOptions = {}): boolean {
  const value = evalConditionValue(source, result, options);
  if (typeof value !== 'boolean') throw new ExprError('runtime', `expected bool, but got ${typeName(value)}`);
  return value;
}

/** A condition's value without the bool requirement, in the same environment: for explaining a
 * verdict ("result[0] was 0.97") and for documentation. Throws ExprError. */
export function evalConditionValue(source: string, result: unknown, options: RunOptions = {}): unknown {
  return runProgram(compileWith(source, CONDITION_NAMES, CONDITION_FUNCTIONS), { result: result === undefined ? null : result }, options);
}

/** Lint-time check of a condition without data: null, or the compile error it would raise. */
export function checkCondition(source: string): ExprError | null {
  try {
    const type = staticType(compileWith(source, CONDITION_NAMES, CONDITION_FUNCTIONS));
    if (type === 'unknown' || type === 'bool') return null;
    return new ExprError('compile', `expected bool, but got ${type === 'nil' ? '<nil>' : staticName(type)}`);
  } catch (err) {
    if (err instanceof ExprError) return err;
    throw err;
  }
}

/** Argo's EvalTime for rangeQuery start/end (`now() - duration("5m")`): returns epoch ms. */
export function evalTime(source: string, nowMs: number): number {
  const value = runProgram(compileWith(source, NO_NAMES, TIME_FUNCTIONS), {}, { nowMs });
  if (!(value instanceof ExprTime)) throw new ExprError('runtime', `expected time.Time, but got ${typeName(value)}`);
  return value.epochMs;
}
