/**
 * Builtins that take a closure over `#` (the element) and `#index`: all, any, none, one, filter,
 * map, count, sum, find, findIndex, findLast, findLastIndex. The interpreter evaluates the closure;
 * this file decides what its results mean.
 */
import { Fault } from './errors.js';
import { arithmetic, type Charge } from './ops.js';
import type { StaticType } from './static-types.js';
import { typeName, type Value } from './values.js';

/** Evaluates the closure for one element; null when the builtin was called without one. */
export type Apply = ((item: Value, index: number) => Value) | null;

export interface PredicateSpec {
  readonly name: string;
  /** Whether the closure is a test that must return a bool. */
  readonly test: boolean;
  result(body: StaticType): StaticType;
  run(items: readonly Value[], apply: Apply, charge: Charge): Value;
}

function truth(value: Value): boolean {
  if (typeof value !== 'boolean') throw new Fault(`predicate should return boolean (got ${typeName(value)})`);
  return value;
}

function tester(apply: Apply): (item: Value, index: number) => boolean {
  return apply ? (item, index) => truth(apply(item, index)) : (item) => truth(item);
}

function spec(name: string, test: boolean, result: StaticType | null, run: PredicateSpec['run']): PredicateSpec {
  return { name, test, result: (body) => result ?? body, run };
}

function findFrom(items: readonly Value[], apply: Apply, fromEnd: boolean): number {
  const passes = tester(apply);
  for (let k = 0; k < items.length; k++) {
    const i = fromEnd ? items.length - 1 - k : k;
    if (passes(items[i] ?? null, i)) return i;
  }
  return -1;
}

export const PREDICATES: ReadonlyMap<string, PredicateSpec> = new Map(
  [
    spec('all', true, 'bool', (items, apply) => items.every((item, i) => tester(apply)(item ?? null, i))),
    spec('any', true, 'bool', (items, apply) => items.some((item, i) => tester(apply)(item ?? null, i))),
    spec('none', true, 'bool', (items, apply) => !items.some((item, i) => tester(apply)(item ?? null, i))),
    // expr evaluates every element for one(), so a failing closure fails even after a second match.
    spec('one', true, 'bool', (items, apply) => items.filter((item, i) => tester(apply)(item ?? null, i)).length === 1),
    spec('filter', true, 'array', (items, apply) => items.filter((item, i) => tester(apply)(item ?? null, i))),
    spec('map', false, 'array', (items, apply) => items.map((item, i) => (apply ? apply(item ?? null, i) : (item ?? null)))),
    spec('count', true, 'int', (items, apply) => BigInt(items.filter((item, i) => tester(apply)(item ?? null, i)).length)),
    spec('sum', false, null, (items, apply, charge) => {
      // expr starts from the int 0 and adds each element to the accumulator: sum([]) is 0, an int.
      let total: Value = 0n;
      items.forEach((item, i) => {
        total = arithmetic('+', apply ? apply(item ?? null, i) : (item ?? null), total, charge);
      });
      return total;
    }),
    spec('find', true, 'unknown', (items, apply) => items[findFrom(items, apply, false)] ?? null),
    spec('findIndex', true, 'int', (items, apply) => BigInt(findFrom(items, apply, false))),
    spec('findLast', true, 'unknown', (items, apply) => items[findFrom(items, apply, true)] ?? null),
    spec('findLastIndex', true, 'int', (items, apply) => BigInt(findFrom(items, apply, true))),
  ].map((p) => [p.name, p]),
);
