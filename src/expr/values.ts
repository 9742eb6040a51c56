/**
 * The values expressions compute with, and their Go names. expr keeps Go's int/float64 split and
 * error texts name Go types, so the representation keeps it too:
 *
 *   nil -> null (undefined from the environment reads as nil)   int -> bigint (int64, wraps)
 *   float64 -> number (what Prometheus results are)             string, bool -> themselves
 *   array -> JavaScript array                                   map -> plain object (own keys only)
 *   time.Time -> ExprTime                                       time.Duration -> ExprDuration
 */

/** A point in time (expr's `now()`, `date()`); milliseconds since the epoch, fractions allowed. */
export class ExprTime {
  constructor(readonly epochMs: number) {}
}

/** A Go time.Duration, in nanoseconds (exact up to about 104 days). */
export class ExprDuration {
  constructor(readonly nanoseconds: number) {}
}

export type Value = null | boolean | bigint | number | string | readonly Value[] | ExprMap | ExprTime | ExprDuration;
export interface ExprMap {
  readonly [key: string]: Value;
}

export type ValueKind = 'nil' | 'bool' | 'int' | 'float' | 'string' | 'array' | 'map' | 'time' | 'duration' | 'unsupported';

export function kindOf(value: unknown): ValueKind {
  switch (typeof value) {
    case 'undefined':
      return 'nil';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
    case 'object':
      if (value === null) return 'nil';
      if (Array.isArray(value)) return 'array';
      if (value instanceof ExprTime) return 'time';
      if (value instanceof ExprDuration) return 'duration';
      return isPlainObject(value) ? 'map' : 'unsupported';
    default:
      return 'unsupported';
  }
}

/** Only JSON-like objects count as maps; class instances, Dates, Maps and functions from the
 * environment are opaque and never have their properties read. */
export function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isNil(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

export function isNumber(value: unknown): value is bigint | number {
  return typeof value === 'bigint' || typeof value === 'number';
}

/**
 * Go's %T of a value, as expr's messages print it: `int`, `float64`, `[]interface {}`, `<nil>`.
 * An array holding only float64 values (a Prometheus vector, also when empty) is `[]float64`.
 */
export function typeName(value: unknown): string {
  const kind = kindOf(value);
  switch (kind) {
    case 'nil':
      return '<nil>';
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
    case 'array':
      return (value as unknown[]).every((v) => typeof v === 'number') ? '[]float64' : '[]interface {}';
    case 'map':
      return 'map[string]interface {}';
    case 'time':
      return 'time.Time';
    case 'duration':
      return 'time.Duration';
    case 'unsupported':
      return `unsupported JavaScript ${typeof value === 'object' ? 'object' : typeof value}`;
  }
}

/** Own, enumerable-or-not, data lookup: the prototype chain is never consulted. */
export function ownValue(map: object, key: string): { found: boolean; value: Value } {
  if (!Object.prototype.hasOwnProperty.call(map, key)) return { found: false, value: null };
  const value = (map as Record<string, unknown>)[key];
  return { found: true, value: value === undefined ? null : (value as Value) };
}

/** Property names that reach JavaScript internals on an ordinary object. Reading one that a map
 * does not own is an error rather than nil, so probing for them is visible. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
  'constructor',
  '__proto__',
]);

export const INT64_MIN = -(2n ** 63n);

/** Go's int64(f) on amd64: truncation, and the "integer indefinite" value for NaN and overflow. */
export function floatToInt(value: number): bigint {
  if (!Number.isFinite(value) || value >= 2 ** 63 || value < -(2 ** 63)) return INT64_MIN;
  return BigInt(Math.trunc(value));
}

export function wrapInt(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

export function toFloat(value: bigint | number): number {
  return typeof value === 'number' ? value : Number(value);
}
