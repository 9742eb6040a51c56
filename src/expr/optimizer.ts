/**
 * expr's optimizer passes, which Argo gets by default and which change results at the edges:
 * constant folding (`1 % 0` is a compile error, `x and false` is false without evaluating x),
 * `in [1, 2]` as a set lookup, filter()[0] as find(), count() > 0 as any(), sum(a..b) in closed
 * form. Applied in expr's order after checking.
 */
import { sameTree, some, walk, type Node, type NodeOf } from './ast.js';
import { errorAt } from './errors.js';
import { goPow } from './go-math.js';
import { of, SLICE, T, type Nature } from './types.js';
import { wrapInt, type Value } from './values.js';

export function optimize(root: Node, source: string): Node {
  let node = walk(root, inArray);
  for (let limit = 1000; limit >= 0; limit--) {
    const pass = { applied: false };
    node = walk(node, (n) => fold(n, pass, source));
    if (!pass.applied) break;
  }
  for (const visit of [inRange, filterMap, filterLen, filterLast, filterFirst, predicateCombination, sumRange, sumArray, sumMap, countAny, countThreshold]) {
    node = walk(node, visit);
  }
  return node;
}

const typeOf = (node: Node): Nature | undefined => node.nature;
const isIntTyped = (node: Node) => node.nature?.type?.kind === 'int';

function withType<N extends Node>(node: N, nature: Nature | undefined): N {
  node.nature = nature;
  return node;
}

function literalType(node: Node): Node {
  switch (node.kind) {
    case 'bool':
      return withType(node, of(T.bool));
    case 'int':
      return withType(node, of(T.int));
    case 'float':
      return withType(node, of(T.float64));
    case 'string':
      return withType(node, of(T.string));
    default:
      return node;
  }
}

function inArray(node: Node): Node {
  if (node.kind !== 'binary' || node.op !== 'in' || node.right.kind !== 'array' || node.right.elements.length === 0) return node;
  const elements = node.right.elements;
  if (isIntTyped(node.left) && elements.every((e) => e.kind === 'int')) {
    const set = new Set(elements.map((e) => (e as NodeOf<'int'>).value));
    return withType({ kind: 'binary', at: node.at, op: 'in', left: node.left, right: { kind: 'constant', at: node.right.at, value: set, nature: { type: null } } }, typeOf(node));
  }
  if (elements.every((e) => e.kind === 'string')) {
    const set = new Set(elements.map((e) => (e as NodeOf<'string'>).value));
    return withType({ kind: 'binary', at: node.at, op: 'in', left: node.left, right: { kind: 'constant', at: node.right.at, value: set, nature: { type: null } } }, typeOf(node));
  }
  return node;
}

