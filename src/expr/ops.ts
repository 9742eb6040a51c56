/**
 * Operator semantics, as expr's runtime implements them for values whose types are only known at
 * run time: numbers mix int and float64 (int op int stays int; `/` and `**` always give float64),
 * `==` across different types is false rather than an error, ordering needs two numbers, two
 * strings, two times or two durations.
 */
import { Fault } from './errors.js';
import { compareCodePoints } from './format.js';
import { LIMITS } from './limits.js';
import {
  ExprDuration,
  ExprTime,
  isNumber,
  kindOf,
  ownValue,
  toFloat,
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
export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%' | '**';
export type OrderOperator = '<' | '<=' | '>' | '>=';

export function equal(a: unknown, b: unknown, charge: Charge, depth = 0): boolean {
  if (depth > LIMITS.maxDepth) throw new Fault(`value is nested too deeply (more than ${LIMITS.maxDepth} levels)`);
  if (isNumber(a) && isNumber(b)) {
    return typeof a === 'bigint' && typeof b === 'bigint' ? a === b : toFloat(a) === toFloat(b);
  }
  const kind = kindOf(a);
  if (kind !== kindOf(b)) return false;
  switch (kind) {
    case 'nil':
      return true;
    case 'bool':
      return a === b;
    case 'string':
      chargeText(charge, a as string);
      return a === b;
    case 'time':
      return (a as ExprTime).epochMs === (b as ExprTime).epochMs;
    case 'duration':
      return (a as ExprDuration).nanoseconds === (b as ExprDuration).nanoseconds;
    case 'array': {
      const x = a as readonly unknown[];
      const y = b as readonly unknown[];
      if (x.length !== y.length) return false;
      charge(x.length);
      return x.every((v, i) => equal(v, y[i], charge, depth + 1));
    }
    case 'map':
      // Maps compare with Go's reflect.DeepEqual: same keys, same types (1 and 1.0 differ).
      return deepEqual(a, b, charge, depth);
    case 'int':
    case 'float':
    case 'unsupported':
      return false;
  }
}

function deepEqual(a: unknown, b: unknown, charge: Charge, depth: number): boolean {
  if (depth > LIMITS.maxDepth) throw new Fault(`value is nested too deeply (more than ${LIMITS.maxDepth} levels)`);
  const kind = kindOf(a);
  if (kind !== kindOf(b)) return false;
  switch (kind) {
    case 'array': {
      const x = a as readonly unknown[];
      const y = b as readonly unknown[];
      charge(x.length);
      return x.length === y.length && x.every((v, i) => deepEqual(v, y[i], charge, depth + 1));
    }
    case 'map': {
      const keys = Object.keys(a as object);
      charge(keys.length);
      if (keys.length !== Object.keys(b as object).length) return false;
      return keys.every((k) => {
        const other = ownValue(b as object, k);
        return other.found && deepEqual(ownValue(a as object, k).value, other.value, charge, depth + 1);
      });
    }
    case 'nil':
    case 'bool':
    case 'int':
    case 'float':
    case 'string':
    case 'time':
    case 'duration':
      return equal(a, b, charge, depth);
    case 'unsupported':
      return false;
  }
}

export function order(op: OrderOperator, a: unknown, b: unknown, charge: Charge): boolean {
  let c: number | null = null;
  if (isNumber(a) && isNumber(b)) {
    if (typeof a === 'bigint' && typeof b === 'bigint') c = a < b ? -1 : a > b ? 1 : 0;
    else {
      const x = toFloat(a);
      const y = toFloat(b);
      if (Number.isNaN(x) || Number.isNaN(y)) return false;
      c = x < y ? -1 : x > y ? 1 : 0;
    }
  } else if (typeof a === 'string' && typeof b === 'string') {
    chargeText(charge, a, b);
    c = compareCodePoints(a, b);
  }
  else if (a instanceof ExprTime && b instanceof ExprTime) c = Math.sign(a.epochMs - b.epochMs);
  else if (a instanceof ExprDuration && b instanceof ExprDuration) c = Math.sign(a.nanoseconds - b.nanoseconds);
  if (c === null) throw new Fault(`invalid operation: ${typeName(a)} ${op} ${typeName(b)}`);
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

export function arithmetic(op: ArithmeticOperator, a: unknown, b: unknown, charge: Charge): Value {
  if (isNumber(a) && isNumber(b)) return numeric(op, a, b);
  const result = timeArithmetic(op, a, b);
  if (result !== undefined) return result;
  if (op === '+' && typeof a === 'string' && typeof b === 'string') {
    chargeText(charge, a, b);
    return a + b;
  }
  throw new Fault(`invalid operation: ${typeName(a)} ${op} ${typeName(b)}`);
}

function numeric(op: ArithmeticOperator, a: bigint | number, b: bigint | number): Value {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    switch (op) {
      case '+':
        return wrapInt(a + b);
      case '-':
        return wrapInt(a - b);
      case '*':
        return wrapInt(a * b);
      case '%':
        if (b === 0n) throw new Fault('runtime error: integer divide by zero');
        return a % b;
      case '/':
      case '**':
        break;
    }
  }
  const x = toFloat(a);
  const y = toFloat(b);
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return x / y;
    case '%':
      throw new Fault(`invalid operation: ${typeName(a)} % ${typeName(b)}`);
    case '**':
      return goPow(x, y);
  }
}

