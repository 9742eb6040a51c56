/**
 * encoding/json as expr's toJSON (json.MarshalIndent(v, "", "  ")) and fromJSON (json.Unmarshal
 * into interface {}) use it: Go's float formatting, HTML-safe string escapes, sorted map keys,
 * and Go's syntax error texts ("invalid character 'x' looking for beginning of value").
 */
import { Fault } from './errors.js';
import { formatGoFloat } from './format.js';
import { formatTime } from './go-time.js';
import { LIMITS } from './limits.js';
import { chargeText, fromUtf8, utf8, type Charge } from './ops.js';
import { AnyMap, ExprDuration, ExprTime, GoFunc, GoInt, GoLocation, kindOf, newStringMap, ownValue, setKey, typeName, type Value } from './values.js';
import { compareCodePoints } from './format.js';

function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Fault(`json: unsupported value: ${formatGoFloat(f)}`);
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    const [mantissa, exp] = f.toExponential().split('e') as [string, string];
    const e = Number(exp);
    return `${mantissa}e${e < 0 ? '-' : '+'}${Math.abs(e) < 10 && e >= 0 ? '0' : ''}${Math.abs(e)}`.replace(/e-0(\d)$/, 'e-$1');
  }
  if (Object.is(f, -0)) return '-0';
  return plainDecimal(f);
}

/** strconv 'f' with the shortest digits. */
function plainDecimal(f: number): string {
  const [mantissa, exp] = Math.abs(f).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const e = Number(exp);
  let out: string;
  if (e < 0) out = `0.${'0'.repeat(-e - 1)}${digits}`;
  else if (digits.length <= e + 1) out = digits.padEnd(e + 1, '0');
  else out = `${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
  return f < 0 ? `-${out}` : out;
}

function jsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&') out += `\\u00${c.toString(16).padStart(2, '0')}`;
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`;
    else out += ch;
  }
  return `${out}"`;
}

export function toGoJson(value: Value, charge: Charge): string {
  const out = encode(value, '', charge, 0, true);
  chargeText(charge, out);
  return out;
}

/** json.Marshal (no indentation), as Argo prints a provider's JSON result. Throws a Fault for what Go cannot marshal. */
export function toGoJsonCompact(value: Value): string {
  return encode(value, '', () => undefined, 0, false);
}

function encode(value: Value, indent: string, charge: Charge, depth: number, pretty: boolean): string {
  if (depth > LIMITS.maxDepth) throw new Fault(`value is nested too deeply (more than ${LIMITS.maxDepth} levels)`);
  const inner = pretty ? `${indent}  ` : '';
  const nl = pretty ? '\n' : '';
  switch (kindOf(value)) {
    case 'nil':
      return 'null';
    case 'bool':
    case 'int':
      return String(value);
    case 'goint':
      return String((value as GoInt).value);
    case 'duration':
      return String((value as ExprDuration).ns);
    case 'float':
      return jsonFloat(value as number);
    case 'string':
      return jsonString(value as string);
    case 'bytes':
      return `"${Buffer.from(value as Uint8Array).toString('base64')}"`;
    case 'time':
      return `"${formatTime(value as ExprTime, '2006-01-02T15:04:05.999999999Z07:00')}"`;
    case 'array': {
      const items = value as readonly Value[];
      charge(items.length);
      if (items.length === 0) return '[]';
      return `[${nl}${items.map((v) => inner + encode(v, inner, charge, depth + 1, pretty)).join(`,${nl}`)}${nl}${indent}]`;
    }
    case 'map': {
      const keys = Object.keys(value as object).sort(compareCodePoints);
      charge(keys.length);
      if (keys.length === 0) return '{}';
      const body = keys.map((k) => `${inner}${jsonString(k)}:${pretty ? ' ' : ''}${encode(ownValue(value as object, k).value, inner, charge, depth + 1, pretty)}`);
      return `{${nl}${body.join(`,${nl}`)}${nl}${indent}}`;
    }
    case 'location':
      return '{}';
    case 'anymap':
      throw new Fault(`json: unsupported type: ${(value as AnyMap).type.name}`);
    case 'func':
      throw new Fault(`json: unsupported type: ${(value as GoFunc).type.name}`);
    case 'unsupported':
      throw new Fault(`json: unsupported type: ${typeName(value)}`);
  }
}

class Syntax extends Error {}

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  const code = c.codePointAt(0)!;
  const escaped =
    c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : c;
  return `'${escaped}'`;
}

