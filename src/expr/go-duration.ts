/**
 * Go's time.ParseDuration and Duration.String, which expr's `duration()` and `string()` use.
 * (src/util/duration.ts is the manifest reader's variant: it also accepts bare seconds.)
 */
// A Map, not an object literal: a unit spelled "constructor" must not find Object.prototype's.
const UNIT_NS = new Map<string, bigint>([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n],
  ['μs', 1_000n],
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const MAX_NS = 2n ** 63n;

export type DurationParse = { ok: true; nanoseconds: number; ns: bigint } | { ok: false; message: string };

export function parseGoDuration(input: string): DurationParse {
  const quoted = JSON.stringify(input);
  const invalid: DurationParse = { ok: false, message: `time: invalid duration ${quoted}` };
  let rest = input;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return { ok: true, nanoseconds: 0, ns: 0n };
  if (rest === '') return invalid;
  let total = 0n;
  while (rest !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest)!;
    const whole = number[1]!;
    const fraction = number[2];
    if (whole === '' && !fraction) return invalid;
    rest = rest.slice(number[0].length);
    const unitText = /^[^\d.]*/.exec(rest)![0];
    if (unitText === '') return { ok: false, message: `time: missing unit in duration ${quoted}` };
    rest = rest.slice(unitText.length);
    const unit = UNIT_NS.get(unitText);
    if (unit === undefined) {
      return { ok: false, message: `time: unknown unit ${JSON.stringify(unitText)} in duration ${quoted}` };
    }
    let ns = BigInt(whole || '0') * unit;
    if (fraction) ns += fractionOf(fraction, unit);
    total += ns;
    if (total > MAX_NS || (total === MAX_NS && !negative)) return invalid;
  }
  const ns = BigInt.asIntN(64, negative ? -total : total);
  return { ok: true, nanoseconds: Number(ns), ns };
}

/** Go computes the fractional part in float64 from at most ~18 digits; so does this, for equal results
 * ("0.3333333333333333333h" is exactly 20m in Go). */
function fractionOf(digits: string, unit: bigint): bigint {
  let value = 0n;
  let scale = 1;
  for (const d of digits) {
    const next = value * 10n + BigInt(d);
    if (next > MAX_NS - 1n) break;
    value = next;
    scale *= 10;
  }
  return BigInt(Math.trunc(Number(value) * (Number(unit) / scale)));
}

/** Go's Duration.String: "1h0m0s", "1m30s", "1.5s", "300ms", "0s". */
export function formatGoDuration(nanoseconds: number | bigint): string {
  const ns = typeof nanoseconds === 'bigint' ? nanoseconds : BigInt(Math.trunc(nanoseconds));
  const negative = ns < 0n;
  const u = negative ? -ns : ns;
  const sign = negative ? '-' : '';
  if (u === 0n) return '0s';
  if (u < 1_000_000_000n) {
    if (u < 1_000n) return `${sign}${u}ns`;
    if (u < 1_000_000n) return `${sign}${fraction(u, 3)}µs`;
    return `${sign}${fraction(u, 6)}ms`;
  }
  const seconds = u / 1_000_000_000n;
  const secondsText = `${fraction(u % 60_000_000_000n, 9)}s`;
  const minutes = seconds / 60n;
  if (minutes === 0n) return `${sign}${secondsText}`;
  const hours = minutes / 60n;
  if (hours === 0n) return `${sign}${minutes}m${secondsText}`;
  return `${sign}${hours}h${minutes % 60n}m${secondsText}`;
}

/** `value / 10^digits` printed without trailing zeros (and without a point when whole). */
function fraction(value: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const whole = value / scale;
  const frac = (value % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}