/** Go's math.Pow where it differs from IEEE/JavaScript: Pow(1, y) and Pow(-1, ±Inf) are 1. */
function goPow(x: number, y: number): number {
  if (x === 1 || (x === -1 && !Number.isFinite(y) && !Number.isNaN(y))) return 1;
  return x ** y;
}

/** A Duration from float arithmetic on nanoseconds, wrapped to int64 as Go's Duration arithmetic wraps. */
function duration(nanoseconds: number): ExprDuration {
  if (!Number.isFinite(nanoseconds)) throw new Fault('duration out of range');
  if (Math.abs(nanoseconds) <= Number.MAX_SAFE_INTEGER) return new ExprDuration(nanoseconds);
  return new ExprDuration(Number(BigInt.asIntN(64, BigInt(Math.trunc(nanoseconds)))));
}

function timeArithmetic(op: ArithmeticOperator, a: unknown, b: unknown): Value | undefined {
  const ta = a instanceof ExprTime ? a : null;
  const tb = b instanceof ExprTime ? b : null;
  const da = a instanceof ExprDuration ? a : null;
  const db = b instanceof ExprDuration ? b : null;
  switch (op) {
    case '+':
      if (ta && db) return new ExprTime(ta.epochMs + db.nanoseconds / 1e6);
      if (da && tb) return new ExprTime(tb.epochMs + da.nanoseconds / 1e6);
      if (da && db) return duration(da.nanoseconds + db.nanoseconds);
      return undefined;
    case '-':
      if (ta && tb) return duration(Math.round((ta.epochMs - tb.epochMs) * 1e6));
      if (ta && db) return new ExprTime(ta.epochMs - db.nanoseconds / 1e6);
      if (da && db) return duration(da.nanoseconds - db.nanoseconds);
      return undefined;
    case '*':
      // Go: an int times a Duration is a Duration; a float64 times one is a float64 of nanoseconds.
      if (da && db) return duration(da.nanoseconds * db.nanoseconds);
      if (da && typeof b === 'bigint') return duration(da.nanoseconds * Number(b));
      if (db && typeof a === 'bigint') return duration(db.nanoseconds * Number(a));
      if (da && typeof b === 'number') return da.nanoseconds * b;
      if (db && typeof a === 'number') return db.nanoseconds * a;
      return undefined;
    case '/':
    case '%':
    case '**':
      return undefined;
  }
}

export function negate(value: unknown, op: '-' | '+'): Value {
  if (typeof value === 'bigint') return op === '-' ? wrapInt(-value) : value;
  if (typeof value === 'number') return op === '-' ? -value : value;
  throw new Fault(`invalid operation: ${op} ${typeName(value)}`);
}

/** `needle in haystack`: an element of an array (by ==), or a key of a map. */
export function membership(needle: unknown, haystack: unknown, charge: Charge): boolean {
  const kind = kindOf(haystack);
  switch (kind) {
    case 'nil':
      return false;
    case 'array': {
      const items = haystack as readonly unknown[];
      charge(items.length);
      return items.some((item) => equal(item, needle, charge));
    }
    case 'map':
      if (needle === null || needle === undefined) return ownValue(haystack as object, '').found;
      if (typeof needle !== 'string') throw new Fault(`cannot use ${typeName(needle)} as type string in map key`);
      return ownValue(haystack as object, needle).found;
    case 'bool':
    case 'int':
    case 'float':
    case 'string':
    case 'time':
    case 'duration':
    case 'unsupported':
      throw new Fault(`operator "in" not defined on ${typeName(haystack)}`);
  }
}

export function stringTest(op: 'contains' | 'startsWith' | 'endsWith', a: unknown, b: unknown, charge: Charge): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') {
    throw new Fault(`invalid operation: ${op} (mismatched types ${typeName(a)} and ${typeName(b)})`);
  }
  chargeText(charge, a);
  switch (op) {
    case 'contains':
      return a.includes(b);
    case 'startsWith':
      return a.startsWith(b);
    case 'endsWith':
      return a.endsWith(b);
  }
}

/** `from..to`: the ints from `from` to `to` inclusive; empty when `to < from`. */
export function range(from: unknown, to: unknown, charge: Charge): bigint[] {
  if (typeof from !== 'bigint' || typeof to !== 'bigint') {
    throw new Fault(`invalid operation: ${typeName(from)} .. ${typeName(to)}`);
  }
  const size = to - from + 1n;
  if (size <= 0n) return [];
  // Charging before allocating: a range larger than the budget fails without building it.
  charge(size > BigInt(LIMITS.maxSteps) ? LIMITS.maxSteps + 1 : Number(size));
  const out: bigint[] = [];
  for (let v = from; v <= to; v++) out.push(v);
  return out;
}