function fold(node: Node, pass: { applied: boolean }, source: string): Node {
  const patch = (n: Node): Node => {
    pass.applied = true;
    n.at = node.at;
    return literalType(n);
  };
  const patchCopy = (n: Node): Node => {
    pass.applied = true;
    n.nature = node.nature;
    return n;
  };
  if (node.kind === 'unary') {
    const x = node.operand;
    if (node.op === '-') {
      if (x.kind === 'int') return patch({ kind: 'int', at: node.at, value: wrapInt(-x.value) });
      if (x.kind === 'float') return patch({ kind: 'float', at: node.at, value: -x.value });
    } else if (node.op === '+') {
      if (x.kind === 'int') return patch({ kind: 'int', at: node.at, value: x.value });
      if (x.kind === 'float') return patch({ kind: 'float', at: node.at, value: x.value });
    } else if (x.kind === 'bool') return patch({ kind: 'bool', at: node.at, value: !x.value });
    return node;
  }
  if (node.kind === 'binary') {
    const { left: l, right: r } = node;
    const num = (n: Node): number | null => (n.kind === 'int' ? Number(n.value) : n.kind === 'float' ? n.value : null);
    const bothInt = l.kind === 'int' && r.kind === 'int';
    const numbers = num(l) !== null && num(r) !== null;
    switch (node.op) {
      case '+':
        if (bothInt) return patch({ kind: 'int', at: node.at, value: wrapInt(l.value + r.value) });
        if (numbers) return patch({ kind: 'float', at: node.at, value: num(l)! + num(r)! });
        if (l.kind === 'string' && r.kind === 'string') return patch({ kind: 'string', at: node.at, value: l.value + r.value });
        return node;
      case '-':
        if (bothInt) return patch({ kind: 'int', at: node.at, value: wrapInt(l.value - r.value) });
        if (numbers) return patch({ kind: 'float', at: node.at, value: num(l)! - num(r)! });
        return node;
      case '*':
        if (bothInt) return patch({ kind: 'int', at: node.at, value: wrapInt(l.value * r.value) });
        if (numbers) return patch({ kind: 'float', at: node.at, value: num(l)! * num(r)! });
        return node;
      case '/':
        if (numbers) return patch({ kind: 'float', at: node.at, value: num(l)! / num(r)! });
        return node;
      case '%':
        if (bothInt) {
          if (r.value === 0n) throw errorAt('compile', 'integer divide by zero', source, node.at);
          return patch({ kind: 'int', at: node.at, value: l.value % r.value });
        }
        return node;
      case '**':
      case '^':
        if (numbers) return patch({ kind: 'float', at: node.at, value: goPow(num(l)!, num(r)!) });
        return node;
      case 'and':
      case '&&': {
        const a = l.kind === 'bool' ? l.value : null;
        const b = r.kind === 'bool' ? r.value : null;
        if (a === true) return patchCopy(r);
        if (b === true) return patchCopy(l);
        if (a === false || b === false) return patch({ kind: 'bool', at: node.at, value: false });
        return node;
      }
      case 'or':
      case '||': {
        const a = l.kind === 'bool' ? l.value : null;
        const b = r.kind === 'bool' ? r.value : null;
        if (a === false) return patchCopy(r);
        if (b === false) return patchCopy(l);
        if (a === true || b === true) return patch({ kind: 'bool', at: node.at, value: true });
        return node;
      }
      case '==':
        if (bothInt) return patch({ kind: 'bool', at: node.at, value: l.value === r.value });
        if (l.kind === 'string' && r.kind === 'string') return patch({ kind: 'bool', at: node.at, value: l.value === r.value });
        if (l.kind === 'bool' && r.kind === 'bool') return patch({ kind: 'bool', at: node.at, value: l.value === r.value });
        return node;
      default:
        return node;
    }
  }
  if (node.kind === 'array' && node.elements.length > 0) {
    if (!node.elements.every((e) => e.kind === 'int' || e.kind === 'float' || e.kind === 'string' || e.kind === 'bool')) return node;
    const value: Value[] = node.elements.map((e) => (e as NodeOf<'int' | 'float' | 'string' | 'bool'>).value);
    pass.applied = true;
    return { kind: 'constant', at: node.at, value, nature: of(SLICE.any) };
  }
  if (node.kind === 'builtin' && node.name === 'filter' && node.args.length === 2) {
    const base = node.args[0]!;
    if (base.kind === 'builtin' && base.name === 'filter' && base.args[1]?.kind === 'predicate' && node.args[1]!.kind === 'predicate') {
      return patchCopy({
        kind: 'builtin',
        at: node.at,
        name: 'filter',
        args: [
          base.args[0]!,
          { kind: 'predicate', at: base.args[1].at, body: { kind: 'binary', at: node.at, op: '&&', left: base.args[1].body, right: node.args[1].body } },
        ],
      });
    }
  }
  return node;
}

function inRange(node: Node): Node {
  if (node.kind !== 'binary' || node.op !== 'in' || !isIntTyped(node.left)) return node;
  const r = node.right;
  if (r.kind !== 'binary' || r.op !== '..' || r.left.kind !== 'int' || r.right.kind !== 'int') return node;
  return withType(
    {
      kind: 'binary',
      at: node.at,
      op: 'and',
      left: { kind: 'binary', at: node.at, op: '>=', left: node.left, right: r.left },
      right: { kind: 'binary', at: node.at, op: '<=', left: node.left, right: r.right },
    },
    typeOf(node),
  );
}

