/**
 * Go's time package as expr's date(), now(), timezone() and the time and duration methods use it:
 * civil dates from Unix nanoseconds, zone offsets (UTC, fixed offsets, IANA zones through Intl),
 * Time.String, Time.Format and time.Parse with Go's reference layouts ("2006-01-02 15:04:05").
 */
import { ExprTime, GoLocation } from './values.js';

const NS_PER_SECOND = 1_000_000_000n;
const DAY_SECONDS = 86_400n;

export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Days since 1970-01-01 -> proleptic Gregorian year, month (1-12), day. */
export function civil(days: bigint): { year: number; month: number; day: number } {
  const z = days + 719468n;
  const era = floorDiv(z, 146097n);
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  const y = yoe + era * 400n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const d = doy - (153n * mp + 2n) / 5n + 1n;
  const m = mp < 10n ? mp + 3n : mp - 9n;
  return { year: Number(m <= 2n ? y + 1n : y), month: Number(m), day: Number(d) };
}

/** Proleptic Gregorian date -> days since 1970-01-01 (month may overflow, as in time.Date). */
export function daysFromCivil(year: number, month: number, day: number): bigint {
  let y = BigInt(year) + BigInt(Math.floor((month - 1) / 12));
  const m = BigInt(((((month - 1) % 12) + 12) % 12) + 1);
  if (m <= 2n) y -= 1n;
  const era = floorDiv(y, 400n);
  const yoe = y - era * 400n;
  const mp = m > 2n ? m - 3n : m + 9n;
  const doy = (153n * mp + 2n) / 5n + BigInt(day) - 1n;
  const doe = yoe * 365n + yoe / 4n - yoe / 100n + doy;
  return era * 146097n + doe - 719468n;
}

/** The zone abbreviation and offset (seconds east of UTC) in force at `unixSeconds`. */
export function zoneAt(location: GoLocation, unixSeconds: bigint): { name: string; offset: number } {
  if (location.fixedOffset !== null) {
    return { name: location.name === '' ? offsetDigits(location.fixedOffset) : location.name, offset: location.fixedOffset };
  }
  const ms = Number(unixSeconds) * 1000;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: location.name,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    era: 'short',
  }).formatToParts(new Date(Number.isFinite(ms) ? ms : 0));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  let year = get('year');
  if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
  const local = daysFromCivil(year, get('month'), get('day')) * DAY_SECONDS + BigInt(get('hour') * 3600 + get('minute') * 60 + get('second'));
  const offset = Number(local - BigInt(Math.floor(ms / 1000)));
  return { name: abbreviation(location.name, offset), offset };
}

/** Time.Format's "MST" for a zone without a name: the -0700 form. */
function offsetDigits(offset: number): string {
  const abs = Math.abs(offset);
  return `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 3600), 2)}${pad(Math.floor((abs % 3600) / 60), 2)}`;
}

/** Go prints zones without an abbreviation in tzdata as their offset ("+03"). */
function formatOffsetName(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  return `${sign}${String(h).padStart(2, '0')}${m ? String(m).padStart(2, '0') : ''}`;
}

// Abbreviations tzdata gives for common zones; others print as their offset, as Go does for
// zones whose tzdata entry has no abbreviation.
const ABBREVIATIONS: Record<string, Record<number, string>> = {
  UTC: { 0: 'UTC' },
  'Etc/UTC': { 0: 'UTC' },
  GMT: { 0: 'GMT' },
  'Europe/London': { 0: 'GMT', 3600: 'BST' },
  'Europe/Dublin': { 0: 'GMT', 3600: 'IST' },
  'Europe/Berlin': { 3600: 'CET', 7200: 'CEST' },
  'Europe/Paris': { 3600: 'CET', 7200: 'CEST' },
  'Europe/Amsterdam': { 3600: 'CET', 7200: 'CEST' },
  'Europe/Madrid': { 3600: 'CET', 7200: 'CEST' },
  'Europe/Rome': { 3600: 'CET', 7200: 'CEST' },
  'Europe/Zurich': { 3600: 'CET', 7200: 'CEST' },
  'Europe/Vienna': { 3600: 'CET', 7200: 'CEST' },
  'Europe/Warsaw': { 3600: 'CET', 7200: 'CEST' },
  'Europe/Stockholm': { 3600: 'CET', 7200: 'CEST' },
  'Europe/Helsinki': { 7200: 'EET', 10800: 'EEST' },
  'Europe/Kiev': { 7200: 'EET', 10800: 'EEST' },
  'Europe/Athens': { 7200: 'EET', 10800: 'EEST' },
  'Europe/Moscow': { 10800: 'MSK' },
  'America/New_York': { [-18000]: 'EST', [-14400]: 'EDT' },
  'America/Chicago': { [-21600]: 'CST', [-18000]: 'CDT' },
  'America/Denver': { [-25200]: 'MST', [-21600]: 'MDT' },
  'America/Phoenix': { [-25200]: 'MST' },
  'America/Los_Angeles': { [-28800]: 'PST', [-25200]: 'PDT' },
  'Asia/Tokyo': { 32400: 'JST' },
  'Asia/Kolkata': { 19800: 'IST' },
  'Asia/Shanghai': { 28800: 'CST' },
  'Asia/Hong_Kong': { 28800: 'HKT' },
  'Australia/Sydney': { 36000: 'AEST', 39600: 'AEDT' },
};

