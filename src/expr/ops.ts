/**
 * expr's runtime package: operators on values whose types are only known when it runs (Equal,
 * Less, Add, ..., In, Fetch, Slice), with the same type rules and the same panic texts
 * ("invalid operation: string + int", "index out of range: 5 (array length is 3)").
 */
import { Fault } from './errors.js';
import { formatValue, compareCodePoints } from './format.js';
import { goPow } from './go-math.js';
import { LIMITS } from './limits.js';
import { methodOf } from './methods.js';
import { isIntegerType, SLICE, T, type GoType } from './types.js';
import {
  AnyMap,
  ExprDuration,
  ExprTime,
  GoFunc,
  GoInt,
  goTypeOf,
  kindOf,
  makeInt,
  ownValue,
  sliceType,
  typedSlice,
  typeName,
  wrapInt,
  type Value,
} from './values.js';

export type Charge = (steps: number) => void;

/** Charges the work of reading or producing text: one step per LIMITS.charsPerStep characters. */
export function chargeText(charge: Charge, ...texts: string[]): void {
  let length = 0;
  for (const text of texts) length += text.length;
  if (length > 0) charge(Math.ceil(length / LIMITS.charsPerStep));
}

/** A value of one of Go's builtin integer or float types (the runtime helpers' `cases`). */
type Num = { int: bigint } | { float: number };

function num(value: Value): Num | null {
  if (typeof value === 'bigint') return { int: value };
  if (typeof value === 'number') return { float: value };
  if (value instanceof GoInt && !value.type.named) return { int: value.value };
  return null;
}

const f64 = (n: Num): number => ('int' in n ? Number(n.int) : n.float);

/** Go's interface conversion panic, as a failed type assertion in the VM prints it. */
export function conversion(value: Value, want: string): Fault {
  return new Fault(`interface conversion: interface {} is ${value === null ? 'nil' : typeName(value)}, not ${want}`);
}

export function asBool(value: Value): boolean {
  if (typeof value !== 'boolean') throw conversion(value, 'bool');
  return value;
}

export function asString(value: Value): string {
  if (typeof value !== 'string') throw conversion(value, 'string');
  return value;
}

/** runtime.IsNil: nil, or a nil slice (a missing groupBy group). */
export function isNilValue(value: Value): boolean {
  return value === null || (Array.isArray(value) && NIL_SLICES.has(value));
}

const NIL_SLICES = new WeakSet<readonly Value[]>();

/** The zero value of a map's element type, which Fetch returns for a missing key. */
export function zeroOf(type: GoType): Value {
  if (type.kind === 'slice') {
    const empty = typedSlice(Object.freeze([]) as readonly Value[], type);
    NIL_SLICES.add(empty);
    return empty;
  }
  return null;
}

export function equal(a: Value, b: Value, charge: Charge, depth = 0): boolean {
  if (depth > LIMITS.maxDepth) throw new Fault(`value is nested too deeply (more than ${LIMITS.maxDepth} levels)`);
  const x = num(a);
  const y = num(b);
  if (x && y) {
    if ('int' in x && 'int' in y) return wrapInt(x.int) === wrapInt(y.int);
    return f64(x) === f64(y);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const ta = sliceType(a);
    const tb = sliceType(b);
    const comparableElems = (t: GoType) => t === SLICE.any || ['string', 'float64', 'float32'].includes(t.elem!.kind) || isIntegerType(t.elem!);
    if (comparableElems(ta) && comparableElems(tb) && (ta === SLICE.any || tb === SLICE.any || ta === tb)) {
      if (a.length !== b.length) return false;
      charge(a.length);
      for (let i = 0; i < a.length; i++) {
        if (ta === SLICE.any || tb === SLICE.any ? !equal(a[i]!, b[i]!, charge, depth + 1) : !sameScalar(a[i]!, b[i]!)) return false;
      }
      return true;
    }
  }
  if (typeof a === 'string' && typeof b === 'string') {
    chargeText(charge, a);
    return a === b;
  }
  if (a instanceof ExprTime && b instanceof ExprTime) return a.ns === b.ns;
  if (a instanceof ExprDuration && b instanceof ExprDuration) return a.ns === b.ns;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b;
  if (isNilValue(a) && isNilValue(b)) return true;
  return deepEqual(a, b, charge, depth);
}

function sameScalar(a: Value, b: Value): boolean {
  if (a instanceof GoInt && b instanceof GoInt) return a.value === b.value;
  return a === b;
}

