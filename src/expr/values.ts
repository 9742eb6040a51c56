/**
 * The values expressions compute with, carrying their Go types, because expr's runtime switches
 * on them and its messages print them (`[]float64`, `int64`, `map[string]interface {}`):
 *
 *   nil -> null                 bool, string -> themselves      int -> bigint (int64, wraps)
 *   float64 -> number           other integers -> GoInt         []T -> JS array (type in SLICE_TYPES)
 *   map[string]T -> plain object (own keys only)                 map[interface {}]T -> AnyMap
 *   time.Time -> ExprTime       time.Duration -> ExprDuration   []byte -> Uint8Array
 *   *time.Location -> GoLocation                                 a method value -> GoFunc
 */
import { ExprError } from './errors.js';
import { LIMITS } from './limits.js';
import { GoType, MAP, SLICE, T } from './types.js';

/** A Go integer of a type other than int: int64 (asInt), uint8 (a byte of a string), time.Month. */
export class GoInt {
  constructor(
    readonly type: GoType,
    readonly value: bigint,
  ) {}
}

/** A time zone: UTC, a fixed offset from a parsed date, or an IANA zone (through Intl). */
export class GoLocation {
  constructor(
    readonly name: string,
    /** Seconds east of UTC for fixed zones; null for IANA zones, whose offset depends on the instant. */
    readonly fixedOffset: number | null,
  ) {}

  static readonly UTC = new GoLocation('UTC', 0);
}

/** A point in time: nanoseconds since the Unix epoch and the zone it is shown in. */
export class ExprTime {
  readonly ns: bigint;
  readonly location: GoLocation;

  constructor(epochMsOrNs: number | bigint, location: GoLocation = GoLocation.UTC) {
    this.ns = typeof epochMsOrNs === 'bigint' ? epochMsOrNs : BigInt(Math.round(epochMsOrNs * 1e6));
    this.location = location;
  }

  get epochMs(): number {
    return Number(this.ns) / 1e6;
  }
}

/** A Go time.Duration: int64 nanoseconds. */
export class ExprDuration {
  readonly ns: bigint;

  constructor(nanoseconds: number | bigint) {
    this.ns = BigInt.asIntN(64, typeof nanoseconds === 'bigint' ? nanoseconds : BigInt(Math.trunc(nanoseconds)));
  }

  get nanoseconds(): number {
    return Number(this.ns);
  }
}

/** A map whose keys are arbitrary values (fromPairs, groupBy): keyed by a canonical key text. */
export class AnyMap {
  readonly entries = new Map<string, { key: Value; value: Value }>();
  constructor(readonly type: GoType) {}
}

/** A function value (a method of a time or duration used without calling it, an env function). */
export class GoFunc {
  constructor(
    readonly type: GoType,
    readonly name: string,
  ) {}
}

export type Value =
  | null
  | boolean
  | bigint
  | number
  | string
  | GoInt
  | readonly Value[]
  | ExprMap
  | AnyMap
  | ExprTime
  | ExprDuration
  | Uint8Array
  | GoLocation
  | GoFunc;

export interface ExprMap {
  readonly [key: string]: Value;
}

/** Element types of arrays that are not []interface {} (the default). */
const SLICE_TYPES = new WeakMap<readonly Value[], GoType>();

export function typedSlice<A extends readonly Value[]>(items: A, type: GoType): A {
  if (type !== SLICE.any) SLICE_TYPES.set(items, type);
  return items;
}

export function sliceType(items: readonly Value[]): GoType {
  return SLICE_TYPES.get(items) ?? SLICE.any;
}

export type ValueKind =
  | 'nil'
  | 'bool'
  | 'int'
  | 'goint'
  | 'float'
  | 'string'
  | 'array'
  | 'map'
  | 'anymap'
  | 'time'
  | 'duration'
  | 'bytes'
  | 'location'
  | 'func'
  | 'unsupported';

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
      if (value instanceof GoInt) return 'goint';
      if (value instanceof ExprTime) return 'time';
      if (value instanceof ExprDuration) return 'duration';
      if (value instanceof AnyMap) return 'anymap';
      if (value instanceof Uint8Array) return 'bytes';
      if (value instanceof GoLocation) return 'location';
      if (value instanceof GoFunc) return 'func';
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

