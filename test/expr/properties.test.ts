/**
 * Property tests. Robustness: no input string, however broken, makes compile or run throw anything
 * but ExprError. Correctness against independent oracles: operator precedence and int/float
 * arithmetic against a model evaluated straight from the generated tree, the regex engine against
 * JavaScript's RegExp on the syntax both share, and Go number/duration printing round trips.
 */
import fc from 'fast-check';
import { compile, ExprError, goRegexpMatch, LIMITS, run } from '../../src/expr/index.js';
import { formatGoFloat } from '../../src/expr/format.js';
import { goPow } from '../../src/expr/go-math.js';
import { formatGoDuration, parseGoDuration } from '../../src/expr/go-duration.js';

const NAMES = new Set(['result']);

/** Compiles and runs; returns normally or with an ExprError, and fails the property otherwise. */
function survives(source: string, result: unknown): boolean {
  try {
    run(compile(source, NAMES), { result }, { nowMs: 0 });
  } catch (err) {
    if (!(err instanceof ExprError)) throw err;
    if (err.phase !== 'compile' && err.phase !== 'runtime') return false;
  }
  return true;
}

const results = fc.oneof(
  fc.constant(null),
  fc.constant([]),
  fc.double(),
  fc.array(fc.double(), { maxLength: 5 }),
  fc.string({ maxLength: 8 }),
  fc.jsonValue({ maxDepth: 3 }),
);

