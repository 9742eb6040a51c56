/** Numeric builtins: len, abs, ceil, floor, round, int, float, min, max, mean, median. */
import { Fault } from './errors.js';
import { requireArg, type FunctionSpec, type TypeCheck } from './function-spec.js';
import { parseGoFloat, parseGoInt } from './go-strconv.js';
import { LIMITS } from './limits.js';
import { order, type Charge } from './ops.js';
import type { StaticType } from './static-types.js';
import { floatToInt, kindOf, toFloat, typeName, wrapInt, type Value } from './values.js';

const NUMBERS: StaticType[] = ['int', 'float'];

function unary(
  name: string,
  allowed: StaticType[],
  result: (arg: StaticType) => StaticType,
  call: (arg: Value) => Value,
): FunctionSpec {
  return {
    name,
    arity: [1, 1],
    style: 'builtin',
    type: (args): TypeCheck => requireArg(args, 0, allowed, (t) => `invalid argument for ${name} (type ${t})`) ?? result(args[0]!),
    call: (args) => call(args[0]!),
  };
}

const rounding = (name: string, fn: (x: number) => number): FunctionSpec =>
  unary(
    name,
    NUMBERS,
    () => 'float',
    (x) => {
      if (typeof x === 'number') return fn(x);
      if (typeof x === 'bigint') return Number(x);
      throw new Fault(`invalid argument for ${name} (type ${typeName(x)})`);
    },
  );

/** Go's math.Round: half away from zero (JavaScript's Math.round rounds -2.5 to -2). */
function goRound(x: number): number {
  if (!Number.isFinite(x)) return x;
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

/** The numbers in `args`, arrays flattened, as expr's min/max/mean/median collect them. */
function collectNumbers(name: string, args: readonly Value[], charge: Charge, depth = 0): (bigint | number)[] {
  if (depth > LIMITS.maxDepth) throw new Fault(`value is nested too deeply (more than ${LIMITS.maxDepth} levels)`);
  const out: (bigint | number)[] = [];
  for (const arg of args) {
    if (typeof arg === 'bigint' || typeof arg === 'number') out.push(arg);
    else if (Array.isArray(arg)) {
      charge(arg.length);
      for (const v of collectNumbers(name, arg as readonly Value[], charge, depth + 1)) out.push(v);
    } else throw new Fault(`invalid argument for ${name} (type ${typeName(arg)})`);
  }
  return out;
}

function extreme(name: 'min' | 'max'): FunctionSpec {
  return {
    name,
    arity: [1, Infinity],
    style: 'builtin',
    type: (args) => {
      for (let i = 0; i < args.length; i++) {
        const problem = requireArg(args, i, [...NUMBERS, 'array'], (t) => `invalid argument for ${name} (type ${t})`);
        if (problem && args.length > 1) return problem;
      }
      return 'unknown';
    },
    call: (args, ctx) => {
      // A single non-numeric, non-array argument is returned as is, as in expr.
      if (args.length === 1 && !Array.isArray(args[0]) && kindOf(args[0]) !== 'int' && kindOf(args[0]) !== 'float') {
        return args[0]!;
      }
      let best: bigint | number | null = null;
      for (const v of collectNumbers(name, args, ctx.charge)) {
        if (best === null || order(name === 'max' ? '<' : '>', best, v, ctx.charge)) best = v;
      }
      return best;
    },
  };
}

function aggregate(name: 'mean' | 'median', fn: (values: number[]) => number): FunctionSpec {
  return {
    name,
    arity: [1, Infinity],
    style: 'builtin',
    type: (args) => {
      for (let i = 0; i < args.length; i++) {
        const problem = requireArg(args, i, [...NUMBERS, 'array'], (t) => `invalid argument for ${name} (type ${t})`);
        if (problem) return problem;
      }
      return 'float';
    },
    call: (args, ctx) => {
      const values = collectNumbers(name, args, ctx.charge).map(toFloat);
      return values.length === 0 ? 0 : fn(values);
    },
  };
}

export const MATH_BUILTINS: FunctionSpec[] = [
  unary(
    'len',
    ['array', 'map', 'string'],
    () => 'int',
    (x) => {
      if (Array.isArray(x)) return BigInt(x.length);
      if (typeof x === 'string') return BigInt([...x].length);
      if (kindOf(x) === 'map') return BigInt(Object.keys(x as object).length);
      throw new Fault(`invalid argument for len (type ${typeName(x)})`);
    },
  ),
  unary(
    'abs',
    NUMBERS,
    (t) => t,
    (x) => {
      if (typeof x === 'bigint') return x < 0n ? wrapInt(-x) : x;
      if (typeof x === 'number') return Math.abs(x);
      throw new Fault(`invalid argument for abs (type ${typeName(x)})`);
    },
  ),
  rounding('ceil', Math.ceil),
  rounding('floor', Math.floor),
  rounding('round', goRound),
  unary(
    'int',
    [...NUMBERS, 'string'],
    () => 'int',
    (x) => {
      if (typeof x === 'bigint') return x;
      if (typeof x === 'number') return floatToInt(x);
      if (typeof x === 'string') {
        const parsed = parseGoInt(x);
        if (parsed.ok) return parsed.value;
        throw new Fault(`invalid operation: int(${x})`);
      }
      throw new Fault(`invalid operation: int(${typeName(x)})`);
    },
  ),
  unary(
    'float',
    [...NUMBERS, 'string'],
    () => 'float',
    (x) => {
      if (typeof x === 'bigint' || typeof x === 'number') return toFloat(x);
      if (typeof x === 'string') {
        const parsed = parseGoFloat(x);
        if (parsed.ok) return parsed.value;
        throw new Fault(`invalid operation: float(${x})`);
      }
      throw new Fault(`invalid operation: float(${typeName(x)})`);
    },
  ),
  extreme('min'),
  extreme('max'),
  aggregate('mean', (values) => values.reduce((a, b) => a + b, 0) / values.length),
  aggregate('median', (values) => {
    // Go's sort.Float64s puts NaN first.
    const sorted = [...values].sort((a, b) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : Number.isNaN(b) ? 1 : a - b));
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }),
];