function abbreviation(zone: string, offset: number): string {
  return ABBREVIATIONS[zone]?.[offset] ?? formatOffsetName(offset);
}

/** Go's time.LoadLocation: "" and "UTC" are UTC, "Local" is this process's zone (UTC here, as in
 * a container), otherwise an IANA name. */
export function loadLocation(name: string): GoLocation | string {
  if (name === '' || name === 'UTC') return GoLocation.UTC;
  if (name === 'Local') return new GoLocation('Local', 0);
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return `unknown time zone ${name}`;
  }
  if (!/^[A-Za-z0-9_+\-/]+$/.test(name)) return `unknown time zone ${name}`;
  return new GoLocation(name, null);
}

export interface Civil {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  weekday: number;
  yday: number;
  zone: string;
  offset: number;
}

export function civilOf(time: ExprTime): Civil {
  const seconds = floorDiv(time.ns, NS_PER_SECOND);
  const nanosecond = Number(time.ns - seconds * NS_PER_SECOND);
  const { name, offset } = zoneAt(time.location, seconds);
  const local = seconds + BigInt(offset);
  const days = floorDiv(local, DAY_SECONDS);
  const secs = Number(local - days * DAY_SECONDS);
  const { year, month, day } = civil(days);
  const weekday = Number(((days % 7n) + 11n) % 7n);
  const yday = Number(days - daysFromCivil(year, 1, 1)) + 1;
  return {
    year,
    month,
    day,
    hour: Math.floor(secs / 3600),
    minute: Math.floor((secs % 3600) / 60),
    second: secs % 60,
    nanosecond,
    weekday,
    yday,
    zone: name,
    offset,
  };
}

const pad = (n: number, width: number) => (n < 0 ? '-' + String(-n).padStart(width, '0') : String(n).padStart(width, '0'));

/** Go's Time.String: "2006-01-02 15:04:05.999999999 -0700 MST". */
export function timeString(time: ExprTime): string {
  return formatTime(time, '2006-01-02 15:04:05.999999999 -0700 MST');
}

type Chunk = { std: string } | { text: string };

// Longest first, as Go's nextStdChunk tries them.
const STD = [
  'January', 'Jan', 'Monday', 'Mon', 'MST', '2006', '-070000', '-07:00:00', '-0700', '-07:00', '-07',
  'Z070000', 'Z07:00:00', 'Z0700', 'Z07:00', 'Z07', '01', '02', '03', '04', '05', '06', '002', '__2', '_2', '15',
  '1', '2', '3', '4', '5', 'PM', 'pm',
];

/** Splits a Go layout into reference elements and literal text, as time.nextStdChunk does. */
export function layoutChunks(layout: string): Chunk[] {
  const out: Chunk[] = [];
  let text = '';
  let i = 0;
  const flush = () => {
    if (text) out.push({ text });
    text = '';
  };
  while (i < layout.length) {
    const rest = layout.slice(i);
    let std: string | null = null;
    if (rest.startsWith('Jan')) std = rest.startsWith('January') ? 'January' : 'Jan';
    else if (rest.startsWith('Mon')) std = rest.startsWith('Monday') ? 'Monday' : 'Mon';
    else if (rest.startsWith('MST')) std = 'MST';
    else if (rest.startsWith('01')) std = '01';
    else if (rest.startsWith('02')) std = '02';
    else if (rest.startsWith('03')) std = '03';
    else if (rest.startsWith('04')) std = '04';
    else if (rest.startsWith('05')) std = '05';
    else if (rest.startsWith('06')) std = '06';
    else if (rest.startsWith('002')) std = '002';
    else if (rest.startsWith('15')) std = '15';
    else if (rest.startsWith('2006')) std = '2006';
    else if (rest.startsWith('__2')) std = '__2';
    else if (rest.startsWith('_2')) std = '_2';
    else if (/^[.,](0+|9+)/.test(rest) && !/\d/.test(layout[i + /^[.,](0+|9+)/.exec(rest)![0].length] ?? '')) {
      std = /^[.,](0+|9+)/.exec(rest)![0];
    } else if (rest.startsWith('1')) std = '1';
    else if (rest.startsWith('2')) std = '2';
    else if (rest.startsWith('3')) std = '3';
    else if (rest.startsWith('4')) std = '4';
    else if (rest.startsWith('5')) std = '5';
    else if (rest.startsWith('PM')) std = 'PM';
    else if (rest.startsWith('pm')) std = 'pm';
    else if (rest[0] === '-' || rest[0] === 'Z') {
      std = STD.find((s) => (s[0] === '-' || s[0] === 'Z') && rest.startsWith(s)) ?? null;
    }
    if (std) {
      flush();
      out.push({ std });
      i += std.length;
    } else {
      text += layout[i];
      i += 1;
    }
  }
  flush();
  return out;
}