function filterMap(node: Node): Node {
  if (node.kind !== 'builtin' || node.name !== 'map' || node.args.length !== 2) return node;
  const [filter, predicate] = node.args as [Node, Node];
  if (some(predicate, (n) => n.kind === 'pointer' && n.name === 'index')) return node;
  if (predicate.kind !== 'predicate' || filter.kind !== 'builtin' || filter.name !== 'filter' || filter.map) return node;
  return withType({ kind: 'builtin', at: node.at, name: 'filter', args: filter.args, map: predicate.body }, typeOf(node));
}

function filterLen(node: Node): Node {
  if (node.kind !== 'builtin' || node.name !== 'len' || node.args.length !== 1) return node;
  const filter = node.args[0]!;
  if (filter.kind !== 'builtin' || filter.name !== 'filter' || filter.args.length !== 2) return node;
  return withType({ kind: 'builtin', at: node.at, name: 'count', args: filter.args }, typeOf(node));
}

function filterEnd(node: Node, index: bigint, fn: 'first' | 'last', find: 'find' | 'findLast'): Node {
  if (node.kind === 'member' && !node.optional && node.property.kind === 'int' && node.property.value === index) {
    const filter = node.object;
    if (filter.kind === 'builtin' && filter.name === 'filter' && filter.args.length === 2) {
      return withType({ kind: 'builtin', at: node.at, name: find, args: filter.args, throws: true, map: filter.map }, typeOf(node));
    }
  }
  if (node.kind === 'builtin' && node.name === fn && node.args.length === 1) {
    const filter = node.args[0]!;
    if (filter.kind === 'builtin' && filter.name === 'filter' && filter.args.length === 2) {
      return withType({ kind: 'builtin', at: node.at, name: find, args: filter.args, throws: false, map: filter.map }, typeOf(node));
    }
  }
  return node;
}

const filterLast = (node: Node) => filterEnd(node, -1n, 'last', 'findLast');
const filterFirst = (node: Node) => filterEnd(node, 0n, 'first', 'find');

function predicateCombination(node: Node): Node {
  if (node.kind !== 'binary' || !['and', 'or', '&&', '||'].includes(node.op)) return node;
  const { left, right } = node;
  if (left.kind !== 'builtin' || right.kind !== 'builtin' || right.name !== left.name) return node;
  let combined: string | null = null;
  if (left.name === 'all' && (node.op === 'and' || node.op === '&&')) combined = node.op;
  else if (left.name === 'any' && (node.op === 'or' || node.op === '||')) combined = node.op;
  else if (left.name === 'none' && (node.op === 'and' || node.op === '&&')) combined = node.op === 'and' ? 'or' : '||';
  if (!combined) return node;
  const [la, lp] = left.args as [Node, Node];
  const [ra, rp] = right.args as [Node, Node];
  if (la.nature?.type !== ra.nature?.type || !sameTree(la, ra) || lp.kind !== 'predicate' || rp.kind !== 'predicate') return node;
  const body = predicateCombination({ kind: 'binary', at: node.at, op: combined, left: lp.body, right: rp.body });
  return withType({ kind: 'builtin', at: node.at, name: left.name, args: [la, { kind: 'predicate', at: lp.at, body }] }, typeOf(node));
}

function sumRange(node: Node): Node {
  if (node.kind !== 'builtin') return node;
  const int = (value: bigint): Node => ({ kind: 'int', at: node.at, value: wrapInt(value), nature: of(T.int) });
  if (node.name === 'sum' && (node.args.length === 1 || node.args.length === 2)) {
    const range = node.args[0]!;
    if (range.kind === 'binary' && range.op === '..' && range.left.kind === 'int' && range.right.kind === 'int') {
      const m = range.left.value;
      const n = range.right.value;
      if (n >= m) {
        const count = wrapInt(n - m + 1n);
        const sum = wrapInt(wrapInt(count * wrapInt(m + n)) / 2n);
        if (node.args.length === 1) return int(sum);
        const result = applySumPredicate(sum, count, node.args[1]!);
        if (result !== null) return int(result);
      }
    }
  }
  if (node.name === 'reduce' && (node.args.length === 2 || node.args.length === 3)) {
    const range = node.args[0]!;
    if (range.kind === 'binary' && range.op === '..' && range.left.kind === 'int' && range.right.kind === 'int' && isPointerPlusAcc(node.args[1]!)) {
      const m = range.left.value;
      const n = range.right.value;
      if (n >= m) {
        const sum = wrapInt(wrapInt(wrapInt(n - m + 1n) * wrapInt(m + n)) / 2n);
        if (node.args.length === 3) {
          const initial = node.args[2]!;
          if (initial.kind === 'int') return int(initial.value + sum);
        } else return int(sum);
      }
    }
  }
  return node;
}

