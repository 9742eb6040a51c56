/**
 * Go's fmt %v rendering of values: what expr's `string()` returns, what its messages embed, and
 * what Argo users see when a value is printed (`1e+06`, `[1 2 3]`, `map[a:1]`, `<nil>`, `5m0s`).
 */
import { Fault } from './errors.js';
import { formatGoDuration } from './go-duration.js';
import { DAYS, MONTHS, timeString } from './go-time.js';
import { LIMITS } from './limits.js';
import { T } from './types.js';
import { AnyMap, ExprDuration, ExprTime, GoFunc, GoInt, GoLocation, kindOf, type Value } from './values.js';

/** `charge` is called once per element printed, so printing a huge value uses the step budget. */
export function formatValue(value: unknown, charge: (n: number) => void = () => {}, depth = 0): string {
  if (depth > LIMITS.maxDepth) throw new Fault(`value is nested too deeply (more than ${LIMITS.maxDepth} levels)`);
  const kind = kindOf(value);
  switch (kind) {
    case 'nil':
      return '<nil>';
    case 'bool':
    case 'int':
      return String(value);
    case 'goint': {
      const v = value as GoInt;
      if (v.type === T.month) return v.value >= 1n && v.value <= 12n ? MONTHS[Number(v.value) - 1]! : `%!Month(${v.value})`;
      if (v.type === T.weekday) return v.value >= 0n && v.value <= 6n ? DAYS[Number(v.value)]! : `%!Weekday(${v.value})`;
      return String(v.value);
    }
    case 'string':
      charge(Math.ceil((value as string).length / LIMITS.charsPerStep));
      return value as string;
    case 'float':
      return formatGoFloat(value as number);
    case 'array': {
      const items = value as readonly unknown[];
      charge(items.length);
      return `[${items.map((v) => formatValue(v, charge, depth + 1)).join(' ')}]`;
    }
    case 'bytes':
      return `[${[...(value as Uint8Array)].join(' ')}]`;
    case 'map': {
      const keys = Object.keys(value as object).sort(compareCodePoints);
      charge(keys.length);
      const record = value as Record<string, unknown>;
      return `map[${keys.map((k) => `${k}:${formatValue(record[k], charge, depth + 1)}`).join(' ')}]`;
    }
    case 'anymap': {
      const entries = [...(value as AnyMap).entries.values()].sort((a, b) => compareKeys(a.key, b.key));
      charge(entries.length);
      return `map[${entries.map((e) => `${formatValue(e.key, charge, depth + 1)}:${formatValue(e.value, charge, depth + 1)}`).join(' ')}]`;
    }
    case 'time':
      return timeString(value as ExprTime);
    case 'duration':
      return formatGoDuration((value as ExprDuration).ns);
    case 'location':
      return (value as GoLocation).name;
    case 'func':
      return `func ${(value as GoFunc).name}`;
    case 'unsupported':
      return `<${typeof value}>`;
  }
}

/** fmtsort's order of map keys: numbers numerically (NaN first), strings bytewise, false < true. */
function compareKeys(a: Value, b: Value): number {
  const rank = (v: Value) => (typeof v === 'bigint' || v instanceof GoInt ? 0 : typeof v === 'number' ? 1 : typeof v === 'string' ? 2 : typeof v === 'boolean' ? 3 : 4);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
    if (Number.isNaN(b)) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (ra === 0) {
    const x = typeof a === 'bigint' ? a : (a as GoInt).value;
    const y = typeof b === 'bigint' ? b : (b as GoInt).value;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return 0;
}

/** strconv.FormatFloat(f, 'g', -1, 64) as fmt's %v uses it: shortest digits, exponent form when
 * the exponent is below -4 or at least 6 (so 1e6 prints as `1e+06`, 123456 as `123456`). */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const sign = value < 0 ? '-' : '';
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const abs = Math.abs(exponent);
    const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${head}e${exponent < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const frac = digits.slice(exponent + 1);
  return `${sign}${whole}${frac ? `.${frac}` : ''}`;
}

/** Go compares strings bytewise in UTF-8, which orders like code points (not UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const x = a[Symbol.iterator]();
  const y = b[Symbol.iterator]();
  for (;;) {
    const p = x.next();
    const q = y.next();
    if (p.done) return q.done ? 0 : -1;
    if (q.done) return 1;
    const d = p.value.codePointAt(0)! - q.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}
