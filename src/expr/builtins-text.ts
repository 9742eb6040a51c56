/**
 * String builtins with Go's strings-package semantics: string, trim, trimPrefix, trimSuffix, upper,
 * lower, split, join, replace, indexOf, lastIndexOf, hasPrefix, hasSuffix. Positions are UTF-8 byte
 * offsets, as in Go.
 */
import { Fault } from './errors.js';
import { formatValue } from './format.js';
import { intArg, requireArg, signature, stringArg, type FunctionSpec, type TypeCheck } from './function-spec.js';
import type { StaticType } from './static-types.js';
import { typeName, type Value } from './values.js';

const GO_SPACE = /[\t\n\v\f\r \u0085\u00A0\p{Zs}\u2028\u2029]/u;

function text(
  name: string,
  arity: [number, number],
  type: (args: readonly StaticType[]) => TypeCheck,
  call: FunctionSpec['call'],
): FunctionSpec {
  return { name, arity, style: 'builtin', type, call };
}

function trimBy(s: string, drop: (ch: string) => boolean, left: boolean, right: boolean): string {
  const chars = [...s];
  let start = 0;
  let end = chars.length;
  while (left && start < end && drop(chars[start]!)) start++;
  while (right && end > start && drop(chars[end - 1]!)) end--;
  return chars.slice(start, end).join('');
}

/** Go's strings.ToUpper/ToLower map each code point on its own (no "ß" -> "SS"). */
function mapRunes(s: string, fn: (ch: string) => string): string {
  let out = '';
  for (const ch of s) {
    const mapped = fn(ch);
    out += [...mapped].length === 1 ? mapped : ch;
  }
  return out;
}

/** Go's strings.SplitN: n < 0 all parts, n == 0 none, an empty separator splits into characters. */
function splitN(s: string, sep: string, n: number): string[] {
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
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + sep.length);
  }
  parts.push(rest);
  return parts;
}

/** Go's strings.Replace: n < 0 replaces all; an empty `old` matches before every character and at the end. */
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

function utf8Length(s: string): number {
  let bytes = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

function byteIndex(s: string, at: number): bigint {
  return at < 0 ? -1n : BigInt(utf8Length(s.slice(0, at)));
}

const STR: StaticType = 'string';

export const TEXT_BUILTINS: FunctionSpec[] = [
  text('string', [1, 1], () => 'string', (args, ctx) => formatValue(args[0], ctx.charge)),
  text('trim', [1, 2], signature('trim', [STR, STR], 'string'), (args) => {
    const s = stringArg(args[0]!, 'trim');
    if (args.length === 1) return trimBy(s, (ch) => GO_SPACE.test(ch), true, true);
    const cutset = new Set(stringArg(args[1]!, 'trim'));
    return trimBy(s, (ch) => cutset.has(ch), true, true);
  }),
  text('trimPrefix', [1, 2], signature('trimPrefix', [STR, STR], 'string'), (args) => {
    const s = stringArg(args[0]!, 'trimPrefix');
    const prefix = args.length > 1 ? stringArg(args[1]!, 'trimPrefix') : ' ';
    return s.startsWith(prefix) ? s.slice(prefix.length) : s;
  }),
  text('trimSuffix', [1, 2], signature('trimSuffix', [STR, STR], 'string'), (args) => {
    const s = stringArg(args[0]!, 'trimSuffix');
    const suffix = args.length > 1 ? stringArg(args[1]!, 'trimSuffix') : ' ';
    return suffix !== '' && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s;
  }),
  text('upper', [1, 1], signature('upper', [STR, STR], 'string'), (args) => mapRunes(stringArg(args[0]!, 'upper'), (c) => c.toUpperCase())),
  text('lower', [1, 1], signature('lower', [STR, STR], 'string'), (args) => mapRunes(stringArg(args[0]!, 'lower'), (c) => c.toLowerCase())),
  text(
    'split',
    [2, 3],
    signature('split', [STR, STR, 'int'], 'array'),
    (args, ctx) => {
      const n = args.length > 2 ? Number(intArg(args[2]!, 'split')) : -1;
      const parts = splitN(stringArg(args[0]!, 'split'), stringArg(args[1]!, 'split'), n);
      ctx.charge(parts.length);
      return parts;
    },
  ),
  text(
    'join',
    [1, 2],
    (args) =>
      requireArg(args, 0, ['array'], (t) => `invalid argument for join (type ${t})`) ??
      requireArg(args, 1, ['string'], (t) => `cannot use ${t} as argument (type string) to call join`) ??
      'string',
    (args, ctx) => {
      const items = args[0];
      if (!Array.isArray(items)) throw new Fault(`invalid argument for join (type ${typeName(items)})`);
      ctx.charge(items.length);
      const glue = args.length > 1 ? stringArg(args[1]!, 'join') : '';
      return (items as readonly Value[])
        .map((item) => {
          if (typeof item !== 'string') throw new Fault(`invalid argument for join (element of type ${typeName(item)})`);
          return item;
        })
        .join(glue);
    },
  ),
  text('replace', [3, 4], signature('replace', [STR, STR, STR, 'int'], 'string'), (args) => {
    const n = args.length > 3 ? Number(intArg(args[3]!, 'replace')) : -1;
    return replaceN(stringArg(args[0]!, 'replace'), stringArg(args[1]!, 'replace'), stringArg(args[2]!, 'replace'), n);
  }),
  text('indexOf', [2, 2], signature('indexOf', [STR, STR], 'int'), (args) => {
    const s = stringArg(args[0]!, 'indexOf');
    return byteIndex(s, s.indexOf(stringArg(args[1]!, 'indexOf')));
  }),
  text('lastIndexOf', [2, 2], signature('lastIndexOf', [STR, STR], 'int'), (args) => {
    const s = stringArg(args[0]!, 'lastIndexOf');
    return byteIndex(s, s.lastIndexOf(stringArg(args[1]!, 'lastIndexOf')));
  }),
  text('hasPrefix', [2, 2], signature('hasPrefix', [STR, STR], 'bool'), (args) =>
    stringArg(args[0]!, 'hasPrefix').startsWith(stringArg(args[1]!, 'hasPrefix')),
  ),
  text('hasSuffix', [2, 2], signature('hasSuffix', [STR, STR], 'bool'), (args) =>
    stringArg(args[0]!, 'hasSuffix').endsWith(stringArg(args[1]!, 'hasSuffix')),
  ),
];