/** reflect.DeepEqual: identical dynamic types, then contents (NaN is never equal). */
export function deepEqual(a: Value, b: Value, charge: Charge, depth: number): boolean {
  if (depth > LIMITS.maxDepth) throw new Fault(`value is nested too deeply (more than ${LIMITS.maxDepth} levels)`);
  if (a === null || b === null) return a === b;
  if (goTypeOf(a) !== goTypeOf(b)) return false;
  switch (kindOf(a)) {
    case 'array': {
      const x = a as readonly Value[];
      const y = b as readonly Value[];
      if (x === y) return true;
      charge(x.length);
      return x.length === y.length && x.every((v, i) => deepEqual(v, y[i]!, charge, depth + 1));
    }
    case 'map': {
      if (a === b) return true;
      const keys = Object.keys(a as object);
      charge(keys.length);
      if (keys.length !== Object.keys(b as object).length) return false;
      return keys.every((k) => {
        const other = ownValue(b as object, k);
        return other.found && deepEqual(ownValue(a as object, k).value, other.value, charge, depth + 1);
      });
    }
    case 'anymap': {
      if (a === b) return true;
      const x = (a as AnyMap).entries;
      const y = (b as AnyMap).entries;
      if (x.size !== y.size) return false;
      for (const [k, e] of x) {
        const other = y.get(k);
        if (!other || !deepEqual(e.value, other.value, charge, depth + 1)) return false;
      }
      return true;
    }
    case 'bytes': {
      const x = a as Uint8Array;
      const y = b as Uint8Array;
      return x.length === y.length && x.every((v, i) => v === y[i]);
    }
    case 'goint':
      return (a as GoInt).value === (b as GoInt).value;
    case 'time':
      return (a as ExprTime).ns === (b as ExprTime).ns && (a as ExprTime).location === (b as ExprTime).location;
    case 'duration':
      return (a as ExprDuration).ns === (b as ExprDuration).ns;
    case 'func':
      return false;
    default:
      return a === b;
  }
}

export type OrderOperator = '<' | '>' | '<=' | '>=';

function compare(op: OrderOperator, c: number): boolean {
  switch (op) {
    case '<':
      return c < 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    case '>=':
      return c >= 0;
  }
}

/** runtime.Less, More, LessOrEqual, MoreOrEqual. */
export function order(op: OrderOperator, a: Value, b: Value, charge: Charge): boolean {
  const x = num(a);
  const y = num(b);
  if (x && y) {
    if ('int' in x && 'int' in y) return compare(op, x.int < y.int ? -1 : x.int > y.int ? 1 : 0);
    const p = f64(x);
    const q = f64(y);
    if (Number.isNaN(p) || Number.isNaN(q)) return false;
    return compare(op, p < q ? -1 : p > q ? 1 : 0);
  }
  if (typeof a === 'string' && typeof b === 'string') {
    chargeText(charge, a, b);
    return compare(op, compareCodePoints(a, b));
  }
  if (a instanceof ExprTime && b instanceof ExprTime) return compare(op, a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0);
  if (a instanceof ExprDuration && b instanceof ExprDuration) return compare(op, a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0);
  throw new Fault(`invalid operation: ${typeName(a)} ${op} ${typeName(b)}`);
}

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';

export function arithmetic(op: ArithmeticOperator, a: Value, b: Value, charge: Charge): Value {
  const x = num(a);
  const y = num(b);
  if (x && y) {
    if (op === '/') return f64(x) / f64(y);
    if ('int' in x && 'int' in y) {
      const p = wrapInt(x.int);
      const q = wrapInt(y.int);
      switch (op) {
        case '+':
          return wrapInt(p + q);
        case '-':
          return wrapInt(p - q);
        case '*':
          return wrapInt(p * q);
        case '%':
          if (q === 0n) throw new Fault('runtime error: integer divide by zero');
          return p % q;
      }
    }
    if (op === '%') throw new Fault(`invalid operation: ${typeName(a)} % ${typeName(b)}`);
    const p = f64(x);
    const q = f64(y);
    return op === '+' ? p + q : op === '-' ? p - q : p * q;
  }
  const d = durationArithmetic(op, a, b, x, y);
  if (d !== undefined) return d;
  if (op === '+' && typeof a === 'string' && typeof b === 'string') {
    chargeText(charge, a, b);
    return a + b;
  }
  throw new Fault(`invalid operation: ${typeName(a)} ${op} ${typeName(b)}`);
}

