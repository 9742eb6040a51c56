/** Builtins over arrays and maps: first, last, get, keys, values, take, reverse, concat, type. */
import { Fault } from './errors.js';
import { arrayArg, intArg, requireArg, type FunctionSpec, type TypeCheck } from './function-spec.js';
import type { StaticType } from './static-types.js';
import { kindOf, ownValue, typeName, type Value } from './values.js';

function collection(
  name: string,
  arity: [number, number],
  type: (args: readonly StaticType[]) => TypeCheck,
  call: FunctionSpec['call'],
): FunctionSpec {
  return { name, arity, style: 'builtin', type, call };
}

/** `items[index]` with negative indexes counted from the end; nil when out of range. */
function at(items: readonly Value[], index: number): Value {
  const i = index < 0 ? items.length + index : index;
  return i >= 0 && i < items.length ? (items[i] ?? null) : null;
}

const arrayOnly = (verb: string) => (args: readonly StaticType[]) =>
  requireArg(args, 0, ['array'], (t) => `cannot ${verb} ${t}`) ?? 'unknown';

export const COLLECTION_BUILTINS: FunctionSpec[] = [
  // expr returns nil instead of failing when the argument has no first element.
  collection('first', [1, 1], arrayOnly('get first element from'), (args) =>
    Array.isArray(args[0]) ? at(args[0] as readonly Value[], 0) : null,
  ),
  collection('last', [1, 1], arrayOnly('get last element from'), (args) =>
    Array.isArray(args[0]) ? at(args[0] as readonly Value[], -1) : null,
  ),
  collection(
    'get',
    [2, 2],
    () => 'unknown',
    (args) => {
      const [from, key] = args;
      if (Array.isArray(from) && (typeof key === 'bigint' || typeof key === 'number')) {
        return at(from as readonly Value[], Math.trunc(Number(key)));
      }
      if (kindOf(from) === 'map' && typeof key === 'string') return ownValue(from as object, key).value;
      return null;
    },
  ),
  collection(
    'keys',
    [1, 1],
    (args) => requireArg(args, 0, ['map'], (t) => `cannot get keys from ${t}`) ?? 'array',
    (args, ctx) => {
      if (kindOf(args[0]) !== 'map') throw new Fault(`cannot get keys from ${typeName(args[0])}`);
      const keys = Object.keys(args[0] as object);
      ctx.charge(keys.length);
      return keys;
    },
  ),
  collection(
    'values',
    [1, 1],
    (args) => requireArg(args, 0, ['map'], (t) => `cannot get values from ${t}`) ?? 'array',
    (args, ctx) => {
      if (kindOf(args[0]) !== 'map') throw new Fault(`cannot get values from ${typeName(args[0])}`);
      const map = args[0] as object;
      const keys = Object.keys(map);
      ctx.charge(keys.length);
      return keys.map((k) => ownValue(map, k).value);
    },
  ),
  collection(
    'take',
    [2, 2],
    (args) =>
      requireArg(args, 0, ['array'], (t) => `cannot take from ${t}`) ??
      requireArg(args, 1, ['int'], (t) => `cannot take ${t} elements`) ??
      'array',
    (args, ctx) => {
      const items = arrayArg(args[0]!, (t) => `cannot take from ${t}`);
      const n = intArg(args[1]!, 'take');
      const taken = items.slice(0, n < 0n ? 0 : Number(n > BigInt(items.length) ? items.length : n));
      ctx.charge(taken.length);
      return taken;
    },
  ),
  collection(
    'reverse',
    [1, 1],
    (args) => requireArg(args, 0, ['array'], (t) => `cannot reverse ${t}`) ?? 'array',
    (args, ctx) => {
      const items = arrayArg(args[0]!, (t) => `cannot reverse ${t}`);
      ctx.charge(items.length);
      return [...items].reverse();
    },
  ),
  collection(
    'concat',
    [1, Infinity],
    (args) => {
      for (let i = 0; i < args.length; i++) {
        const problem = requireArg(args, i, ['array'], (t) => `cannot concat ${t}`);
        if (problem) return problem;
      }
      return 'array';
    },
    (args, ctx) => {
      const out: Value[] = [];
      for (const arg of args) {
        const items = arrayArg(arg, (t) => `cannot concat ${t}`);
        ctx.charge(items.length);
        out.push(...items);
      }
      return out;
    },
  ),
  collection(
    'type',
    [1, 1],
    () => 'string',
    (args) => {
      const kind = kindOf(args[0]);
      switch (kind) {
        case 'nil':
          return 'nil';
        case 'bool':
        case 'int':
        case 'float':
        case 'string':
        case 'array':
        case 'map':
          return kind;
        case 'time':
          return 'time.Time';
        case 'duration':
          return 'time.Duration';
        case 'unsupported':
          return 'unknown';
      }
    },
  ),
];
