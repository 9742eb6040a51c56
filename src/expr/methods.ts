/**
 * Methods of the Go types conditions can hold: time.Time (`now().Hour()`, `date(x).Format(...)`)
 * and time.Duration (`duration("90m").Hours()`), with Go's signatures (the receiver first, as
 * reflect reports them) so the checker types calls as expr does. Methods Go has that are not
 * listed here are reported as missing.
 */
import { Fault } from './errors.js';
import { civilOf, daysFromCivil, formatTime, MONTHS, DAYS, zoneAt } from './go-time.js';
import { formatGoDuration } from './go-duration.js';
import { GoType, T } from './types.js';
import { ExprDuration, ExprTime, GoInt, GoLocation, type Value } from './values.js';

export interface MethodSpec {
  /** func(receiver, params...) results */
  readonly type: GoType;
  call(receiver: Value, args: readonly Value[]): Value;
}

const NS = 1_000_000_000n;
/** Unix seconds of Go's zero Time, January 1, year 1, 00:00:00 UTC. */
const ZERO_TIME_NS = -62135596800n * NS;
const MAX_DURATION = 2n ** 63n - 1n;
const MIN_DURATION = -(2n ** 63n);

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

const t = (v: Value) => v as ExprTime;
const d = (v: Value) => (v as ExprDuration).ns;
const int = (v: number | bigint): Value => BigInt(v);
const i64 = (v: bigint): Value => new GoInt(T.int64, BigInt.asIntN(64, v));

function method(params: GoType[], result: GoType, call: MethodSpec['call']): MethodSpec {
  return { type: GoType.func(params, [result]), call };
}

/** Go's time.Date: normalizes month/day overflow, resolves a wall time in the location. */
function makeDate(year: number, month: number, day: number, hour: number, min: number, sec: number, nsec: bigint, loc: GoLocation): ExprTime {
  const days = daysFromCivil(year, month, 1) + BigInt(day - 1);
  const wall = days * 86400n + BigInt(hour * 3600 + min * 60 + sec);
  const guess = zoneAt(loc, wall).offset;
  const offset = zoneAt(loc, wall - BigInt(guess)).offset;
  return new ExprTime((wall - BigInt(offset)) * NS + nsec, loc);
}

function lessThanHalf(x: bigint, y: bigint): boolean {
  return BigInt.asUintN(64, x) + BigInt.asUintN(64, x) < BigInt.asUintN(64, y);
}

function roundDuration(dur: bigint, m: bigint): bigint {
  if (m <= 0n) return dur;
  let r = dur % m;
  if (dur < 0n) {
    r = -r;
    if (lessThanHalf(r, m)) return dur + r;
    const d1 = dur - m + r;
    return d1 < dur ? d1 : MIN_DURATION;
  }
  if (lessThanHalf(r, m)) return dur - r;
  const d1 = dur + m - r;
  return d1 > dur ? d1 : MAX_DURATION;
}

function durationFloat(dur: bigint, unit: bigint): number {
  const whole = dur / unit;
  const rest = dur % unit;
  return Number(whole) + Number(rest) / Number(unit);
}

