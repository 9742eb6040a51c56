/**
 * expr v1.17.8's non-predicate builtins: how the checker types them (a Validate rule, or a list
 * of Go signatures tried in turn) and what they do, with their panic and error texts. The
 * predicate builtins (all, filter, map, reduce, ...) live in the interpreter.
 */
import { Fault } from './errors.js';
import { formatValue } from './format.js';
import { fromGoJson, toGoJson } from './go-json.js';
import { parseGoDuration } from './go-duration.js';
import { goSort } from './go-sort.js';
import { parseGoFloat } from './go-strconv.js';
import { loadLocation, parseTime } from './go-time.js';
import { LIMITS } from './limits.js';
import {
  asString,
  conversion,
  equal,
  fetch,
  fromUtf8,
  mapKey,
  order,
  toInt,
  utf8,
  type Charge,
} from './ops.js';
import { GoType, MAP, SLICE, T } from './types.js';
import {
  AnyMap,
  ExprDuration,
  ExprTime,
  GoInt,
  GoLocation,
  goTypeOf,
  integerOf,
  kindOf,
  makeInt,
  ownValue,
  sliceType,
  typedSlice,
  typeName,
  wrapInt,
  type Value,
} from './values.js';

export interface CallContext {
  /** Counts work against the evaluation's step budget. */
  readonly charge: Charge;
  /** Counts allocations against expr's memory budget (1e6 elements). */
  readonly memory: (n: number) => void;
  /** The variables of this run; Argo's isNil/default read `result` from it. */
  readonly env: ReadonlyMap<string, Value>;
  /** Epoch ms for `now()`; undefined when the caller gave no clock. */
  readonly nowMs: number | undefined;
}

export interface BuiltinSpec {
  readonly name: string;
  /** Go signatures tried in turn by the checker (builtin.Function.Types). */
  readonly types?: readonly GoType[];
  /** builtin.Function.Validate: argument types (T.any when unknown, null for nil) -> result type or error. */
  readonly validate?: (args: readonly (GoType | null)[]) => GoType | string;
  readonly call: (args: Value[], ctx: CallContext) => Value;
}

const fn = (params: GoType[], result: GoType, variadic = false) => GoType.func(params, [result], variadic);
const fnErr = (params: GoType[], result: GoType) => GoType.func(params, [result, T.error]);

/** reflect.Kind names, as `cannot take from %s` prints them. */
function kindName(t: GoType | null): string {
  if (!t) return 'invalid';
  switch (t.kind) {
    case 'interface':
      return 'interface';
    default:
      return t.kind;
  }
}

/** The kind a value is seen with at run time (reflect.ValueOf(v).Kind()). */
function valueKind(v: Value): string {
  return v === null ? 'invalid' : kindName(goTypeOf(v));
}

const NUMERIC = new Set(['int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'float32', 'float64']);
const isNumericKind = (t: GoType | null) => t !== null && NUMERIC.has(t.kind);
const deref = (t: GoType | null) => (t && t.kind === 'ptr' ? t.elem : t);
const kindOfType = (t: GoType | null) => deref(t)?.kind ?? 'invalid';
const arityError = (expected: string, got: number) => `invalid number of arguments (expected ${expected}, got ${got})`;
const typeText = (t: GoType | null) => (t ? t.name : '%!s(<nil>)');

function one(check: (t: GoType | null) => GoType | string) {
  return (args: readonly (GoType | null)[]) => (args.length !== 1 ? arityError('1', args.length) : check(args[0]!));
}

function roundValidate(name: string) {
  return one( (t) => (kindOfType(t) === 'interface' || isNumericKind(deref(t)) ? T.float64 : `invalid argument for ${name} (type ${typeText(t)})`));
}

function aggregateValidate(name: string) {
  return (args: readonly (GoType | null)[]): GoType | string => {
    if (args.length === 0) return `not enough arguments to call ${name}`;
    for (const arg of args) {
      const k = kindOfType(arg);
      if (k === 'interface' || k === 'slice' || k === 'array') return T.any;
      if (!NUMERIC.has(k)) return `invalid argument for ${name} (type ${typeText(arg)})`;
    }
    return args[0]!;
  };
}

const isArrayValue = (v: Value) => Array.isArray(v) || v instanceof Uint8Array;
const itemsOf = (v: Value): Value[] =>
  v instanceof Uint8Array ? [...v].map((b) => new GoInt(T.uint8, BigInt(b))) : [...(v as readonly Value[])];

function numberValue(v: Value): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof GoInt || v instanceof ExprDuration) return Number(v instanceof GoInt ? v.value : v.ns);
  return null;
}

