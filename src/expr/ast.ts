/**
 * The syntax tree. Nodes are immutable plain data; `at` is the UTF-16 offset of the token that
 * errors about the node should point at.
 */
import { assertNever } from '../util/assert-never.js';

/** `and`/`or`/`not`/`^` are spelled differently in the source but mean `&&`/`||`/`!`/`**`; nodes keep
 * the user's spelling in `spelled` for messages. */
export type BinaryOperator =
  | '||'
  | '&&'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'in'
  | 'matches'
  | 'contains'
  | 'startsWith'
  | 'endsWith'
  | '..'
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '**'
  | '??';

export type UnaryOperator = '!' | '-' | '+';

export type Node =
  | { kind: 'nil'; at: number }
  | { kind: 'bool'; at: number; value: boolean }
  | { kind: 'int'; at: number; value: bigint }
  | { kind: 'float'; at: number; value: number }
  | { kind: 'string'; at: number; value: string }
  | { kind: 'identifier'; at: number; name: string }
  /** `#` (name '') or `#index` inside a predicate; `.field` there is a member of `#`. */
  | { kind: 'pointer'; at: number; name: string }
  | { kind: 'unary'; at: number; op: UnaryOperator; spelled: string; operand: Node }
  | { kind: 'binary'; at: number; op: BinaryOperator; spelled: string; left: Node; right: Node }
  /** `a.b` (property is a string node), `a[b]`, `a?.b`; optional ones live inside a `chain`. */
  | { kind: 'member'; at: number; object: Node; property: Node; optional: boolean }
  /** Evaluates to nil as a whole when an optional member inside it meets nil. */
  | { kind: 'chain'; at: number; node: Node }
  | { kind: 'slice'; at: number; object: Node; from: Node | null; to: Node | null }
  /** A call by name: a builtin, a predicate builtin or an environment function. */
  | { kind: 'call'; at: number; name: string; args: Node[] }
  /** A closure argument of a predicate builtin: `{# > 1}` or `# > 1`. */
  | { kind: 'predicate'; at: number; body: Node }
  | { kind: 'conditional'; at: number; test: Node; then: Node; otherwise: Node }
  | { kind: 'array'; at: number; elements: Node[] }
  | { kind: 'map'; at: number; entries: { key: Node; value: Node }[] };

export type NodeKind = Node['kind'];

/** Direct children in evaluation order. */
export function children(node: Node): Node[] {
  switch (node.kind) {
    case 'nil':
    case 'bool':
    case 'int':
    case 'float':
    case 'string':
    case 'identifier':
    case 'pointer':
      return [];
    case 'unary':
      return [node.operand];
    case 'binary':
      return [node.left, node.right];
    case 'member':
      return [node.object, node.property];
    case 'chain':
      return [node.node];
    case 'slice':
      return [node.object, ...(node.from ? [node.from] : []), ...(node.to ? [node.to] : [])];
    case 'call':
      return node.args;
    case 'predicate':
      return [node.body];
    case 'conditional':
      return [node.test, node.then, node.otherwise];
    case 'array':
      return node.elements;
    case 'map':
      return node.entries.flatMap((e) => [e.key, e.value]);
    default:
      return assertNever(node, 'expression node');
  }
}