const TIME_METHODS = new Map<string, MethodSpec>([
  ['Add', method([T.time, T.duration], T.time, (r, [x]) => new ExprTime(t(r).ns + d(x!), t(r).location))],
  [
    'AddDate',
    method([T.time, T.int, T.int, T.int], T.time, (r, [y, m, dd]) => {
      const c = civilOf(t(r));
      const nsec = BigInt(c.nanosecond);
      return makeDate(c.year + Number(y), c.month + Number(m), c.day + Number(dd), c.hour, c.minute, c.second, nsec, t(r).location);
    }),
  ],
  ['After', method([T.time, T.time], T.bool, (r, [x]) => t(r).ns > t(x!).ns)],
  ['Before', method([T.time, T.time], T.bool, (r, [x]) => t(r).ns < t(x!).ns)],
  ['Equal', method([T.time, T.time], T.bool, (r, [x]) => t(r).ns === t(x!).ns)],
  ['Compare', method([T.time, T.time], T.int, (r, [x]) => int(t(r).ns < t(x!).ns ? -1 : t(r).ns > t(x!).ns ? 1 : 0))],
  ['Year', method([T.time], T.int, (r) => int(civilOf(t(r)).year))],
  ['Month', method([T.time], T.month, (r) => new GoInt(T.month, BigInt(civilOf(t(r)).month)))],
  ['Day', method([T.time], T.int, (r) => int(civilOf(t(r)).day))],
  ['Weekday', method([T.time], T.weekday, (r) => new GoInt(T.weekday, BigInt(civilOf(t(r)).weekday)))],
  ['YearDay', method([T.time], T.int, (r) => int(civilOf(t(r)).yday))],
  ['Hour', method([T.time], T.int, (r) => int(civilOf(t(r)).hour))],
  ['Minute', method([T.time], T.int, (r) => int(civilOf(t(r)).minute))],
  ['Second', method([T.time], T.int, (r) => int(civilOf(t(r)).second))],
  ['Nanosecond', method([T.time], T.int, (r) => int(civilOf(t(r)).nanosecond))],
  ['Format', method([T.time, T.string], T.string, (r, [layout]) => formatTime(t(r), layout as string))],
  ['String', method([T.time], T.string, (r) => formatTime(t(r), '2006-01-02 15:04:05.999999999 -0700 MST'))],
  ['IsZero', method([T.time], T.bool, (r) => t(r).ns === ZERO_TIME_NS)],
  ['Sub', method([T.time, T.time], T.duration, (r, [x]) => {
    const diff = t(r).ns - t(x!).ns;
    return new ExprDuration(diff > MAX_DURATION ? MAX_DURATION : diff < MIN_DURATION ? MIN_DURATION : diff);
  })],
  ['UTC', method([T.time], T.time, (r) => new ExprTime(t(r).ns, GoLocation.UTC))],
  ['Local', method([T.time], T.time, (r) => new ExprTime(t(r).ns, new GoLocation('Local', 0)))],
  [
    'In',
    method([T.time, T.location], T.time, (r, [loc]) => {
      if (loc === null) throw new Fault('time: missing Location in call to Time.In');
      return new ExprTime(t(r).ns, loc as GoLocation);
    }),
  ],
  ['Location', method([T.time], T.location, (r) => t(r).location)],
  ['Unix', method([T.time], T.int64, (r) => i64(floorDiv(t(r).ns, NS)))],
  ['UnixMilli', method([T.time], T.int64, (r) => i64(floorDiv(t(r).ns, 1_000_000n)))],
  ['UnixMicro', method([T.time], T.int64, (r) => i64(floorDiv(t(r).ns, 1_000n)))],
  ['UnixNano', method([T.time], T.int64, (r) => i64(t(r).ns))],
  [
    'Truncate',
    method([T.time, T.duration], T.time, (r, [x]) => {
      const m = d(x!);
      if (m <= 0n) return r;
      const rem = (((t(r).ns - ZERO_TIME_NS) % m) + m) % m;
      return new ExprTime(t(r).ns - rem, t(r).location);
    }),
  ],
  [
    'Round',
    method([T.time, T.duration], T.time, (r, [x]) => {
      const m = d(x!);
      if (m <= 0n) return r;
      const rem = (((t(r).ns - ZERO_TIME_NS) % m) + m) % m;
      return new ExprTime(lessThanHalf(rem, m) ? t(r).ns - rem : t(r).ns + (m - rem), t(r).location);
    }),
  ],
]);

const DURATION_METHODS = new Map<string, MethodSpec>([
  ['Hours', method([T.duration], T.float64, (r) => durationFloat(d(r), 3600n * NS))],
  ['Minutes', method([T.duration], T.float64, (r) => durationFloat(d(r), 60n * NS))],
  ['Seconds', method([T.duration], T.float64, (r) => durationFloat(d(r), NS))],
  ['Milliseconds', method([T.duration], T.int64, (r) => i64(d(r) / 1_000_000n))],
  ['Microseconds', method([T.duration], T.int64, (r) => i64(d(r) / 1_000n))],
  ['Nanoseconds', method([T.duration], T.int64, (r) => i64(d(r)))],
  ['String', method([T.duration], T.string, (r) => formatGoDuration(d(r)))],
  ['Round', method([T.duration, T.duration], T.duration, (r, [m]) => new ExprDuration(roundDuration(d(r), d(m!))))],
  ['Truncate', method([T.duration, T.duration], T.duration, (r, [m]) => new ExprDuration(d(m!) <= 0n ? d(r) : d(r) - (d(r) % d(m!))))],
  ['Abs', method([T.duration], T.duration, (r) => new ExprDuration(d(r) >= 0n ? d(r) : d(r) === MIN_DURATION ? MAX_DURATION : -d(r)))],
]);

const MONTH_METHODS = new Map<string, MethodSpec>([
  ['String', method([T.month], T.string, (r) => MONTHS[Number((r as GoInt).value) - 1] ?? `%!Month(${(r as GoInt).value})`)],
]);

const WEEKDAY_METHODS = new Map<string, MethodSpec>([
  ['String', method([T.weekday], T.string, (r) => DAYS[Number((r as GoInt).value)] ?? `%!Weekday(${(r as GoInt).value})`)],
]);

const LOCATION_METHODS = new Map<string, MethodSpec>([
  ['String', method([T.location], T.string, (r) => (r as GoLocation).name)],
]);

/** The method `name` of values of type `type`, if Go has it and canary implements it. */
export function methodOf(type: GoType, name: string): MethodSpec | undefined {
  if (type === T.time) return TIME_METHODS.get(name);
  if (type === T.duration) return DURATION_METHODS.get(name);
  if (type === T.month) return MONTH_METHODS.get(name);
  if (type === T.weekday) return WEEKDAY_METHODS.get(name);
  if (type === T.location) return LOCATION_METHODS.get(name);
  return undefined;
}
