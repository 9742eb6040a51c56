/**
 * The shape shared by builtins (len, trim, ...) and environment functions (Argo's asInt, isNil, ...):
 * an arity, a compile-time result type, and the implementation. Predicate builtins (all, filter, ...)
 * are separate (predicates.ts) because they evaluate a closure.
 */
import { Fault } from './errors.js';
import type { StaticType } from './static-types.js';
import { staticName } from './static-types.js';
import { typeName, type Value } from './values.js';

export interface CallContext {
  /** Counts work against the evaluation's step budget. */
  charge(steps: number): void;
  /** The variables of this run; Argo's isNil/default read `result` from it. */
  readonly env: Readonly<Record<string, unknown>>;
  /** Epoch ms for `now()`; undefined when the caller gave no clock. */
  readonly nowMs: number | undefined;
}

/** A compile-time verdict on the arguments: the result type, or what is wrong (and with which argument). */
export type TypeCheck = StaticType | { error: string; argument?: number };

export interface FunctionSpec {
  readonly name: string;
  /** [min, max]; max is Infinity for variadic functions. */
  readonly arity: readonly [number, number];
  /** expr words arity errors of its builtins ("invalid number of arguments (expected 1, got 2)")
   * differently from those of Go functions in the environment ("not enough arguments to call asInt"). */
  readonly style: 'builtin' | 'go';
  type(args: readonly StaticType[]): TypeCheck;
  call(args: readonly Value[], ctx: CallContext): Value;
}

export type FunctionTable = ReadonlyMap<string, FunctionSpec>;

export function arityError(spec: FunctionSpec, got: number): string | null {
  const [min, max] = spec.arity;
  if (got >= min && got <= max) return null;
  if (spec.style === 'go') return `${got < min ? 'not enough' : 'too many'} arguments to call ${spec.name}`;
  const expected =
    min === max ? `${min}` : max === Infinity ? `at least ${min}` : max === min + 1 ? `${min} or ${max}` : `${min} to ${max}`;
  return `invalid number of arguments (expected ${expected}, got ${got})`;
}

/** Compile-time check that argument `index` may be one of `allowed`; `message` words the failure. */
export function requireArg(
  args: readonly StaticType[],
  index: number,
  allowed: readonly StaticType[],
  message: (name: string) => string,
): { error: string; argument: number } | null {
  const type = args[index];
  if (type === undefined || type === 'unknown' || allowed.includes(type)) return null;
  return { error: message(staticName(type)), argument: index };
}

/** Run-time counterpart: the argument as a string, or a Fault naming the function. */
export function stringArg(value: Value, fn: string): string {
  if (typeof value !== 'string') throw new Fault(`cannot use ${typeName(value)} as argument (type string) to call ${fn}`);
  return value;
}

export function intArg(value: Value, fn: string): bigint {
  if (typeof value !== 'bigint') throw new Fault(`cannot use ${typeName(value)} as argument (type int) to call ${fn}`);
  return value;
}

export function arrayArg(value: Value, message: (type: string) => string): readonly Value[] {
  if (!Array.isArray(value)) throw new Fault(message(typeName(value)));
  return value as readonly Value[];
}

/** Compile-time check of positional parameter types, worded like expr's check of Go functions. */
export function signature(name: string, params: readonly StaticType[], result: StaticType) {
  return (args: readonly StaticType[]): TypeCheck => {
    for (let i = 0; i < args.length && i < params.length; i++) {
      const param = params[i]!;
      const problem = requireArg(args, i, [param], (t) => `cannot use ${t} as argument (type ${staticName(param)}) to call ${name}`);
      if (problem) return problem;
    }
    return result;
  };
}
