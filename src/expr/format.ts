/**
 * Go's fmt %v rendering of values: what expr's `string()` returns and what Argo users see when a
 * value is printed (`1e+06`, `[1 2 3]`, `map[a:1]`, `<nil>`, `5m0s`).
 */
import { Fault } from './errors.js';
import { formatGoDuration } from './go-duration.js';
import { LIMITS } from './limits.js';
import { kindOf, type ExprDuration, type ExprTime } from './values.js';

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
    case 'map': {
      const keys = Object.keys(value as object).sort(compareCodePoints);
      charge(keys.length);
      const record = value as Record<string, unknown>;
      return `map[${keys.map((k) => `${k}:${formatValue(record[k], charge, depth + 1)}`).join(' ')}]`;
    }
    case 'time':
      return formatGoTime(value as ExprTime);
    case 'duration':
      return formatGoDuration((value as ExprDuration).nanoseconds);
    case 'unsupported':
      return `<${typeof value}>`;
  }
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

/** Go's Time.String in UTC: `2023-08-14 00:00:00 +0000 UTC`, fractional seconds when present. */
export function formatGoTime(time: ExprTime): string {
  const ms = Math.floor(time.epochMs);
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) throw new Fault('time out of range');
  const iso = date.toISOString(); // 2023-08-14T00:00:00.000Z
  const nanos = Math.round((time.epochMs - ms) * 1e6) + (ms - Math.floor(ms / 1000) * 1000) * 1e6;
  const frac = nanos === 0 ? '' : `.${String(nanos).padStart(9, '0').replace(/0+$/, '')}`;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac} +0000 UTC`;
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