/** Go's Time.Format. */
export function formatTime(time: ExprTime, layout: string): string {
  const c = civilOf(time);
  let out = '';
  for (const chunk of layoutChunks(layout)) {
    if ('text' in chunk) {
      out += chunk.text;
      continue;
    }
    const std = chunk.std;
    const hour12 = c.hour % 12 === 0 ? 12 : c.hour % 12;
    switch (std) {
      case 'January':
        out += MONTHS[c.month - 1];
        break;
      case 'Jan':
        out += MONTHS[c.month - 1]!.slice(0, 3);
        break;
      case 'Monday':
        out += DAYS[c.weekday];
        break;
      case 'Mon':
        out += DAYS[c.weekday]!.slice(0, 3);
        break;
      case 'MST':
        out += c.zone;
        break;
      case '2006':
        out += c.year >= 0 && c.year < 10000 ? pad(c.year, 4) : String(c.year);
        break;
      case '06':
        out += pad(((c.year % 100) + 100) % 100, 2);
        break;
      case '01':
        out += pad(c.month, 2);
        break;
      case '1':
        out += c.month;
        break;
      case '02':
        out += pad(c.day, 2);
        break;
      case '_2':
        out += String(c.day).padStart(2, ' ');
        break;
      case '2':
        out += c.day;
        break;
      case '002':
        out += pad(c.yday, 3);
        break;
      case '__2':
        out += String(c.yday).padStart(3, ' ');
        break;
      case '15':
        out += pad(c.hour, 2);
        break;
      case '03':
        out += pad(hour12, 2);
        break;
      case '3':
        out += hour12;
        break;
      case '04':
        out += pad(c.minute, 2);
        break;
      case '4':
        out += c.minute;
        break;
      case '05':
        out += pad(c.second, 2);
        break;
      case '5':
        out += c.second;
        break;
      case 'PM':
        out += c.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += c.hour >= 12 ? 'pm' : 'am';
        break;
      default:
        if (std[0] === '.' || std[0] === ',') {
          const digits = std.length - 1;
          let frac = String(c.nanosecond).padStart(9, '0').slice(0, digits);
          if (std[1] === '9') {
            frac = frac.replace(/0+$/, '');
            if (frac) out += std[0] + frac;
          } else out += std[0] + frac;
        } else out += formatZone(std, c.offset);
    }
  }
  return out;
}

function formatZone(std: string, offset: number): string {
  if (std[0] === 'Z' && offset === 0) return 'Z';
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const h = pad(Math.floor(abs / 3600), 2);
  const m = pad(Math.floor((abs % 3600) / 60), 2);
  const s = pad(abs % 60, 2);
  const body = std.replace(/^[-Z]/, '');
  switch (body) {
    case '07':
      return `${sign}${h}`;
    case '0700':
      return `${sign}${h}${m}`;
    case '07:00':
      return `${sign}${h}:${m}`;
    case '070000':
      return `${sign}${h}${m}${s}`;
    default:
      return `${sign}${h}:${m}:${s}`;
  }
}