/** json.Unmarshal into interface {}: numbers become float64, objects map[string]interface {}. */
export function fromGoJson(text: string, charge: Charge): Value {
  chargeText(charge, text);
  let i = 0;
  const s = text;
  const end = () => new Syntax('unexpected end of JSON input');
  const bad = (context: string) => new Syntax(`invalid character ${quoteChar(s[i]!)} ${context}`);
  const space = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  };
  const numbers: string[] = [];
  const value = (depth: number): Value => {
    if (depth > LIMITS.maxDepth) throw new Fault(`value is nested too deeply (more than ${LIMITS.maxDepth} levels)`);
    space();
    if (i >= s.length) throw end();
    const c = s[i]!;
    if (c === '{') {
      i++;
      const out = newStringMap();
      space();
      if (s[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        space();
        if (i >= s.length) throw end();
        if (s[i] !== '"') throw bad('looking for beginning of object key string');
        const key = string();
        space();
        if (i >= s.length) throw end();
        if (s[i] !== ':') throw bad('after object key');
        i++;
        const v = value(depth + 1);
        setKey(out, key, v);
        charge(1);
        space();
        if (i >= s.length) throw end();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === '}') {
          i++;
          return out;
        }
        throw bad('after object key:value pair');
      }
    }
    if (c === '[') {
      i++;
      const out: Value[] = [];
      space();
      if (s[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value(depth + 1));
        charge(1);
        space();
        if (i >= s.length) throw end();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ']') {
          i++;
          return out;
        }
        throw bad('after array element');
      }
    }
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (c === word[0]) {
        for (let k = 1; k < word.length; k++) {
          i++;
          if (i >= s.length) throw end();
          if (s[i] !== word[k]) throw bad(`in literal ${word} (expecting ${quoteChar(word[k]!)})`);
        }
        i++;
        return v;
      }
    }
    throw bad('looking for beginning of value');
  };
  const number = (): Value => {
    const start = i;
    if (s[i] === '-') {
      i++;
      if (i >= s.length) throw end();
      if (!(s[i]! >= '0' && s[i]! <= '9')) throw bad('in numeric literal');
    }
    if (s[i] === '0') i++;
    else while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
    if (s[i] === '.') {
      i++;
      if (i >= s.length) throw end();
      if (!(s[i]! >= '0' && s[i]! <= '9')) throw bad('after decimal point in numeric literal');
      while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
    }
    if (s[i] === 'e' || s[i] === 'E') {
      i++;
      if (s[i] === '+' || s[i] === '-') i++;
      if (i >= s.length) throw end();
      if (!(s[i]! >= '0' && s[i]! <= '9')) throw bad('in exponent of numeric literal');
      while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
    }
    const literal = s.slice(start, i);
    numbers.push(literal);
    return Number(literal);
  };
  const string = (): string => {
    i++;
    let out = '';
    for (;;) {
      if (i >= s.length) throw end();
      const c = s[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c.charCodeAt(0) < 0x20) throw bad('in string literal');
      if (c === '\\') {
        i++;
        if (i >= s.length) throw end();
        const e = s[i]!;
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (Object.prototype.hasOwnProperty.call(simple, e)) {
          out += simple[e];
          i++;
          continue;
        }
        if (e !== 'u') throw bad('in string escape code');
        const hex = () => {
          let v = 0;
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= s.length) throw end();
            if (!/[0-9a-fA-F]/.test(s[i]!)) throw bad('in \\u hexadecimal character escape');
            v = v * 16 + parseInt(s[i]!, 16);
          }
          i++;
          return v;
        };
        const u = hex();
        if (u >= 0xd800 && u < 0xdc00 && s[i] === '\\' && s[i + 1] === 'u') {
          const save = i;
          i++;
          const lo = hex();
          if (lo >= 0xdc00 && lo < 0xe000) {
            out += String.fromCodePoint(0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
            continue;
          }
          i = save;
          out += '\ufffd';
          continue;
        }
        out += u >= 0xd800 && u < 0xe000 ? '\ufffd' : String.fromCharCode(u);
        continue;
      }
      out += c;
      i++;
    }
  };
  let result: Value;
  try {
    result = value(0);
    space();
    if (i < s.length) throw bad('after top-level value');
  } catch (err) {
    if (err instanceof Syntax) throw new Fault(err.message);
    throw err;
  }
  for (const literal of numbers) {
    if (!Number.isFinite(Number(literal))) throw new Fault(`json: cannot unmarshal number ${literal} into Go value of type float64`);
  }
  return result;
}

export { utf8, fromUtf8, GoLocation };