function durationArithmetic(op: ArithmeticOperator, a: Value, b: Value, x: Num | null, y: Num | null): Value | undefined {
  const ta = a instanceof ExprTime ? a : null;
  const tb = b instanceof ExprTime ? b : null;
  const da = a instanceof ExprDuration ? a : null;
  const db = b instanceof ExprDuration ? b : null;
  switch (op) {
    case '+':
      if (ta && db) return new ExprTime(ta.ns + db.ns, ta.location);
      if (da && tb) return new ExprTime(tb.ns + da.ns, tb.location);
      if (da && db) return new ExprDuration(da.ns + db.ns);
      return undefined;
    case '-':
      if (ta && tb) return new ExprDuration(saturate(ta.ns - tb.ns));
      if (ta && db) return new ExprTime(ta.ns - db.ns, ta.location);
      if (da && db) return new ExprDuration(da.ns - db.ns);
      return undefined;
    case '*': {
      // An integer or a duration times a duration is a Duration; a float times one is a float64.
      const left = da ? { d: da.ns } : x;
      const right = db ? { d: db.ns } : y;
      if (!left || !right || (!da && !db)) return undefined;
      if (('float' in left) || ('float' in right)) {
        const p = 'd' in left ? Number(left.d) : f64(left);
        const q = 'd' in right ? Number(right.d) : f64(right);
        return p * q;
      }
      const p = 'd' in left ? left.d : (left as { int: bigint }).int;
      const q = 'd' in right ? right.d : (right as { int: bigint }).int;
      return new ExprDuration(p * q);
    }
    default:
      return undefined;
  }
}

/** Time.Sub saturates at the largest and smallest Duration. */
function saturate(ns: bigint): bigint {
  const max = 2n ** 63n - 1n;
  if (ns > max) return max;
  if (ns < -max - 1n) return -max - 1n;
  return ns;
}

/** runtime.ToFloat64, with its panic text. */
export function toFloat64(value: Value): number {
  const n = num(value);
  if (!n) throw new Fault(`invalid operation: float(${typeName(value)})`);
  return f64(n);
}

/** runtime.ToInt: floats truncate (int(f) on amd64), other integers convert. */
export function toInt(value: Value): bigint {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value >= 2 ** 63 || value < -(2 ** 63)) return -(2n ** 63n);
    return BigInt(Math.trunc(value));
  }
  if (typeof value === 'bigint') return value;
  if (value instanceof GoInt && !value.type.named) return wrapInt(value.value);
  throw new Fault(`invalid operation: int(${typeName(value)})`);
}

export function exponent(a: Value, b: Value): number {
  return goPow(toFloat64(a), toFloat64(b));
}

/** runtime.Negate: keeps the operand's type, wrapping at its width. */
export function negate(value: Value): Value {
  if (typeof value === 'bigint') return wrapInt(-value);
  if (typeof value === 'number') return -value;
  if (value instanceof GoInt && !value.type.named) return makeInt(value.type, -value.value);
  throw new Fault(`invalid operation: - ${typeName(value)}`);
}

/** Go's %v of a key or index inside messages. */
function show(value: Value): string {
  return formatValue(value);
}

/** runtime.Fetch: array index (negative from the end), map key, string byte, method value. */
export function fetch(from: Value, key: Value, charge: Charge): Value {
  if (from === null) throw new Fault(`cannot fetch ${show(key)} from <nil>`);
  if (typeof key === 'string') {
    const type = goTypeOf(from);
    if (type && methodOf(type, key)) return new BoundMethod(from, key, methodOf(type, key)!.type);
  }
  const kind = kindOf(from);
  switch (kind) {
    case 'array':
    case 'bytes':
    case 'string': {
      const items = kind === 'string' ? utf8(from as string) : (from as ArrayLike<Value | number>);
      if (kind === 'string') chargeText(charge, from as string);
      const length = items.length;
      let i = Number(toInt(key));
      if (i < 0) i += length;
      if (i < 0 || i >= length) throw new Fault(`index out of range: ${i} (array length is ${length})`);
      if (kind === 'array') return (items as readonly Value[])[i] ?? null;
      return new GoInt(T.uint8, BigInt(items[i] as number));
    }
    case 'map': {
      if (key === null) return ownValue(from as object, '').value;
      if (typeof key !== 'string') throw new Fault(`reflect.Value.MapIndex: value of type ${typeName(key)} is not assignable to type string`);
      return ownValue(from as object, key).value;
    }
    case 'anymap': {
      const entry = (from as AnyMap).entries.get(mapKey(key));
      return entry ? entry.value : zeroOf((from as AnyMap).type.elem!);
    }
    default:
      throw new Fault(`cannot fetch ${show(key)} from ${typeName(from)}`);
  }
}

/** A method taken from a value (`now().Year`), called by the interpreter. */
export class BoundMethod extends GoFunc {
  constructor(
    readonly receiver: Value,
    readonly method: string,
    type: GoType,
  ) {
    super(type, method);
  }
}