describe('robustness: only ExprError, for any input', () => {
  it('arbitrary strings of any code points', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 120 }), results, survives), { numRuns: 3000 });
  });

  it('arbitrary strings over the syntax alphabet', () => {
    const syntax = fc.constantFrom(...'()[]{}.,:;?!#"\'`|&=<>+-*/%^ _$0123456789aeinortx\\\n'.split(''), 'not ', ' in ', 'result', '..', '??', '?.', 'all(', 'len(', 'constructor', '__proto__', 'toString', '[[:', ':]]', 'duration("1');
    fc.assert(
      fc.property(fc.array(syntax, { maxLength: 60 }).map((parts) => parts.join('')), results, survives),
      { numRuns: 4000 },
    );
  });

  const word = fc.constantFrom('result', 'result[0]', 'len(result)', '#', '#index', '.a', 'nil', 'true', '"s"', "'t'", '1', '2.5', '1e3', '0x1F', '[1, 2]', '{a: 1}');
  const binary = fc.constantFrom('+', '-', '*', '/', '%', '**', '^', '==', '!=', '<', '<=', '>', '>=', '&&', '||', 'and', 'or', 'in', 'not in', 'matches', 'contains', 'startsWith', 'endsWith', '..', '??', '|');
  const { expression } = fc.letrec<{ expression: string }>((tie) => ({
    expression: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      word,
      fc.tuple(tie('expression'), binary, tie('expression')).map(([a, op, b]) => `${a} ${op} ${b}`),
      fc.tuple(fc.constantFrom('-', '!', 'not ', '+'), tie('expression')).map(([op, a]) => `${op}${a}`),
      tie('expression').map((a) => `(${a})`),
      fc.tuple(tie('expression'), tie('expression'), tie('expression')).map(([a, b, c]) => `${a} ? ${b} : ${c}`),
      fc
        .tuple(fc.constantFrom('all', 'any', 'none', 'one', 'filter', 'map', 'count', 'sum', 'find'), tie('expression'), tie('expression'), fc.boolean())
        .map(([f, c, p, braces]) => `${f}(${c}, ${braces ? `{${p}}` : p})`),
      fc
        .tuple(fc.constantFrom('len', 'abs', 'max', 'string', 'int', 'float', 'trim', 'split', 'asInt', 'isNaN', 'default', 'duration'), fc.array(tie('expression'), { maxLength: 3 }))
        .map(([f, args]) => `${f}(${args.join(', ')})`),
      fc.array(tie('expression'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
      fc.tuple(tie('expression'), tie('expression')).map(([a, i]) => `${a}[${i}]`),
      fc.tuple(tie('expression'), fc.constantFrom('.data', '?.data', '[1:]', '[:2]', '?.[0]')).map(([a, p]) => `${a}${p}`),
    ),
  }));

  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...'()[]{}.,:?!#"\'|&=<>+-*/ '.split(''), 'not', '..') }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  );

  function mutate(source: string, m: fc.Arbitrary<unknown> extends never ? never : { kind: string; at: number; length?: number; text?: string }): string {
    const at = source.length === 0 ? 0 : m.at % (source.length + 1);
    switch (m.kind) {
      case 'delete':
        return source.slice(0, at) + source.slice(at + (m.length ?? 1));
      case 'insert':
        return source.slice(0, at) + (m.text ?? '') + source.slice(at);
      case 'truncate':
        return source.slice(0, at);
      default:
        return source.slice(0, at) + source.slice(at, at + (m.length ?? 1)) + source.slice(at);
    }
  }

  it('generated expressions, as written and after small mutations', () => {
    fc.assert(
      fc.property(expression, fc.array(mutation, { maxLength: 3 }), results, (source, mutations, result) => {
        const broken = mutations.reduce((s, m) => mutate(s, m), source);
        return survives(source, result) && survives(broken, result);
      }),
      { numRuns: 3000 },
    );
  });

  it('any nesting depth gives a value or the nesting error', () => {
    const shapes = {
      parens: (n: number) => `${'('.repeat(n)}1${')'.repeat(n)}`,
      unary: (n: number) => `${'-'.repeat(n)}1`,
      arrays: (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`,
      sums: (n: number) => Array(n + 1).fill('1').join('+'),
    };
    fc.assert(
      fc.property(fc.constantFrom(...(Object.keys(shapes) as (keyof typeof shapes)[])), fc.integer({ min: 1, max: 12_000 }), (shape, n) => {
        try {
          run(compile(shapes[shape](n), NAMES), { result: null });
          return n < LIMITS.maxDepth;
        } catch (err) {
          return err instanceof ExprError && err.message.startsWith('expression is nested too deeply') && n >= LIMITS.maxDepth - 2;
        }
      }),
      { numRuns: 80 },
    );
  });
});

/** A typed expression tree, printed with the fewest parentheses expr's precedence table allows. */
type Tree =
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'unary'; op: '-' | 'not'; x: Tree }
  | { t: 'binary'; op: string; l: Tree; r: Tree };

const PRECEDENCE: Record<string, [number, 'left' | 'right']> = {
  '||': [10, 'left'],
  '&&': [15, 'left'],
  '==': [20, 'left'],
  '!=': [20, 'left'],
  '<': [20, 'left'],
  '<=': [20, 'left'],
  '>': [20, 'left'],
  '>=': [20, 'left'],
  '+': [30, 'left'],
  '-': [30, 'left'],
  '*': [60, 'left'],
  '/': [60, 'left'],
  '%': [60, 'left'],
  '**': [100, 'right'],
};
const UNARY_PRECEDENCE = { '-': 90, not: 50 };

function print(tree: Tree, parent = 0, side: 'left' | 'right' | 'none' = 'none'): string {
  switch (tree.t) {
    case 'int':
      return tree.v < 0n ? `(${tree.v})` : `${tree.v}`;
    case 'float': {
      const text = Number.isInteger(tree.v) ? `${tree.v}.0` : `${tree.v}`;
      return tree.v < 0 || text.includes('e') ? `(${tree.v < 0 ? '-' : ''}${Math.abs(tree.v)}${Number.isInteger(tree.v) ? '.0' : ''})` : text;
    }
    case 'bool':
      return `${tree.v}`;
    case 'unary': {
      const own = UNARY_PRECEDENCE[tree.op];
      const text = `${tree.op === 'not' ? 'not ' : '-'}${print(tree.x, own, 'right')}`;
      return parent > own ? `(${text})` : text;
    }
    case 'binary': {
      const [own, assoc] = PRECEDENCE[tree.op]!;
      const text = `${print(tree.l, own, 'left')} ${tree.op} ${print(tree.r, own, 'right')}`;
      // Comparisons chain in expr (`a < b < c`), so a comparison inside a comparison is always wrapped.
      const needs = parent > own || (parent === own && (own === 20 || side !== assoc));
      return needs ? `(${text})` : text;
    }
  }
}

class DivideByZero extends Error {}

/** The oracle: Go semantics computed directly from the tree (int64 wrapping, float64, NaN compares false). */
function model(tree: Tree): bigint | number | boolean {
  switch (tree.t) {
    case 'int':
    case 'float':
    case 'bool':
      return tree.v;
    case 'unary': {
      const x = model(tree.x);
      if (tree.op === 'not') return !x;
      return typeof x === 'bigint' ? BigInt.asIntN(64, -x) : -(x as number);
    }
    case 'binary': {
      const l = model(tree.l);
      if (tree.op === '&&') return (l as boolean) && (model(tree.r) as boolean);
      if (tree.op === '||') return (l as boolean) || (model(tree.r) as boolean);
      const r = model(tree.r);
      if (typeof l === 'bigint' && typeof r === 'bigint' && tree.op !== '/' && tree.op !== '**') {
        switch (tree.op) {
          case '+':
            return BigInt.asIntN(64, l + r);
          case '-':
            return BigInt.asIntN(64, l - r);
          case '*':
            return BigInt.asIntN(64, l * r);
          case '%':
            if (r === 0n) throw new DivideByZero();
            return l % r;
        }
      }
      const x = Number(l);
      const y = Number(r);
      switch (tree.op) {
        case '+':
          return x + y;
        case '-':
          return x - y;
        case '*':
          return x * y;
        case '/':
          return x / y;
        case '**':
          return goPow(x, y);
        case '==':
          return x === y;
        case '!=':
          return x !== y;
        case '<':
          return x < y;
        case '<=':
          return x <= y;
        case '>':
          return x > y;
        default:
          return x >= y;
      }
    }
  }
}

const intLeaf = fc.bigInt({ min: -50n, max: 50n }).map((v): Tree => ({ t: 'int', v }));
const floatLeaf = fc
  .oneof(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.constantFrom(0.5, 1.25, -3.0, 0.1))
  .map((v): Tree => ({ t: 'float', v: Object.is(v, -0) ? 0 : v }));
const { num, ints } = fc.letrec<{ num: Tree; ints: Tree }>((tie) => ({
  ints: fc.oneof(
    { depthSize: 'small' },
    intLeaf,
    fc.tuple(fc.constantFrom('+', '-', '*', '%'), tie('ints'), tie('ints')).map(([op, l, r]): Tree => ({ t: 'binary', op, l, r })),
    tie('ints').map((x): Tree => ({ t: 'unary', op: '-', x })),
  ),
  num: fc.oneof(
    { depthSize: 'small' },
    intLeaf,
    floatLeaf,
    tie('ints'),
    fc.tuple(fc.constantFrom('+', '-', '*', '/'), tie('num'), tie('num')).map(([op, l, r]): Tree => ({ t: 'binary', op, l, r })),
    fc
      .tuple(fc.double({ min: 0.5, max: 4, noNaN: true }), fc.integer({ min: -3, max: 3 }))
      .map(([b, e]): Tree => ({ t: 'binary', op: '**', l: { t: 'float', v: b }, r: { t: 'int', v: BigInt(e) } })),
    tie('num').map((x): Tree => ({ t: 'unary', op: '-', x })),
  ),
}));
const { bool } = fc.letrec<{ bool: Tree }>((tie) => ({
  bool: fc.oneof(
    { depthSize: 'small' },
    fc.boolean().map((v): Tree => ({ t: 'bool', v })),
    fc.tuple(fc.constantFrom('==', '!=', '<', '<=', '>', '>='), num, num).map(([op, l, r]): Tree => ({ t: 'binary', op, l, r })),
    fc.tuple(fc.constantFrom('&&', '||'), tie('bool'), tie('bool')).map(([op, l, r]): Tree => ({ t: 'binary', op, l, r })),
    tie('bool').map((x): Tree => ({ t: 'unary', op: 'not', x })),
  ),
}));

describe('precedence and arithmetic against a model', () => {
  /** expr folds constant operands when compiling, so `x % 0` anywhere is a compile error, even
   * in a branch that short-circuiting would never evaluate. */
  function foldsModuloByZero(tree: Tree): boolean {
    if (tree.t === 'binary') {
      if (tree.op === '%') {
        try {
          if (model(tree.r) === 0n) return true;
        } catch {
          // a nested % 0: found below
        }
      }
      return foldsModuloByZero(tree.l) || foldsModuloByZero(tree.r);
    }
    return tree.t === 'unary' ? foldsModuloByZero(tree.x) : false;
  }

  function agrees(tree: Tree): boolean {
    const source = print(tree);
    let expected: unknown;
    try {
      expected = foldsModuloByZero(tree) ? new DivideByZero() : model(tree);
    } catch (err) {
      if (!(err instanceof DivideByZero)) throw err;
      expected = new DivideByZero();
    }
    try {
      const actual = run(compile(source, new Set()), {});
      expect([source, actual]).toEqual([source, expected]);
    } catch (err) {
      if (!(expected instanceof DivideByZero)) throw err;
      expect(err).toBeInstanceOf(ExprError);
      // Constant operands are folded when compiling, as in expr: the same error, found earlier.
      expect(['runtime error: integer divide by zero', 'integer divide by zero']).toContain((err as ExprError).message);
    }
    return true;
  }

  it('int expressions keep int64 semantics, wrapping included', () => {
    fc.assert(fc.property(ints, agrees), { numRuns: 1500 });
  });

  it('mixed int/float expressions follow float64 arithmetic', () => {
    fc.assert(fc.property(num, agrees), { numRuns: 1500 });
  });

  it('boolean expressions over comparisons, with NaN and ±Inf comparing as in Go', () => {
    fc.assert(fc.property(bool, agrees), { numRuns: 1500 });
  });
});

describe('regular expressions against JavaScript RegExp on their shared syntax', () => {
  // Built by explicit depth so patterns stay small: JavaScript's backtracking engine is the slow side here.
  const regexOf = (depth: number): fc.Arbitrary<string> => {
    const leaf = fc.constantFrom('a', 'b', 'c', '.', '[ab]', '[^a]', '[a-c]', '\\d', '\\w', '\\s', '\\.', 'x');
    const atom =
      depth === 0
        ? leaf
        : fc.oneof(leaf, leaf, regexOf(depth - 1).map((r) => `(${r})`), regexOf(depth - 1).map((r) => `(?:${r})`));
    const piece = fc.tuple(atom, fc.constantFrom('', '', '', '*', '+', '?', '{1,2}', '{2}', '{0,}', '*?', '+?')).map(([a, q]) => a + q);
    return fc
      .tuple(
        fc.constantFrom('', '', '^'),
        fc.array(fc.array(piece, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 2 }),
        fc.constantFrom('', '', '$'),
      )
      .map(([start, alternatives, end]) => `${start}${alternatives.map((pieces) => pieces.join('')).join('|')}${end}`);
  };
  const regex = regexOf(2);
  const text = fc.string({ unit: fc.constantFrom(...'abcx1 .'.split('')), maxLength: 12 });

  it('match the same strings', () => {
    fc.assert(
      fc.property(regex, text, (pattern, input) => goRegexpMatch(pattern, input) === new RegExp(pattern).test(input)),
      { numRuns: 3000 },
    );
  });
});

describe('Go printing round trips', () => {
  it('%v of a float64 reads back as the same number', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => Object.is(Number(formatGoFloat(x)), x)),
      { numRuns: 5000 },
    );
  });

  it('Duration.String parses back to the same duration', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), (ns) => {
        const parsed = parseGoDuration(formatGoDuration(ns));
        return parsed.ok && parsed.nanoseconds === ns;
      }),
      { numRuns: 3000 },
    );
  });
});
