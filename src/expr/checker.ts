/**
 * Compile-time checks, as expr's checker makes them: names resolve, functions get the right number
 * of arguments, `#` is used inside predicates only, literal regexes compile, and operands whose
 * types are known do not clash (`"a" + 1`, `asFloat(result) == "1.1"`, `not 1`). Environment
 * values are of unknown type, so anything involving them is left to run time.
 */
import { assertNever } from '../util/assert-never.js';
import type { Node } from './ast.js';
import { BUILTINS, UNSUPPORTED_BUILTINS } from './builtins.js';
import { errorAt, ExprError, Fault } from './errors.js';
import { arityError, type FunctionSpec, type FunctionTable } from './function-spec.js';
import { PREDICATE_SHAPES } from './parser.js';
import { PREDICATES } from './predicates.js';
import { cachedGoRegex } from './regex.js';
import { isNumeric, maybe, staticName, type StaticType } from './static-types.js';

export interface Scope {
  /** Variables the environment will provide. */
  readonly names: ReadonlySet<string>;
  /** Environment functions (Argo's asInt, isNil, ...); they shadow builtins of the same name. */
  readonly functions: FunctionTable;
}

/** Returns the static type of the whole expression; throws a compile ExprError. */
export function check(root: Node, source: string, scope: Scope): StaticType {
  return new Checker(source, scope).visit(root);
}

export function lookupFunction(scope: Scope, name: string): FunctionSpec | undefined {
  return scope.functions.get(name) ?? BUILTINS.get(name);
}

class Checker {
  private predicateDepth = 0;

  constructor(
    private readonly source: string,
    private readonly scope: Scope,
  ) {}

  private error(node: Node, message: string): ExprError {
    return errorAt('compile', message, this.source, node.at);
  }

  visit(node: Node): StaticType {
    switch (node.kind) {
      case 'nil':
        return 'nil';
      case 'bool':
        return 'bool';
      case 'int':
        return 'int';
      case 'float':
        return 'float';
      case 'string':
        return 'string';
      case 'identifier':
        return this.identifier(node);
      case 'pointer':
        if (this.predicateDepth === 0) throw this.error(node, 'cannot use pointer accessor outside predicate');
        if (node.name === '') return 'unknown';
        if (node.name === 'index') return 'int';
        throw this.error(node, `unknown pointer #${node.name}`);
      case 'unary':
        return this.unary(node);
      case 'binary':
        return this.binary(node);
      case 'member':
        return this.member(node);
      case 'chain':
        this.visit(node.node);
        return 'unknown';
      case 'slice':
        return this.slice(node);
      case 'call':
        return PREDICATE_SHAPES.has(node.name) ? this.predicateCall(node) : this.call(node);
      case 'predicate':
        return this.predicateBody(node);
      case 'conditional': {
        const test = this.visit(node.test);
        if (!maybe(test, 'bool')) throw this.error(node, `non-bool expression (type ${staticName(test)}) used as condition`);
        const then = this.visit(node.then);
        const otherwise = this.visit(node.otherwise);
        return then === otherwise ? then : 'unknown';
      }
      case 'array':
        for (const element of node.elements) this.visit(element);
        return 'array';
      case 'map':
        for (const entry of node.entries) {
          const key = this.visit(entry.key);
          if (!maybe(key, 'string')) throw this.error(entry.key, `map keys must be strings (got ${staticName(key)})`);
          this.visit(entry.value);
        }
        return 'map';
      default:
        return assertNever(node, 'expression node');
    }
  }

  private identifier(node: Extract<Node, { kind: 'identifier' }>): StaticType {
    if (this.scope.names.has(node.name)) return 'unknown';
    if (lookupFunction(this.scope, node.name)) throw this.error(node, `${node.name} is a function; call it as ${node.name}(...)`);
    throw this.error(node, `unknown name ${node.name}`);
  }

  private unary(node: Extract<Node, { kind: 'unary' }>): StaticType {
    const operand = this.visit(node.operand);
    const ok = node.op === '!' ? maybe(operand, 'bool') : maybe(operand, 'int', 'float');
    if (!ok) throw this.error(node, `invalid operation: ${node.spelled} (mismatched type ${staticName(operand)})`);
    return node.op === '!' ? 'bool' : operand;
  }

  private binary(node: Extract<Node, { kind: 'binary' }>): StaticType {
    const l = this.visit(node.left);
    const r = this.visit(node.right);
    const result = binaryType(node.op, l, r);
    if (result === null) {
      throw this.error(node, `invalid operation: ${node.spelled} (mismatched types ${staticName(l)} and ${staticName(r)})`);
    }
    if (node.op === 'in' && r === 'map' && !maybe(l, 'string', 'nil')) {
      throw this.error(node, `cannot use ${staticName(l)} as type string in map key`);
    }
    if (node.op === 'matches' && node.right.kind === 'string') {
      try {
        cachedGoRegex(node.right.value);
      } catch (err) {
        if (err instanceof Fault) throw this.error(node.right, err.message);
        throw err;
      }
    }
    return result;
  }

  private member(node: Extract<Node, { kind: 'member' }>): StaticType {
    const object = this.visit(node.object);
    const property = this.visit(node.property);
    const named = node.property.kind === 'string' ? node.property.value : null;
    switch (object) {
      case 'unknown':
        return 'unknown';
      case 'nil':
        if (node.optional) return 'unknown';
        throw this.error(node, `type nil has no field ${named ?? staticName(property)}`);
      case 'array':
      case 'string':
        if (!maybe(property, 'int')) {
          throw this.error(node, `array elements can only be selected using an integer (got ${staticName(property)})`);
        }
        return 'unknown';
      case 'map':
        if (!maybe(property, 'string')) {
          throw this.error(node, `cannot use ${staticName(property)} to get an element from ${staticName(object)}`);
        }
        return 'unknown';
      case 'bool':
      case 'int':
      case 'float':
      case 'time':
      case 'duration':
        throw this.error(
          node,
          named !== null
            ? `type ${staticName(object)} has no field ${named}`
            : `type ${staticName(object)}[${staticName(property)}] is undefined`,
        );
    }
  }