/** The key of a map[interface {}]T entry: Go's == on interface values (1 and 1.0 differ). */
export function mapKey(key: Value, insert = false): string {
  if (key === null) return 'nil';
  if (typeof key === 'number') return Number.isNaN(key) ? `NaN:${Math.random()}` : `f:${Object.is(key, -0) ? 0 : key}`;
  if (typeof key === 'bigint') return `i:${key}`;
  if (typeof key === 'string') return `s:${key}`;
  if (typeof key === 'boolean') return `b:${key}`;
  if (key instanceof GoInt) return `${key.type.name}:${key.value}`;
  if (key instanceof ExprDuration) return `d:${key.ns}`;
  if (key instanceof ExprTime) return `t:${key.ns}:${key.location.name}`;
  throw new Fault(insert ? `hash of unhashable type: ${typeName(key)}` : `runtime error: hash of unhashable type ${typeName(key)}`);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** runtime.Slice: bounds clamp into range; strings slice by byte. */
export function slice(array: Value, from: Value, to: Value, charge: Charge): Value {
  const kind = kindOf(array);
  if (kind !== 'array' && kind !== 'string' && kind !== 'bytes') throw new Fault(`cannot slice ${show(from)}`);
  const items = kind === 'string' ? utf8(array as string) : (array as ArrayLike<unknown>);
  if (kind === 'string') chargeText(charge, array as string);
  const length = items.length;
  let a = Number(toInt(from));
  let b = Number(toInt(to));
  if (a < 0) a = length + a;
  if (a < 0) a = 0;
  if (b < 0) b = length + b;
  if (b < 0) b = 0;
  if (b > length) b = length;
  if (a > b) a = b;
  charge(b - a);
  if (kind === 'array') return typedSlice((array as readonly Value[]).slice(a, b), sliceType(array as readonly Value[]));
  if (kind === 'bytes') return (array as Uint8Array).slice(a, b);
  return fromUtf8((items as Uint8Array).subarray(a, b));
}

/** runtime.Len (OpLen, for `a[i:]`). */
export function length(value: Value): bigint {
  switch (kindOf(value)) {
    case 'array':
      return BigInt((value as readonly Value[]).length);
    case 'bytes':
      return BigInt((value as Uint8Array).length);
    case 'string':
      return BigInt(utf8(value as string).length);
    case 'map':
      return BigInt(Object.keys(value as object).length);
    case 'anymap':
      return BigInt((value as AnyMap).entries.size);
    default:
      throw new Fault(`invalid argument for len (type ${typeName(value)})`);
  }
}

/** runtime.In: an element of an array (by Equal), or a key of a map. */
export function membership(needle: Value, haystack: Value, charge: Charge): boolean {
  if (haystack === null) return false;
  switch (kindOf(haystack)) {
    case 'array': {
      const items = haystack as readonly Value[];
      charge(items.length);
      return items.some((item) => equal(item, needle, charge));
    }
    case 'bytes':
      return [...(haystack as Uint8Array)].some((byte) => equal(new GoInt(T.uint8, BigInt(byte)), needle, charge));
    case 'map':
      if (needle === null) return ownValue(haystack as object, '').found;
      if (typeof needle !== 'string') {
        throw new Fault(`reflect.Value.MapIndex: value of type ${typeName(needle)} is not assignable to type string`);
      }
      return ownValue(haystack as object, needle).found;
    case 'anymap':
      return (haystack as AnyMap).entries.has(mapKey(needle));
    case 'time':
      // A struct: `in` asks for an exported field, and time.Time has none.
      if (typeof needle !== 'string') throw new Fault(`cannot use ${typeName(needle)} as field name of time.Time`);
      return false;
    default:
      throw new Fault(`operator "in" not defined on ${typeName(haystack)}`);
  }
}

/** `from..to`: the ints from `from` to `to` inclusive (runtime.MakeRange). */
export function range(from: Value, to: Value, charge: Charge, memory: (n: number) => void): Value {
  const a = toInt(from);
  const b = toInt(to);
  // Go computes the size in int, so it wraps (int(NaN) is the smallest int on amd64).
  const size = wrapInt(b - a + 1n);
  if (size <= 0n) {
    memory(0);
    return typedSlice([], SLICE.int);
  }
  memory(size > 10n ** 7n ? 10 ** 7 : Number(size));
  charge(Number(size));
  const out: bigint[] = [];
  for (let v = a; v <= b; v++) out.push(v);
  return typedSlice(out, SLICE.int);
}
