/** The parser's tree for each construct, printed as S-expressions: precedence, associativity,
 * comparison chaining, negated operators, predicates, pipes, optional chaining, slices, `let`,
 * `if`/`else`, sequences, method calls and byte strings. Builtins parse as builtin nodes, other
 * calls as calls of a callee, as in expr. */
import { assertNever } from '../../src/util/assert-never.js';
import type { Node } from '../../src/expr/ast.js';
import { parse } from '../../src/expr/parser.js';

function sexp(node: Node): string {
  switch (node.kind) {
    case 'nil':
      return 'nil';
    case 'bool':
    case 'int':
    case 'float':
      return String(node.value);
    case 'string':
      return JSON.stringify(node.value);
    case 'identifier':
      return node.name;
    case 'pointer':
      return `#${node.name}`;
    case 'unary':
      return `(${node.op} ${sexp(node.operand)})`;
    case 'binary':
      return `(${node.op} ${sexp(node.left)} ${sexp(node.right)})`;
    case 'member':
      return `(${node.optional ? '?.' : '.'} ${sexp(node.object)} ${sexp(node.property)})`;
    case 'chain':
      return `(chain ${sexp(node.node)})`;
    case 'slice':
      return `(slice ${sexp(node.object)} ${node.from ? sexp(node.from) : '_'} ${node.to ? sexp(node.to) : '_'})`;
    case 'call':
      return `(call ${sexp(node.callee)}${node.args.map((a) => ` ${sexp(a)}`).join('')})`;
    case 'builtin':
      return `(${node.name}${node.args.map((a) => ` ${sexp(a)}`).join('')})`;
    case 'bytes':
      return `b[${[...node.value].join(' ')}]`;
    case 'constant':
      return 'const';
    case 'let':
      return `(let ${node.name} ${sexp(node.value)} ${sexp(node.body)})`;
    case 'sequence':
      return `(; ${node.nodes.map(sexp).join(' ')})`;
    case 'pair':
      return `${sexp(node.key)}:${sexp(node.value)}`;
    case 'predicate':
      return `{${sexp(node.body)}}`;
    case 'conditional':
      return `(? ${sexp(node.test)} ${sexp(node.then)} ${sexp(node.otherwise)})`;
    case 'array':
      return `[${node.elements.map(sexp).join(' ')}]`;
    case 'map':
      return `{${node.pairs.map(sexp).join(' ')}}`;
    default:
      return assertNever(node);
  }
}

it.each<[string, string]>([
  ['1 + 2 * 3', '(+ 1 (* 2 3))'],
  ['(1 + 2) * 3', '(* (+ 1 2) 3)'],
  ['10 - 2 - 3', '(- (- 10 2) 3)'],
  ['2 ** 3 ** 2', '(** 2 (** 3 2))'],
  ['2 ^ 3', '(^ 2 3)'],
  ['-2 ** 2', '(- (** 2 2))'],
  ['-a * b', '(* (- a) b)'],
  ['not a == b', '(== (not a) b)'],
  ['!a && b', '(&& (! a) b)'],
  ['a and b or c', '(or (and a b) c)'],
  ['a or b and c', '(or a (and b c))'],
  ['a < b < c', '(&& (< a b) (< b c))'],
  ['a < b == true', '(== (< a b) true)'],
  ['a == b != c', '(!= (== a b) c)'],
  ['a not in b', '(not (in a b))'],
  ['a not matches "x"', '(not (matches a "x"))'],
  ['"a" + "b" matches "c"', '(matches (+ "a" "b") "c")'],
  ['1..2 + 3', '(.. 1 (+ 2 3))'],
  ['x in 1..3', '(in x (.. 1 3))'],
  ['a ?? b ?? c', '(?? (?? a b) c)'],
  ['a + b ?? c', '(+ a (?? b c))'],
  ['a ? b : c ? d : e', '(? a b (? c d e))'],
  ['a ?: b', '(? a a b)'],
  ['a || b ? c : d', '(? (|| a b) c d)'],
  ['x | f(1)', '(call f x 1)'],
  ['x | len()', '(len x)'],
  ['let a = 1; a + 1', '(let a 1 (+ a 1))'],
  ['if a { 1 } else if b { 2 } else { 3 }', '(? a 1 (? b 2 3))'],
  ['1; 2; 3', '(; 1 2 3)'],
  ['(a; b)', '(; a b)'],
  ['t.Format("2006")', '(call (. t "Format") "2006")'],
  ['t?.Format("2006")', '(chain (call (?. t "Format") "2006"))'],
  ['b"\\x41\\n"', 'b[65 10]'],
  ['::len(x)', '(len x)'],
  ['reduce(r, #acc + #, 0)', '(reduce r {(+ #acc #)} 0)'],
  ['a?.b[0]', '(. (chain (?. a "b")) 0)'],
  ['x | all(# > 1)', '(all x {(> # 1)})'],
  ['a.b.c', '(. (. a "b") "c")'],
  ['a?.b.c', '(chain (. (?. a "b") "c"))'],
  ['a?.[0]', '(chain (?. a 0))'],
  ['a.in', '(. a "in")'],
  ['a["b"][0]', '(. (. a "b") 0)'],
  ['a[1:2]', '(slice a 1 2)'],
  ['a[:2]', '(slice a _ 2)'],
  ['a[1:]', '(slice a 1 _)'],
  ['a[:]', '(slice a _ _)'],
  ['all(r, # > 1)', '(all r {(> # 1)})'],
  ['all(r, {# > 1})', '(all r {(> # 1)})'],
  ['map(r, .v > #index)', '(map r {(> (. # "v") #index)})'],
  ['count(r)', '(count r)'],
  ['sum(r, # * 2,)', '(sum r {(* # 2)})'],
  ['len(r) > 0', '(> (len r) 0)'],
  ['[1, "a", nil,]', '[1 "a" nil]'],
  ['{a: 1, "b": 2, 3: c, (d): 4}', '{"a":1 "b":2 "3":c d:4}'],
  ['{a: 1, a: 2}', '{"a":1 "a":2}'],
  ['1.5e3 + .5', '(+ 1500 0.5)'],
  ['0x1F + 0o17 + 0b11 + 1_000', '(+ (+ (+ 31 15) 3) 1000)'],
])('%s parses as %s', (source, expected) => {
  expect(sexp(parse(source).root)).toBe(expected);
});

it('counts the nodes it builds', () => {
  expect(parse('1 + 2').nodeCount).toBe(3);
  expect(parse('len(result) == 0 || result[0] == 0').nodeCount).toBe(10);
  expect(parse('f(x)').nodeCount).toBe(3);
});