  private slice(node: Extract<Node, { kind: 'slice' }>): StaticType {
    const object = this.visit(node.object);
    if (!maybe(object, 'array', 'string')) throw this.error(node, `cannot slice ${staticName(object)}`);
    for (const bound of [node.from, node.to]) {
      if (!bound) continue;
      const type = this.visit(bound);
      if (!maybe(type, 'int')) throw this.error(bound, `non-integer slice index ${staticName(type)}`);
    }
    return object;
  }

  private call(node: Extract<Node, { kind: 'call' }>): StaticType {
    const spec = lookupFunction(this.scope, node.name);
    if (!spec) {
      if (UNSUPPORTED_BUILTINS.has(node.name)) throw this.error(node, `builtin ${node.name} is not supported`);
      if (this.scope.names.has(node.name)) throw this.error(node, `${node.name} is not callable`);
      throw this.error(node, `unknown name ${node.name}`);
    }
    const arity = arityError(spec, node.args.length);
    const args = node.args.map((arg) => this.visit(arg));
    if (arity) throw this.error(node, arity);
    const verdict = spec.type(args);
    if (typeof verdict === 'string') return verdict;
    const at = verdict.argument === undefined ? node : (node.args[verdict.argument] ?? node);
    throw this.error(at, verdict.error);
  }

  private predicateCall(node: Extract<Node, { kind: 'call' }>): StaticType {
    const spec = PREDICATES.get(node.name);
    if (!spec) throw this.error(node, `builtin ${node.name} is not supported`);
    const [collection, closure] = node.args;
    const items = this.visit(collection!);
    if (!maybe(items, 'array')) throw this.error(collection!, `builtin ${node.name} takes only array (got ${staticName(items)})`);
    if (!closure) return spec.result('unknown');
    const body = this.visit(closure);
    if (spec.test && !maybe(body, 'bool')) {
      throw this.error(closure, `predicate should return boolean (got ${staticName(body)})`);
    }
    return spec.result(body);
  }

  private predicateBody(node: Extract<Node, { kind: 'predicate' }>): StaticType {
    this.predicateDepth++;
    try {
      return this.visit(node.body);
    } finally {
      this.predicateDepth--;
    }
  }
}

/** expr's checker rules for binary operators; null means the known types clash. */
function binaryType(op: Extract<Node, { kind: 'binary' }>['op'], l: StaticType, r: StaticType): StaticType | null {
  const either = (...allowed: StaticType[]) =>
    (l === 'unknown' && maybe(r, ...allowed)) || (r === 'unknown' && maybe(l, ...allowed));
  switch (op) {
    case '==':
    case '!=':
      return l === r || l === 'unknown' || r === 'unknown' || l === 'nil' || r === 'nil' || (isNumeric(l) && isNumeric(r))
        ? 'bool'
        : null;
    case '&&':
    case '||':
      return maybe(l, 'bool') && maybe(r, 'bool') ? 'bool' : null;
    case '<':
    case '<=':
    case '>':
    case '>=':
      if ((isNumeric(l) && isNumeric(r)) || (l === r && (l === 'string' || l === 'time' || l === 'duration'))) return 'bool';
      return either('int', 'float', 'string', 'time', 'duration') ? 'bool' : null;
    case '+':
      if (isNumeric(l) && isNumeric(r)) return l === 'int' && r === 'int' ? 'int' : 'float';
      if (l === 'string' && r === 'string') return 'string';
      if ((l === 'time' && r === 'duration') || (l === 'duration' && r === 'time')) return 'time';
      if (l === 'duration' && r === 'duration') return 'duration';
      return either('int', 'float', 'string', 'time', 'duration') ? 'unknown' : null;
    case '-':
      if (isNumeric(l) && isNumeric(r)) return l === 'int' && r === 'int' ? 'int' : 'float';
      if (l === 'time' && r === 'time') return 'duration';
      if (l === 'time' && r === 'duration') return 'time';
      if (l === 'duration' && r === 'duration') return 'duration';
      return either('int', 'float', 'time', 'duration') ? 'unknown' : null;
    case '*':
      if (isNumeric(l) && isNumeric(r)) return l === 'int' && r === 'int' ? 'int' : 'float';
      if ((isNumeric(l) || l === 'duration') && (isNumeric(r) || r === 'duration')) return 'duration';
      return either('int', 'float', 'duration') ? 'unknown' : null;
    case '/':
    case '**':
      return (isNumeric(l) && isNumeric(r)) || either('int', 'float') ? 'float' : null;
    case '%':
      return (l === 'int' && r === 'int') || either('int') ? 'int' : null;
    case '..':
      return (l === 'int' && r === 'int') || either('int') ? 'array' : null;
    case 'in':
      if (r === 'map' || r === 'array' || r === 'unknown') return 'bool';
      return l === 'unknown' && r === 'string' ? 'bool' : null;
    case 'matches':
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return (l === 'string' && r === 'string') || either('string') ? 'bool' : null;
    case '??':
      if (l === 'nil') return r;
      if (r === 'nil' || l === r) return l;
      return 'unknown';
  }
}