const isNumericValue = (v: Value) => typeof v === 'number' || typeof v === 'bigint' || (v instanceof GoInt && !v.type.named);

/** builtin.minMax: numbers and (nested) arrays of numbers; a single other value is returned as is. */
function minMax(name: string, better: (a: Value, b: Value) => boolean, args: readonly Value[], depth: number): Value {
  if (depth > LIMITS.maxDepth) throw new Fault(`value is nested too deeply (more than ${LIMITS.maxDepth} levels)`);
  let val: Value = null;
  for (const arg of args) {
    if (Array.isArray(arg)) {
      const type = sliceType(arg);
      if (type === SLICE.int || type === SLICE.float64) {
        if (arg.length === 0) continue;
        let m = arg[0]!;
        for (let i = 1; i < arg.length; i++) if (better(m, arg[i]!)) m = arg[i]!;
        if (val === null || better(val, m)) val = m;
        continue;
      }
      if (type === SLICE.any) {
        for (const e of arg) {
          if (isNumericValue(e)) {
            if (val === null || better(val, e)) val = e;
          } else if (isArrayValue(e)) {
            const nested = minMax(name, better, [e], depth + 1);
            if (nested !== null && (val === null || better(val, nested))) val = nested;
          } else throw new Fault(`invalid argument for ${name} (type ${typeName(e)})`);
        }
        continue;
      }
    }
    if (isArrayValue(arg)) {
      for (const item of itemsOf(arg)) {
        const e = minMax(name, better, [item], depth + 1);
        if (isNumericValue(e)) {
          if (val === null || better(val, e)) val = e;
        } else throw new Fault(`invalid argument for ${name} (type ${typeName(e)})`);
      }
    } else if (isNumericValue(arg) || arg instanceof ExprDuration || (arg instanceof GoInt && arg.type.named)) {
      // Seen through reflection: a time.Duration or time.Month is a number by kind.
      if (val === null || better(val, arg)) val = arg;
    } else {
      if (args.length === 1) return arg;
      throw new Fault(`invalid argument for ${name} (type ${typeName(arg)})`);
    }
  }
  return val;
}

/** The numbers of mean/median's arguments, arrays flattened. */
function collect(name: string, args: readonly Value[], out: number[], charge: Charge, depth: number): void {
  if (depth > LIMITS.maxDepth) throw new Fault(`value is nested too deeply (more than ${LIMITS.maxDepth} levels)`);
  for (const arg of args) {
    if (isArrayValue(arg)) {
      const items = itemsOf(arg);
      charge(items.length);
      collect(name, items, out, charge, depth + 1);
      continue;
    }
    const n = numberValue(arg);
    if (n === null || (arg instanceof GoInt && arg.type.named && arg.type !== T.duration)) {
      throw new Fault(`invalid argument for ${name} (type ${typeName(arg)})`);
    }
    out.push(n);
  }
}

function reflectLen(v: Value, verb: string): number {
  if (Array.isArray(v)) return v.length;
  if (v instanceof Uint8Array) return v.length;
  throw new Fault(`${verb} ${valueKind(v)}`);
}

// Go's strings package, by code point where it matters.
const GO_SPACE = /[\t\n\v\f\r \u0085\u00A0\p{Zs}\u2028\u2029]/u;

function trimBy(s: string, drop: (ch: string) => boolean, left: boolean, right: boolean): string {
  const chars = [...s];
  let start = 0;
  let end = chars.length;
  while (left && start < end && drop(chars[start]!)) start++;
  while (right && end > start && drop(chars[end - 1]!)) end--;
  return chars.slice(start, end).join('');
}

function mapRunes(s: string, f: (ch: string) => string): string {
  let out = '';
  for (const ch of s) {
    const mapped = f(ch);
    out += [...mapped].length === 1 ? mapped : ch;
  }
  return out;
}

/** strings.SplitN / SplitAfterN. */
function splitN(s: string, sep: string, n: number, after: boolean): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const chars = [...s];
    if (n < 0 || n >= chars.length) return chars;
    return [...chars.slice(0, n - 1), chars.slice(n - 1).join('')];
  }
  const parts: string[] = [];
  let rest = s;
  while (n < 0 || parts.length < n - 1) {
    const at = rest.indexOf(sep);
    if (at < 0) break;
    parts.push(rest.slice(0, after ? at + sep.length : at));
    rest = rest.slice(at + sep.length);
  }
  parts.push(rest);
  return parts;
}