function isPointerPlusAcc(node: Node): boolean {
  if (node.kind !== 'predicate' || node.body.kind !== 'binary' || node.body.op !== '+') return false;
  const { left, right } = node.body;
  if (left.kind !== 'pointer' || right.kind !== 'pointer') return false;
  return (left.name === '' && right.name === 'acc') || (left.name === 'acc' && right.name === '');
}

function applySumPredicate(sum: bigint, count: bigint, predicate: Node): bigint | null {
  if (predicate.kind !== 'predicate') return null;
  const body = predicate.body;
  if (body.kind === 'pointer' && body.name === '') return sum;
  if (body.kind !== 'binary') return null;
  let constant: bigint | null = null;
  let pointerOnLeft = false;
  if (body.left.kind === 'pointer' && body.left.name === '' && body.right.kind === 'int') {
    constant = body.right.value;
    pointerOnLeft = true;
  } else if (body.left.kind === 'int' && body.right.kind === 'pointer' && body.right.name === '') {
    constant = body.left.value;
  }
  if (constant === null) return null;
  switch (body.op) {
    case '*':
      return wrapInt(constant * sum);
    case '+':
      return wrapInt(sum + wrapInt(count * constant));
    case '-':
      return pointerOnLeft ? wrapInt(sum - wrapInt(count * constant)) : wrapInt(wrapInt(count * constant) - sum);
    default:
      return null;
  }
}

function sumArray(node: Node): Node {
  if (node.kind !== 'builtin' || node.name !== 'sum' || node.args.length !== 1) return node;
  const array = node.args[0]!;
  if (array.kind !== 'array' || array.elements.length < 2) return node;
  const fold = (items: Node[]): Node =>
    items.length === 2
      ? { kind: 'binary', at: node.at, op: '+', left: items[0]!, right: items[1]! }
      : { kind: 'binary', at: node.at, op: '+', left: items[0]!, right: fold(items.slice(1)) };
  return withType(fold(array.elements), typeOf(node));
}

function sumMap(node: Node): Node {
  if (node.kind !== 'builtin' || node.name !== 'sum' || node.args.length !== 1) return node;
  const map = node.args[0]!;
  if (map.kind !== 'builtin' || map.name !== 'map' || map.args.length !== 2) return node;
  return withType({ kind: 'builtin', at: node.at, name: 'sum', args: [map.args[0]!, map.args[1]!] }, typeOf(node));
}

function countAny(node: Node): Node {
  if (node.kind !== 'binary') return node;
  const count = node.left;
  if (count.kind !== 'builtin' || count.name !== 'count' || count.args.length !== 2 || node.right.kind !== 'int') return node;
  const v = node.right.value;
  if ((node.op === '>' && v === 0n) || (node.op === '>=' && v === 1n)) {
    return withType({ kind: 'builtin', at: node.at, name: 'any', args: count.args }, typeOf(node));
  }
  return node;
}

function countThreshold(node: Node): Node {
  if (node.kind !== 'binary') return node;
  const count = node.left;
  if (count.kind !== 'builtin' || count.name !== 'count' || count.args.length !== 2 || node.right.kind !== 'int') return node;
  const v = node.right.value;
  if (v < 0n) return node;
  let threshold: bigint;
  switch (node.op) {
    case '>':
    case '<=':
      threshold = v + 1n;
      break;
    case '>=':
    case '<':
      threshold = v;
      break;
    default:
      return node;
  }
  if (threshold <= 1n) return node;
  count.threshold = Number(threshold);
  return node;
}
