/** Conditions are evaluated every interval: compiling the same source twice must be a cache hit. */
import { Lru } from '../../src/expr/cache.js';
import { compile, ExprError } from '../../src/expr/index.js';

it('evicts the least recently used entry', () => {
  const lru = new Lru<string, number>(2);
  lru.set('a', 1);
  lru.set('b', 2);
  expect(lru.get('a')).toBe(1);
  lru.set('c', 3);
  expect(lru.get('b')).toBeUndefined();
  expect(lru.get('a')).toBe(1);
  expect(lru.get('c')).toBe(3);
  expect(lru.size).toBe(2);
});

it('returns the same program for the same source and names', () => {
  const names = new Set(['result']);
  const first = compile('len(result) > 0', names);
  expect(compile('len(result) > 0', new Set(['result']))).toBe(first);
  expect(compile('len(result) > 0', new Set(['result', 'other']))).not.toBe(first);
  expect(compile('len(result) >= 0', names)).not.toBe(first);
});

it('remembers compile errors too', () => {
  const error = (() => {
    try {
      compile('len(result', new Set(['result']));
    } catch (err) {
      return err;
    }
    return null;
  })();
  expect(error).toBeInstanceOf(ExprError);
  expect(() => compile('len(result', new Set(['result']))).toThrow(error as ExprError);
});