function replaceN(s: string, old: string, replacement: string, n: number): string {
  if (n === 0 || old === replacement) return s;
  let out = '';
  let count = 0;
  if (old === '') {
    const chars = [...s];
    for (let i = 0; i <= chars.length; i++) {
      if (n < 0 || count < n) {
        out += replacement;
        count++;
      }
      if (i < chars.length) out += chars[i];
    }
    return out;
  }
  let from = 0;
  while (n < 0 || count < n) {
    const at = s.indexOf(old, from);
    if (at < 0) break;
    out += s.slice(from, at) + replacement;
    from = at + old.length;
    count++;
  }
  return out + s.slice(from);
}

function byteIndex(s: string, at: number): bigint {
  return at < 0 ? -1n : BigInt(utf8(s.slice(0, at)).length);
}

function goRound(x: number): number {
  if (!Number.isFinite(x)) return x;
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

function rounding(name: string, f: (x: number) => number) {
  return (args: Value[]): Value => {
    const x = args[0]!;
    if (typeof x === 'number') return f(x);
    const i = integerOf(x);
    if (i !== null && !(x instanceof GoInt && x.type.named)) return Number(i);
    throw new Fault(`invalid argument for ${name} (type ${typeName(x)})`);
  };
}

/** builtin toInt: the bit functions' argument check. */
function bitInt(v: Value, name: string): bigint {
  if (typeof v === 'bigint') return v;
  if (v instanceof GoInt && !v.type.named) return wrapInt(v.value);
  throw new Fault(`cannot use ${typeName(v)} as argument (type int) to call ${name}`);
}

function bit(name: string, op: (x: bigint, y: bigint) => bigint): BuiltinSpec {
  return {
    name,
    types: [fn([T.int, T.int], T.int)],
    call: ([x, y]) => {
      const a = bitInt(x!, name);
      const b = bitInt(y!, name);
      return wrapInt(op(a, b));
    },
  };
}

function shift(name: string, op: (x: bigint, y: bigint) => bigint): BuiltinSpec {
  return bit(name, (x, y) => {
    if (y < 0n) throw new Fault(`invalid operation: negative shift count ${y} (type int)`);
    return op(x, y > 64n ? 64n : y);
  });
}

const DATE_LAYOUTS = [
  '2006-01-02',
  '15:04:05',
  '2006-01-02 15:04:05',
  '2006-01-02T15:04:05Z07:00',
  '02 Jan 06 15:04 MST',
  'Monday, 02-Jan-06 15:04:05 MST',
  'Mon, 02 Jan 2006 15:04:05 MST',
];

const list: BuiltinSpec[] = [
  {
    name: 'len',
    validate: one((t) =>
      ['array', 'map', 'slice', 'string', 'interface'].includes(kindOfType(t)) ? T.int : `invalid argument for len (type ${typeText(t)})`,
    ),
    call: ([x]) => {
      if (Array.isArray(x)) return BigInt(x.length);
      if (x instanceof Uint8Array) return BigInt(x.length);
      if (typeof x === 'string') return BigInt([...x].length);
      if (kindOf(x) === 'map') return BigInt(Object.keys(x as object).length);
      if (x instanceof AnyMap) return BigInt(x.entries.size);
      throw new Fault(`invalid argument for len (type ${typeName(x)})`);
    },
  },
  {
    name: 'type',
    types: [fn([T.any], T.string)],
    call: ([x]) => {
      if (x === null) return 'nil';
      const t = goTypeOf(x)!;
      if (t.named) return t.name;
      switch (t.kind) {
        case 'bool':
        case 'string':
          return t.kind;
        case 'int':
        case 'int8':
        case 'int16':
        case 'int32':
        case 'int64':
          return 'int';
        case 'uint':
        case 'uint8':
        case 'uint16':
        case 'uint32':
        case 'uint64':
          return 'uint';
        case 'float32':
        case 'float64':
          return 'float';
        case 'slice':
        case 'array':
          return 'array';
        case 'map':
          return 'map';
        case 'func':
          return 'func';
        case 'struct':
          return 'struct';
        default:
          return 'unknown';
      }
    },
  },
  {
    name: 'abs',
    validate: one((t) => (kindOfType(t) === 'interface' || isNumericKind(deref(t)) ? t! : `invalid argument for abs (type ${typeText(t)})`)),
    call: ([x]) => {
      if (typeof x === 'number') return x < 0 ? -x : x;
      if (typeof x === 'bigint') return x < 0n ? wrapInt(-x) : x;
      if (x instanceof GoInt && !x.type.named) return x.value < 0n ? makeInt(x.type, -x.value) : x;
      throw new Fault(`invalid argument for abs (type ${typeName(x)})`);
    },
  },
  { name: 'ceil', validate: roundValidate('ceil'), call: rounding('ceil', Math.ceil) },
  { name: 'floor', validate: roundValidate('floor'), call: rounding('floor', Math.floor) },
  { name: 'round', validate: roundValidate('round'), call: rounding('round', goRound) },
  {
    name: 'int',
    validate: one((t) => (['interface', 'string'].includes(kindOfType(t)) || isNumericKind(t) ? T.int : `invalid argument for int (type ${typeText(t)})`)),
    call: ([x]) => {
      if (typeof x === 'number') return toInt(x);
      if (typeof x === 'bigint') return x;
      if (x instanceof GoInt) return wrapInt(x.value);
      if (x instanceof ExprDuration) return x.ns;
      if (typeof x === 'string') {
        if (/^[+-]?[0-9]+$/.test(x)) {
          const v = BigInt(x);
          if (v === wrapInt(v)) return v;
        }
        throw new Fault(`invalid operation: int(${x})`);
      }
      throw new Fault(`invalid operation: int(${typeName(x)})`);
    },
  },
  {
    name: 'float',
    validate: one((t) =>
      ['interface', 'string'].includes(kindOfType(t)) || isNumericKind(t) ? T.float64 : `invalid argument for float (type ${typeText(t)})`,
    ),
    call: ([x]) => {
      if (typeof x === 'number') return x;
      if (typeof x === 'bigint') return Number(x);
      if (x instanceof GoInt && !x.type.named) return Number(x.value);
      if (typeof x === 'string') {
        const parsed = parseGoFloat(x);
        if (parsed.ok) return parsed.value;
        throw new Fault(`invalid operation: float(${x})`);
      }
      throw new Fault(`invalid operation: float(${typeName(x)})`);
    },
  },
  { name: 'string', types: [fn([T.any], T.string)], call: ([x], ctx) => formatValue(x, ctx.charge) },
  {
    name: 'trim',
    types: [fn([T.string], T.string), fn([T.string, T.string], T.string)],
    call: (args) => {
      const s = asString(args[0]!);
      if (args.length === 1) return trimBy(s, (ch) => GO_SPACE.test(ch), true, true);
      const cutset = new Set(asString(args[1]!));
      return trimBy(s, (ch) => cutset.has(ch), true, true);
    },
  },
  {
    name: 'trimPrefix',
    types: [fn([T.string, T.string], T.string), fn([T.string], T.string)],
    call: (args) => {
      const prefix = args.length === 2 ? asString(args[1]!) : ' ';
      const s = asString(args[0]!);
      return s.startsWith(prefix) ? s.slice(prefix.length) : s;
    },
  },
  {
    name: 'trimSuffix',
    types: [fn([T.string, T.string], T.string), fn([T.string], T.string)],
    call: (args) => {
      const suffix = args.length === 2 ? asString(args[1]!) : ' ';
      const s = asString(args[0]!);
      return suffix !== '' && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s;
    },
  },
  { name: 'upper', types: [fn([T.string], T.string)], call: ([x]) => mapRunes(asString(x!), (c) => c.toUpperCase()) },
  { name: 'lower', types: [fn([T.string], T.string)], call: ([x]) => mapRunes(asString(x!), (c) => c.toLowerCase()) },
  ...(['split', 'splitAfter'] as const).map(
    (name): BuiltinSpec => ({
      name,
      types: [fn([T.string, T.string], SLICE.string), fn([T.string, T.string, T.int], SLICE.string)],
      call: (args, ctx) => {
        const s = asString(args[0]!);
        const sep = asString(args[1]!);
        const n = args.length === 3 ? Number(toInt(args[2]!)) : -1;
        const parts = splitN(s, sep, n, name === 'splitAfter');
        ctx.charge(parts.length);
        return typedSlice(parts, SLICE.string);
      },
    }),
  ),
  {
    name: 'replace',
    types: [fn([T.string, T.string, T.string, T.int], T.string), fn([T.string, T.string, T.string], T.string)],
    call: (args) => {
      const n = args.length === 4 ? Number(toInt(args[3]!)) : -1;
      return replaceN(asString(args[0]!), asString(args[1]!), asString(args[2]!), n);
    },
  },
  {
    name: 'repeat',
    types: [fn([T.string, T.int], T.string)],
    call: ([s, count], ctx) => {
      const text = asString(s!);
      const n = toInt(count!);
      if (n < 0n) throw new Fault(`invalid argument for repeat (expected positive integer, got ${n})`);
      if (n > 1_000_000n) throw new Fault('memory budget exceeded');
      const bytes = utf8(text).length * Number(n);
      ctx.memory(bytes);
      ctx.charge(Math.ceil((text.length * Number(n)) / LIMITS.charsPerStep));
      return text.repeat(Number(n));
    },
  },
  {
    name: 'join',
    types: [
      fn([SLICE.string, T.string], T.string),
      fn([SLICE.any, T.string], T.string),
      fn([SLICE.any], T.string),
      fn([SLICE.string, T.string], T.string),
      fn([SLICE.string], T.string),
    ],
    call: (args, ctx) => {
      const glue = args.length === 2 ? asString(args[1]!) : '';
      const items = args[0]!;
      const type = Array.isArray(items) ? sliceType(items) : null;
      if (type !== SLICE.string && type !== SLICE.any) throw new Fault(`invalid argument for join (type ${typeName(items)})`);
      ctx.charge((items as readonly Value[]).length);
      return (items as readonly Value[]).map((item) => asString(item)).join(glue);
    },
  },
  {
    name: 'indexOf',
    types: [fn([T.string, T.string], T.int)],
    call: ([s, sub]) => byteIndex(asString(s!), asString(s!).indexOf(asString(sub!))),
  },
  {
    name: 'lastIndexOf',
    types: [fn([T.string, T.string], T.int)],
    call: ([s, sub]) => byteIndex(asString(s!), asString(s!).lastIndexOf(asString(sub!))),
  },
  { name: 'hasPrefix', types: [fn([T.string, T.string], T.bool)], call: ([s, p]) => asString(s!).startsWith(asString(p!)) },
  { name: 'hasSuffix', types: [fn([T.string, T.string], T.bool)], call: ([s, p]) => asString(s!).endsWith(asString(p!)) },
  {
    name: 'max',
    validate: aggregateValidate('max'),
    call: (args, ctx) => minMax('max', (a, b) => order('<', a, b, ctx.charge), args, 0),
  },
  {
    name: 'min',
    validate: aggregateValidate('min'),
    call: (args, ctx) => minMax('min', (a, b) => order('>', a, b, ctx.charge), args, 0),
  },
  {
    name: 'mean',
    validate: aggregateValidate('mean'),
    call: (args, ctx) => {
      const values: number[] = [];
      collect('mean', args, values, ctx.charge, 0);
      if (values.length === 0) return 0;
      let total = 0;
      for (const v of values) total += v;
      return total / values.length;
    },
  },
  {
    name: 'median',
    validate: aggregateValidate('median'),
    call: (args, ctx) => {
      const values: number[] = [];
      collect('median', args, values, ctx.charge, 0);
      const n = values.length;
      if (n === 0) return 0;
      values.sort((a, b) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : Number.isNaN(b) ? 1 : a - b));
      return n % 2 === 1 ? values[(n - 1) / 2]! : (values[n / 2 - 1]! + values[n / 2]!) / 2;
    },
  },
  {
    name: 'toJSON',
    types: [fn([T.any], T.string)],
    call: ([x], ctx) => {
      const text = toGoJson(x!, ctx.charge);
      return text;
    },
  },
  { name: 'fromJSON', types: [fn([T.string], T.any)], call: ([x], ctx) => fromGoJson(asString(x!), ctx.charge) },
  {
    name: 'toBase64',
    types: [fn([T.string], T.string)],
    call: ([x]) => Buffer.from(utf8(asString(x!))).toString('base64'),
  },
  {
    name: 'fromBase64',
    types: [fn([T.string], T.string)],
    call: ([x]) => {
      const text = asString(x!);
      const bad = base64Error(text);
      if (bad !== null) throw new Fault(`illegal base64 data at input byte ${bad}`);
      return fromUtf8(Uint8Array.from(Buffer.from(text, 'base64')));
    },
  },
  {
    name: 'now',
    validate: (args) => {
      if (args.length === 0) return T.time;
      if (args.length === 1 && args[0] === T.location) return T.time;
      return `invalid number of arguments (expected 0, got ${args.length})`;
    },
    call: (args, ctx) => {
      // Evaluation is pure: the time comes from the caller's Clock, never from Date.now().
      if (ctx.nowMs === undefined) throw new Fault('now() is not available here: no clock was given to this evaluation');
      if (args.length === 1 && args[0] instanceof GoLocation) return new ExprTime(ctx.nowMs, args[0]);
      if (args.length !== 0) throw new Fault(`invalid number of arguments (expected 0, got ${args.length})`);
      return new ExprTime(ctx.nowMs);
    },
  },
  {
    name: 'duration',
    types: [fnErr([T.string], T.duration)],
    call: ([x]) => {
      const parsed = parseGoDuration(asString(x!));
      if (!parsed.ok) throw new Fault(parsed.message);
      return new ExprDuration(parsed.ns);
    },
  },
  {
    name: 'date',
    validate: (args) => {
      if (args.length < 1) return `invalid number of arguments (expected at least 1, got ${args.length})`;
      const rest = args[0] === T.location ? args.slice(1) : args;
      if (rest.length > 3) return `invalid number of arguments (expected at most 3, got ${rest.length})`;
      return T.time;
    },
    call: (all) => {
      let args = all;
      let tz: GoLocation | null = null;
      if (args[0] instanceof GoLocation) {
        tz = args[0];
        args = args.slice(1);
      }
      const text = asString(args[0] ?? null);
      if (args.length === 2) {
        const parsed = parseTime(asString(args[1]!), text, tz ?? GoLocation.UTC);
        if (typeof parsed === 'string') throw new Fault(parsed);
        return parsed;
      }
      if (args.length === 3) {
        const layout = asString(args[1]!);
        const zone = loadLocation(asString(args[2]!));
        if (typeof zone === 'string') throw new Fault(zone);
        const parsed = parseTime(layout, text, zone);
        if (typeof parsed === 'string') throw new Fault(parsed);
        return parsed;
      }
      for (const layout of DATE_LAYOUTS) {
        const parsed = parseTime(layout, text, tz ?? GoLocation.UTC);
        if (typeof parsed !== 'string') return parsed;
      }
      throw new Fault(`invalid date ${text}`);
    },
  },
  {
    name: 'timezone',
    types: [fnErr([T.string], T.location)],
    call: ([x]) => {
      const zone = loadLocation(asString(x!));
      if (typeof zone === 'string') throw new Fault(zone);
      return zone;
    },
  },
  {
    name: 'first',
    validate: one((t) => {
      const k = kindOfType(t);
      if (k === 'interface') return T.any;
      if (k === 'slice' || k === 'array') return deref(t)!.elem!;
      return `cannot get first element from ${typeText(t)}`;
    }),
    call: ([x], ctx) => {
      try {
        return fetch(x!, 0n, ctx.charge);
      } catch (err) {
        if (err instanceof Fault) return null;
        throw err;
      }
    },
  },
  {
    name: 'last',
    validate: one((t) => {
      const k = kindOfType(t);
      if (k === 'interface') return T.any;
      if (k === 'slice' || k === 'array') return deref(t)!.elem!;
      return `cannot get last element from ${typeText(t)}`;
    }),
    call: ([x], ctx) => {
      try {
        return fetch(x!, -1n, ctx.charge);
      } catch (err) {
        if (err instanceof Fault) return null;
        throw err;
      }
    },
  },
  {
    name: 'get',
    call: ([from, i], ctx) => {
      if (from === null) return null;
      if (typeof i === 'string') {
        const type = goTypeOf(from);
        if (type && (type === T.time || type === T.duration)) {
          try {
            return fetch(from!, i, ctx.charge);
          } catch {
            // not a method: fall through
          }
        }
      }
      const kind = kindOf(from);
      if (kind === 'array' || kind === 'bytes' || kind === 'string') {
        const items = kind === 'string' ? utf8(from as string) : (from as ArrayLike<unknown>);
        let index = Number(toInt(i!));
        const l = items.length;
        if (index < 0) index += l;
        if (index >= 0 && index < l) {
          if (kind === 'array') return (items as readonly Value[])[index] ?? null;
          return new GoInt(T.uint8, BigInt(items[index] as number));
        }
        return null;
      }
      if (kind === 'map') {
        if (i === null) return ownValue(from as object, '').value;
        if (typeof i !== 'string') throw new Fault(`reflect.Value.MapIndex: value of type ${typeName(i!)} is not assignable to type string`);
        return ownValue(from as object, i).value;
      }
      if (kind === 'anymap') return (from as AnyMap).entries.get(mapKey(i!))?.value ?? null;
      return null;
    },
  },
  {
    name: 'take',
    validate: (args) => {
      if (args.length !== 2) return arityError('2', args.length);
      if (!['interface', 'slice', 'array'].includes(kindOfType(args[0]!))) return `cannot take from ${typeText(args[0]!)}`;
      if (!['interface', 'int', 'int8', 'int16', 'int32', 'int64'].includes(kindOfType(args[1]!))) return `cannot take ${typeText(args[1]!)} elements`;
      return args[0]!;
    },
    call: ([x, count]) => {
      if (!isArrayValue(x!)) throw new Fault(`cannot take from ${valueKind(x!)}`);
      const n = count!;
      if (!(typeof n === 'bigint' || (n instanceof GoInt && /^int/.test(n.type.kind)))) throw new Fault(`cannot take ${valueKind(n)} elements`);
      const want = integerOf(n)!;
      const len = reflectLen(x!, 'cannot take from');
      if (want < 0n) throw new Fault('reflect: slice index out of range');
      const to = want > BigInt(len) ? len : Number(want);
      if (x instanceof Uint8Array) return x.slice(0, to);
      return typedSlice((x as readonly Value[]).slice(0, to), sliceType(x as readonly Value[]));
    },
  },
  {
    name: 'keys',
    validate: one((t) => (['interface', 'map'].includes(kindOfType(t)) ? SLICE.any : `cannot get keys from ${typeText(t)}`)),
    call: ([x], ctx) => {
      if (kindOf(x) === 'map') {
        const keys = Object.keys(x as object);
        ctx.charge(keys.length);
        return keys;
      }
      if (x instanceof AnyMap) return [...x.entries.values()].map((e) => e.key);
      throw new Fault(`cannot get keys from ${valueKind(x!)}`);
    },
  },
  {
    name: 'values',
    validate: one((t) => (['interface', 'map'].includes(kindOfType(t)) ? SLICE.any : `cannot get values from ${typeText(t)}`)),
    call: ([x], ctx) => {
      if (kindOf(x) === 'map') {
        const keys = Object.keys(x as object);
        ctx.charge(keys.length);
        return keys.map((k) => ownValue(x as object, k).value);
      }
      if (x instanceof AnyMap) return [...x.entries.values()].map((e) => e.value);
      throw new Fault(`cannot get values from ${valueKind(x!)}`);
    },
  },
  {
    name: 'toPairs',
    validate: one((t) => (['interface', 'map'].includes(kindOfType(t)) ? SLICE.any : `cannot transform ${typeText(t)} to pairs`)),
    call: ([x], ctx) => {
      const pair = GoType.array(2, T.any);
      let pairs: Value[][];
      if (kindOf(x) === 'map') pairs = Object.keys(x as object).map((k) => [k, ownValue(x as object, k).value]);
      else if (x instanceof AnyMap) pairs = [...x.entries.values()].map((e) => [e.key, e.value]);
      else throw new Fault(`cannot transform ${valueKind(x!)} to pairs`);
      ctx.charge(pairs.length);
      return typedSlice(
        pairs.map((p) => typedSlice(p, pair)),
        GoType.slice(pair),
      );
    },
  },
  {
    name: 'fromPairs',
    validate: one((t) => (['interface', 'slice', 'array'].includes(kindOfType(t)) ? MAP.anyAny : `cannot transform ${typeText(t)} from pairs`)),
    call: ([x], ctx) => {
      if (!isArrayValue(x!)) throw new Fault(`cannot transform ${formatValue(x)} from pairs`);
      const out = new AnyMap(MAP.anyAny);
      for (const pair of itemsOf(x!)) {
        if (!isArrayValue(pair)) throw new Fault(`invalid pair ${formatValue(pair)}`);
        const items = itemsOf(pair);
        if (items.length !== 2) throw new Fault(`invalid pair length ${formatValue(pair)}`);
        ctx.charge(1);
        out.entries.set(mapKey(items[0]!, true), { key: items[0]!, value: items[1]! });
      }
      return out;
    },
  },
  {
    name: 'reverse',
    validate: one((t) => (['interface', 'slice', 'array'].includes(kindOfType(t)) ? SLICE.any : `cannot reverse ${typeText(t)}`)),
    call: ([x], ctx) => {
      if (!isArrayValue(x!)) throw new Fault(`cannot reverse ${valueKind(x!)}`);
      const items = itemsOf(x!).reverse();
      ctx.memory(items.length);
      ctx.charge(items.length);
      return items;
    },
  },
  {
    name: 'uniq',
    validate: one((t) => (['interface', 'slice', 'array'].includes(kindOfType(t)) ? SLICE.any : `cannot uniq ${typeText(t)}`)),
    call: ([x], ctx) => {
      if (!isArrayValue(x!)) throw new Fault(`cannot uniq ${valueKind(x!)}`);
      const out: Value[] = [];
      for (const item of itemsOf(x!)) {
        ctx.charge(out.length + 1);
        if (!out.some((r) => equal(item, r, ctx.charge))) out.push(item);
      }
      return out;
    },
  },
  {
    name: 'concat',
    validate: (args) => {
      if (args.length === 0) return 'invalid number of arguments (expected at least 1, got 0)';
      for (const arg of args) if (!['interface', 'slice', 'array'].includes(kindOfType(arg))) return `cannot concat ${typeText(arg)}`;
      return SLICE.any;
    },
    call: (args, ctx) => {
      const out: Value[] = [];
      for (const arg of args) {
        if (!isArrayValue(arg)) throw new Fault(`cannot concat ${valueKind(arg)}`);
        const items = itemsOf(arg);
        ctx.charge(items.length);
        out.push(...items);
      }
      ctx.memory(out.length);
      return out;
    },
  },
  {
    name: 'flatten',
    validate: one((t) => (['interface', 'slice', 'array'].includes(kindOfType(t)) ? SLICE.any : `cannot flatten ${typeText(t)}`)),
    call: ([x], ctx) => {
      if (!isArrayValue(x!)) throw new Fault(`cannot flatten ${valueKind(x!)}`);
      const out: Value[] = [];
      const walk = (items: Value[], depth: number) => {
        if (depth > LIMITS.maxDepth) throw new Fault(`value is nested too deeply (more than ${LIMITS.maxDepth} levels)`);
        ctx.charge(items.length);
        for (const item of items) {
          if (isArrayValue(item)) walk(itemsOf(item), depth + 1);
          else out.push(item);
        }
      };
      walk(itemsOf(x!), 0);
      ctx.memory(out.length);
      return out;
    },
  },
  {
    name: 'sort',
    types: [
      fn([SLICE.any, T.string], SLICE.any),
      fn([SLICE.int, T.string], SLICE.any),
      fn([SLICE.float64, T.string], SLICE.any),
      fn([SLICE.string, T.string], SLICE.any),
      fn([SLICE.any], SLICE.any),
      fn([SLICE.float64], SLICE.any),
      fn([SLICE.string], SLICE.any),
      fn([SLICE.int], SLICE.any),
    ],
    call: (args, ctx) => {
      const input = args[0]!;
      const type = Array.isArray(input) ? sliceType(input) : null;
      const array: Value[] = type === SLICE.any || type === SLICE.int || type === SLICE.float64 || type === SLICE.string ? [...(input as Value[])] : [];
      let desc = false;
      if (args.length === 2) {
        const direction = args[1]!;
        if (typeof direction !== 'string') throw new Fault(`sort order argument must be a string (got ${typeName(direction)})`);
        if (direction === 'desc') desc = true;
        else if (direction !== 'asc') throw new Fault(`invalid order ${direction}, expected asc or desc`);
      }
      ctx.charge(array.length * Math.max(1, Math.ceil(Math.log2(array.length + 1))));
      goSort({
        length: array.length,
        less: (i, j) => (desc ? order('<', array[j]!, array[i]!, ctx.charge) : order('<', array[i]!, array[j]!, ctx.charge)),
        swap: (i, j) => {
          [array[i], array[j]] = [array[j]!, array[i]!];
        },
      });
      ctx.memory(array.length);
      return array;
    },
  },
  bit('bitand', (x, y) => x & y),
  bit('bitor', (x, y) => x | y),
  bit('bitxor', (x, y) => x ^ y),
  bit('bitnand', (x, y) => x & ~y),
  shift('bitshl', (x, y) => x << y),
  shift('bitshr', (x, y) => x >> y),
  shift('bitushr', (x, y) => BigInt.asUintN(64, x) >> y),
  {
    name: 'bitnot',
    types: [fn([T.int], T.int)],
    call: ([x]) => wrapInt(~bitInt(x!, 'bitnot')),
  },
];

