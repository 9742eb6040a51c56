/**
 * The syntax tree, node for node as expr's parser builds it (BuiltinNode for builtins, CallNode
 * for environment functions and methods, ChainNode around optional members). The checker writes
 * each node's nature; the optimizer rewrites the tree. `at` is the UTF-16 offset errors point at.
 */
import { assertNever } from '../util/assert-never.js';
import type { Nature } from './types.js';
import type { Value } from './values.js';

interface Base {
  at: number;
  /** Set by the checker (and by optimizer rewrites). */
  nature?: Nature;
}

export type Node = Base &
  (
    | { kind: 'nil' }
    | { kind: 'bool'; value: boolean }
    | { kind: 'int'; value: bigint }
    | { kind: 'float'; value: number }
    | { kind: 'string'; value: string }
    | { kind: 'bytes'; value: Uint8Array }
    /** Only made by the optimizer: a folded array literal, or the set an `in [..]` is turned into. */
    | { kind: 'constant'; value: Value | ReadonlySet<string | bigint> }
    | { kind: 'identifier'; name: string }
    /** `#`, `#index`, `#acc`, and the implicit `#` of `.field` inside a predicate. */
    | { kind: 'pointer'; name: string }
    | { kind: 'unary'; op: string; operand: Node }
    | { kind: 'binary'; op: string; left: Node; right: Node }
    | { kind: 'chain'; node: Node }
    | { kind: 'member'; object: Node; property: Node; optional: boolean; method: boolean }
    | { kind: 'slice'; object: Node; from: Node | null; to: Node | null }
    | { kind: 'call'; callee: Node; args: Node[] }
    | { kind: 'builtin'; name: string; args: Node[]; throws?: boolean; map?: Node; threshold?: number }
    | { kind: 'predicate'; body: Node }
    | { kind: 'conditional'; test: Node; then: Node; otherwise: Node; ternary: boolean }
    | { kind: 'let'; name: string; value: Node; body: Node }
    | { kind: 'sequence'; nodes: Node[] }
    | { kind: 'array'; elements: Node[] }
    | { kind: 'map'; pairs: Node[] }
    | { kind: 'pair'; key: Node; value: Node }
  );

export type NodeKind = Node['kind'];
export type NodeOf<K extends NodeKind> = Extract<Node, { kind: K }>;

/** Direct children in evaluation order. */
export function children(node: Node): Node[] {
  switch (node.kind) {
    case 'nil':
    case 'bool':
    case 'int':
    case 'float':
    case 'string':
    case 'bytes':
    case 'constant':
    case 'identifier':
    case 'pointer':
      return [];
    case 'unary':
      return [node.operand];
    case 'binary':
      return [node.left, node.right];
    case 'chain':
      return [node.node];
    case 'member':
      return [node.object, node.property];
    case 'slice':
      return [node.object, ...(node.from ? [node.from] : []), ...(node.to ? [node.to] : [])];
    case 'call':
      return [node.callee, ...node.args];
    case 'builtin':
      return node.map ? [...node.args, node.map] : node.args;
    case 'predicate':
      return [node.body];
    case 'conditional':
      return [node.test, node.then, node.otherwise];
    case 'let':
      return [node.value, node.body];
    case 'sequence':
      return node.nodes;
    case 'array':
      return node.elements;
    case 'map':
      return node.pairs;
    case 'pair':
      return [node.key, node.value];
    default:
      return assertNever(node, 'expression node');
  }
}

/**
 * ast.Walk: children first, then `visit`, which may return a replacement for the node (the
 * optimizer's Patch). Returns the (possibly replaced) root.
 */
export function walk(node: Node, visit: (node: Node) => Node): Node {
  switch (node.kind) {
    case 'nil':
    case 'bool':
    case 'int':
    case 'float':
    case 'string':
    case 'bytes':
    case 'constant':
    case 'identifier':
    case 'pointer':
      break;
    case 'unary':
      node.operand = walk(node.operand, visit);
      break;
    case 'binary':
      node.left = walk(node.left, visit);
      node.right = walk(node.right, visit);
      break;
    case 'chain':
      node.node = walk(node.node, visit);
      break;
    case 'member':
      node.object = walk(node.object, visit);
      node.property = walk(node.property, visit);
      break;
    case 'slice':
      node.object = walk(node.object, visit);
      if (node.from) node.from = walk(node.from, visit);
      if (node.to) node.to = walk(node.to, visit);
      break;
    case 'call':
      node.callee = walk(node.callee, visit);
      node.args = node.args.map((a) => walk(a, visit));
      break;
    case 'builtin':
      node.args = node.args.map((a) => walk(a, visit));
      if (node.map) node.map = walk(node.map, visit);
      break;
    case 'predicate':
      node.body = walk(node.body, visit);
      break;
    case 'conditional':
      node.test = walk(node.test, visit);
      node.then = walk(node.then, visit);
      node.otherwise = walk(node.otherwise, visit);
      break;
    case 'let':
      node.value = walk(node.value, visit);
      node.body = walk(node.body, visit);
      break;
    case 'sequence':
      node.nodes = node.nodes.map((n) => walk(n, visit));
      break;
    case 'array':
      node.elements = node.elements.map((n) => walk(n, visit));
      break;
    case 'map':
      node.pairs = node.pairs.map((n) => walk(n, visit));
      break;
    case 'pair':
      node.key = walk(node.key, visit);
      node.value = walk(node.value, visit);
      break;
    default:
      return assertNever(node, 'expression node');
  }
  return visit(node);
}

/** True when `find` holds for the node or a node below it. */
export function some(node: Node, find: (node: Node) => boolean): boolean {
  return find(node) || children(node).some((c) => some(c, find));
}

/** Structural equality, standing in for expr's comparison of printed nodes (ast.Node.String()). */
export function sameTree(a: Node, b: Node): boolean {
  if (a.kind !== b.kind) return false;
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  for (const key of ['value', 'name', 'op', 'optional', 'method']) {
    const u = x[key];
    const v = y[key];
    if (u instanceof Uint8Array && v instanceof Uint8Array) {
      if (u.length !== v.length || u.some((byte, i) => byte !== v[i])) return false;
    } else if (typeof u !== 'object' && u !== v) return false;
  }
  const ca = children(a);
  const cb = children(b);
  return ca.length === cb.length && ca.every((c, i) => sameTree(c, cb[i]!));
}