/** The Go type of a value; null for nil. */
export function goTypeOf(value: unknown): GoType | null {
  const kind = kindOf(value);
  switch (kind) {
    case 'nil':
      return null;
    case 'bool':
      return T.bool;
    case 'int':
      return T.int;
    case 'goint':
      return (value as GoInt).type;
    case 'float':
      return T.float64;
    case 'string':
      return T.string;
    case 'array':
      return sliceType(value as readonly Value[]);
    case 'map':
      return MAP.stringAny;
    case 'anymap':
      return (value as AnyMap).type;
    case 'time':
      return T.time;
    case 'duration':
      return T.duration;
    case 'bytes':
      return SLICE.bytes;
    case 'location':
      return T.location;
    case 'func':
      return (value as GoFunc).type;
    case 'unsupported':
      return T.any;
  }
}

/** Go's %T of a value: `int`, `float64`, `[]interface {}`, `<nil>`. */
export function typeName(value: unknown): string {
  if (kindOf(value) === 'unsupported') return `unsupported JavaScript ${typeof value === 'function' ? 'function' : 'object'}`;
  return goTypeOf(value)?.name ?? '<nil>';
}

/** Any Go integer (int, int64, uint8, time.Month) as a bigint; null for other values. */
export function integerOf(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value;
  if (value instanceof GoInt) return value.value;
  return null;
}

/** A numeric Go value (any integer or float64) as a JS number, or null. */
export function numberOf(value: unknown): number | null {
  if (typeof value === 'number') return value;
  const i = integerOf(value);
  return i === null ? null : Number(i);
}

export function isNumeric(value: unknown): boolean {
  return typeof value === 'number' || integerOf(value) !== null;
}

/** Own, enumerable-or-not, data lookup: the prototype chain is never consulted. */
export function ownValue(map: object, key: string): { found: boolean; value: Value } {
  if (!Object.prototype.hasOwnProperty.call(map, key)) return { found: false, value: null };
  const value = (map as Record<string, unknown>)[key];
  return { found: true, value: value === undefined ? null : (value as Value) };
}

/** A fresh map[string]interface {} with no prototype: a key such as "__proto__" is just a key. */
export function newStringMap(): Record<string, Value> {
  return Object.create(null) as Record<string, Value>;
}

export function setKey(map: Record<string, Value>, key: string, value: Value): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}

export const INT64_MIN = -(2n ** 63n);

/** Go's int64(f) on amd64: truncation, and the "integer indefinite" value for NaN and overflow. */
export function floatToInt(value: number): bigint {
  if (!Number.isFinite(value) || value >= 2 ** 63 || value < -(2 ** 63)) return INT64_MIN;
  return BigInt(Math.trunc(value));
}

export function wrapInt(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

/** Go's conversion of an integer to the width of `type` (uint8(x), int64(x), ...). */
export function convertInt(type: GoType, value: bigint): bigint {
  switch (type.kind) {
    case 'uint8':
      return BigInt.asUintN(8, value);
    case 'uint16':
      return BigInt.asUintN(16, value);
    case 'uint32':
      return BigInt.asUintN(32, value);
    case 'uint':
    case 'uint64':
      return BigInt.asUintN(64, value);
    case 'int8':
      return BigInt.asIntN(8, value);
    case 'int16':
      return BigInt.asIntN(16, value);
    case 'int32':
      return BigInt.asIntN(32, value);
    default:
      return BigInt.asIntN(64, value);
  }
}

/** An integer of Go type `type` as a Value (a bare bigint for int). */
export function makeInt(type: GoType, value: bigint): Value {
  const v = convertInt(type, value);
  return type === T.int ? v : new GoInt(type, v);
}

/**
 * A value handed in by the host (a provider's result) as expr's runtime sees it: numbers are
 * float64, bigints int, an array of numbers (also []) a []float64 Prometheus vector, other
 * arrays []interface {}, plain objects map[string]interface {}. `json` marks decoded JSON, whose
 * arrays are []interface {} whatever they hold.
 */
export function fromHost(value: unknown, json = false, depth = 0): Value {
  if (depth > LIMITS.maxDepth) throw new ExprError('runtime', `value is nested too deeply (more than ${LIMITS.maxDepth} levels)`);
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    if (!json && depth === 0 && value.every((v) => typeof v === 'number')) return typedSlice([...(value as number[])], SLICE.float64);
    return value.map((v: unknown) => fromHost(v, json, depth + 1));
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    const out = newStringMap();
    for (const key of Object.keys(value)) setKey(out, key, fromHost((value as Record<string, unknown>)[key], json, depth + 1));
    return out;
  }
  return value as Value;
}