/** Go's time.Parse / ParseInLocation; returns the time or Go's error text. */
export function parseTime(layout: string, value: string, location: GoLocation): ExprTime | string {
  const original = value;
  const quote = (s: string) => JSON.stringify(s);
  const fail = (elem: string, rest: string, extra = '') =>
    `parsing time ${quote(original)} as ${quote(layout)}: cannot parse ${quote(rest)} as ${quote(elem)}${extra}`;
  let year = 1;
  let month = 1;
  let day = 1;
  let yday = -1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let nanos = 0;
  let pm: boolean | null = null;
  let zoneOffset: number | null = null;
  let zoneName: string | null = null;
  let isoUtc = false;
  let rest = value;
  const chunks = layoutChunks(layout);
  for (let ci = 0; ci < chunks.length; ci++) {
    const chunk = chunks[ci]!;
    if ('text' in chunk) {
      const skipped = skip(rest, chunk.text);
      if (skipped === null) return fail(chunk.text, rest);
      rest = skipped;
      continue;
    }
    const std = chunk.std;
    const num = (min: number, max: number): number | null => {
      const m = new RegExp(`^\\d{${min},${max}}`).exec(rest);
      if (!m) return null;
      rest = rest.slice(m[0].length);
      return Number(m[0]);
    };
    const before = rest;
    let ok = true;
    switch (std) {
      case '2006': {
        const m = /^\d{4}/.exec(rest);
        if (!m) ok = false;
        else {
          year = Number(m[0]);
          rest = rest.slice(4);
        }
        break;
      }
      case '06': {
        const v = num(2, 2);
        if (v === null) ok = false;
        else year = v >= 69 ? 1900 + v : 2000 + v;
        break;
      }
      case 'January':
      case 'Jan': {
        const names = std === 'January' ? MONTHS : MONTHS.map((n) => n.slice(0, 3));
        const i = names.findIndex((n) => rest.toLowerCase().startsWith(n.toLowerCase()));
        if (i < 0) ok = false;
        else {
          month = i + 1;
          rest = rest.slice(names[i]!.length);
        }
        break;
      }
      case 'Monday':
      case 'Mon': {
        const names = std === 'Monday' ? DAYS : DAYS.map((n) => n.slice(0, 3));
        const i = names.findIndex((n) => rest.toLowerCase().startsWith(n.toLowerCase()));
        if (i < 0) ok = false;
        else rest = rest.slice(names[i]!.length);
        break;
      }
      case '01':
      case '1': {
        const v = std === '01' ? num(2, 2) : num(1, 2);
        if (v === null || v < 1 || v > 12) {
          if (v !== null) return `parsing time ${quote(original)}: month out of range`;
          ok = false;
        } else month = v;
        break;
      }
      case '02':
      case '2':
      case '_2': {
        if (std === '_2' && rest[0] === ' ') rest = rest.slice(1);
        const v = std === '02' ? num(2, 2) : num(1, 2);
        if (v === null) ok = false;
        else day = v;
        break;
      }
      case '002':
      case '__2': {
        if (std === '__2') rest = rest.replace(/^ {1,2}/, '');
        const v = std === '002' ? num(3, 3) : num(1, 3);
        if (v === null || v < 1 || v > 366) {
          if (v !== null) return `parsing time ${quote(original)}: day-of-year out of range`;
          ok = false;
        } else yday = v;
        break;
      }
      case '15': {
        const v = num(1, 2);
        if (v === null || v > 23) {
          if (v !== null) return `parsing time ${quote(original)}: hour out of range`;
          ok = false;
        } else hour = v;
        break;
      }
      case '03':
      case '3': {
        const v = std === '03' ? num(2, 2) : num(1, 2);
        if (v === null || v > 12) {
          if (v !== null) return `parsing time ${quote(original)}: hour out of range`;
          ok = false;
        } else hour = v;
        break;
      }
      case '04':
      case '4': {
        const v = std === '04' ? num(2, 2) : num(1, 2);
        if (v === null || v > 59) {
          if (v !== null) return `parsing time ${quote(original)}: minute out of range`;
          ok = false;
        } else minute = v;
        break;
      }
      case '05':
      case '5': {
        const v = std === '05' ? num(2, 2) : num(1, 2);
        if (v === null || v > 59) {
          if (v !== null) return `parsing time ${quote(original)}: second out of range`;
          ok = false;
        } else {
          second = v;
          // Fractional seconds after seconds are accepted even when the layout has none.
          const next = chunks[ci + 1];
          const nextIsFraction = next && 'std' in next && (next.std[0] === '.' || next.std[0] === ',');
          const m = /^[.,](\d+)/.exec(rest);
          if (m && !nextIsFraction) {
            nanos = Number(m[1]!.slice(0, 9).padEnd(9, '0'));
            rest = rest.slice(m[0].length);
          }
        }
        break;
      }
      case 'PM':
      case 'pm': {
        const v = rest.slice(0, 2);
        if (v.toUpperCase() === 'PM') pm = true;
        else if (v.toUpperCase() === 'AM') pm = false;
        else ok = false;
        if (ok) rest = rest.slice(2);
        break;
      }
      case 'MST': {
        const m = /^(UTC|GMT[+-]\d{1,2}|GMT|[A-Z]{3,5})/.exec(rest);
        if (!m) ok = false;
        else {
          zoneName = m[0];
          rest = rest.slice(m[0].length);
        }
        break;
      }
      default:
        if (std[0] === '.' || std[0] === ',') {
          const m = /^[.,](\d+)/.exec(rest);
          if (std[1] === '0') {
            if (!m || m[1]!.length < std.length - 1) ok = false;
            else {
              const digits = m[1]!.slice(0, std.length - 1);
              nanos = Number(digits.padEnd(9, '0').slice(0, 9));
              rest = rest.slice(1 + digits.length);
            }
          } else if (m) {
            nanos = Number(m[1]!.slice(0, 9).padEnd(9, '0'));
            rest = rest.slice(m[0].length);
          }
        } else {
          // Zone offsets.
          if (std[0] === 'Z' && rest[0] === 'Z') {
            rest = rest.slice(1);
            zoneOffset = 0;
            isoUtc = true;
            break;
          }
          const body = std.replace(/^[-Z]/, '');
          const pattern =
            body === '07' ? /^([+-])(\d\d)/ : body === '0700' ? /^([+-])(\d\d)(\d\d)/ : body === '07:00' ? /^([+-])(\d\d):(\d\d)/ : body === '070000' ? /^([+-])(\d\d)(\d\d)(\d\d)/ : /^([+-])(\d\d):(\d\d):(\d\d)/;
          const m = pattern.exec(rest);
          if (!m) ok = false;
          else {
            const sec = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
            zoneOffset = m[1] === '-' ? -sec : sec;
            rest = rest.slice(m[0].length);
          }
        }
    }
    if (!ok) return fail(std, before);
  }
  if (rest !== '') return `parsing time ${quote(original)}: extra text: ${quote(rest)}`;
  if (pm === true && hour < 12) hour += 12;
  else if (pm === false && hour === 12) hour = 0;
  if (yday >= 0) {
    const d = daysFromCivil(year, 1, 1) + BigInt(yday - 1);
    const c = civil(d);
    month = c.month;
    day = c.day;
  }
  const days = daysFromCivil(year, month, day);
  if (civil(days).day !== day || civil(days).month !== month) return `parsing time ${quote(original)}: day out of range`;
  const localSeconds = days * DAY_SECONDS + BigInt(hour * 3600 + minute * 60 + second);
  const nanosBig = BigInt(nanos);
  if (zoneOffset !== null) {
    const ns = (localSeconds - BigInt(zoneOffset)) * NS_PER_SECOND + nanosBig;
    if (isoUtc) return new ExprTime(ns, GoLocation.UTC);
    const here = zoneAt(location, localSeconds - BigInt(zoneOffset));
    if (here.offset === zoneOffset && (zoneName === null || here.name === zoneName)) return new ExprTime(ns, location);
    return new ExprTime(ns, new GoLocation(zoneName ?? '', zoneOffset));
  }
  if (zoneName !== null) {
    if (zoneName === 'UTC' || zoneName === 'GMT') return new ExprTime(localSeconds * NS_PER_SECOND + nanosBig, zoneName === 'UTC' ? GoLocation.UTC : new GoLocation('GMT', 0));
    // An abbreviation Go cannot place: a fabricated zone with that name and offset 0.
    return new ExprTime(localSeconds * NS_PER_SECOND + nanosBig, new GoLocation(zoneName, 0));
  }
  if (location.fixedOffset !== null) {
    return new ExprTime((localSeconds - BigInt(location.fixedOffset)) * NS_PER_SECOND + nanosBig, location);
  }
  // A wall time in an IANA zone: find the offset in force then (Go picks the earlier on overlap).
  const guess = zoneAt(location, localSeconds).offset;
  const offset = zoneAt(location, localSeconds - BigInt(guess)).offset;
  return new ExprTime((localSeconds - BigInt(offset)) * NS_PER_SECOND + nanosBig, location);
}

/** time.skip: literal layout text, where a run of spaces matches a run of spaces. */
function skip(value: string, prefix: string): string | null {
  let v = value;
  let p = prefix;
  while (p.length > 0) {
    if (p[0] === ' ') {
      if (v.length > 0 && v[0] !== ' ') return null;
      p = p.replace(/^ +/, '');
      v = v.replace(/^ +/, '');
      continue;
    }
    if (v.length === 0 || v[0] !== p[0]) return null;
    p = p.slice(1);
    v = v.slice(1);
  }
  return v;
}