export const BUILTINS: ReadonlyMap<string, BuiltinSpec> = new Map(list.map((b) => [b.name, b]));

/** Go's base64.StdEncoding: the offset of the first illegal byte, or null when the text decodes. */
function base64Error(text: string): number | null {
  const bytes = utf8(text);
  const alphabet = /[A-Za-z0-9+/]/;
  let i = 0;
  // Go skips \r and \n anywhere.
  const clean: number[] = [];
  const position: number[] = [];
  for (; i < bytes.length; i++) {
    if (bytes[i] === 10 || bytes[i] === 13) continue;
    clean.push(bytes[i]!);
    position.push(i);
  }
  let n = 0;
  for (; n < clean.length; n++) {
    const ch = String.fromCharCode(clean[n]!);
    if (ch === '=') break;
    if (!alphabet.test(ch)) return position[n]!;
  }
  const dataLength = n;
  let pads = 0;
  for (; n < clean.length; n++) {
    if (clean[n] !== 61) return position[n]!;
    pads++;
  }
  const rem = dataLength % 4;
  if (pads === 0) {
    if (rem === 0) return null;
    return rem === 1 ? (position[dataLength - 1] ?? bytes.length) : bytes.length;
  }
  if (rem === 0 || rem === 1) return position[dataLength]!;
  if ((rem === 2 && pads !== 2) || (rem === 3 && pads !== 1)) return pads > 4 - rem ? position[dataLength + 4 - rem]! : bytes.length;
  return null;
}

export { conversion };
