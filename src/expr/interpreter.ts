/**
 * A tree-walking evaluator over checked ASTs. Every node evaluated and every element built or
 * scanned costs a step, so the work of one evaluation is bounded; a problem found while
 * evaluating a node becomes a runtime ExprError pointing at that node.
 */
import { assertNever } from '../util/assert-never.js';
import type { Node } from './ast.js';
import { lookupFunction, type Scope } from './checker.js';
import { errorAt, Fault } from './errors.js';
import { formatValue } from './format.js';
import type { CallContext } from './function-spec.js';
import { LIMITS } from './limits.js';
import { arithmetic, chargeText, equal, membership, negate, order, range, stringTest } from './ops.js';
import { PREDICATES } from './predicates.js';
import { cachedGoRegex, type GoRegex } from './regex.js';
import { isNil, kindOf, ownValue, RESERVED_KEYS, typeName, type ExprMap, type Value } from './values.js';

export interface Evaluation {
  readonly source: string;
  readonly scope: Scope;
  readonly env: Readonly<Record<string, unknown>>;
  readonly nowMs: number | undefined;
}

export function evaluate(root: Node, evaluation: Evaluation): Value {
  return new Interpreter(evaluation).eval(root);
}

/** What an optional member (`a?.b`) yields on nil: the enclosing chain turns it into nil. */
const BREAK: unique symbol = Symbol('optional chain break');
type Result = Value | typeof BREAK;

class Interpreter implements CallContext {
  private steps = 0;
  private readonly elements: { item: Value; index: number }[] = [];
  readonly env: Readonly<Record<string, unknown>>;
  readonly nowMs: number | undefined;

  constructor(private readonly evaluation: Evaluation) {
    this.env = evaluation.env;
    this.nowMs = evaluation.nowMs;
  }

  /** An arrow property, so builtins can pass it around unbound. */
  readonly charge = (steps: number): void => {
    this.steps += steps;
    if (this.steps > LIMITS.maxSteps) throw new Fault(`evaluation exceeded ${LIMITS.maxSteps} steps`);
  };

  eval(node: Node): Value {
    const value = this.evalNode(node);
    return value === BREAK ? null : value;
  }

  private evalNode(node: Node): Result {
    try {
      this.charge(1);
      return this.dispatch(node);
    } catch (err) {
      if (err instanceof Fault) throw errorAt('runtime', err.message, this.evaluation.source, node.at);
      throw err;
    }
  }

  private dispatch(node: Node): Result {
    switch (node.kind) {
      case 'nil':
        return null;
      case 'bool':
      case 'int':
      case 'float':
      case 'string':
        return node.value;
      case 'identifier':
        return ownValue(this.env, node.name).value;
      case 'pointer': {
        const top = this.elements[this.elements.length - 1];
        if (!top) throw new Fault('cannot use pointer accessor outside predicate');
        return node.name === 'index' ? BigInt(top.index) : top.item;
      }
      case 'unary':
        return this.unary(node);
      case 'binary':
        return this.binary(node);
      case 'member': {
        const object = this.evalNode(node.object);
        if (object === BREAK || (node.optional && isNil(object))) return BREAK;
        return fetch(object, this.eval(node.property), this);
      }
      case 'chain': {
        const value = this.evalNode(node.node);
        return value === BREAK ? null : value;
      }
      case 'slice': {
        const object = this.evalNode(node.object);
        if (object === BREAK) return BREAK;
        const from = node.from ? this.eval(node.from) : null;
        const to = node.to ? this.eval(node.to) : null;
        return slice(object, from, to, this);
      }
      case 'call':
        return PREDICATES.has(node.name) ? this.predicateCall(node) : this.call(node);
      case 'predicate':
        return this.eval(node.body);
      case 'conditional': {
        const test = this.eval(node.test);
        if (typeof test !== 'boolean') throw new Fault(`non-bool expression (type ${typeName(test)}) used as condition`);
        return this.eval(test ? node.then : node.otherwise);
      }
      case 'array':
        return node.elements.map((element) => this.eval(element));
      case 'map':
        return this.map(node);
      default:
        return assertNever(node, 'expression node');
    }
  }

  private unary(node: Extract<Node, { kind: 'unary' }>): Value {
    const operand = this.eval(node.operand);
    if (node.op !== '!') return negate(operand, node.op);
    if (typeof operand !== 'boolean') {
      throw new Fault(`invalid operation: ${node.spelled} (mismatched type ${typeName(operand)})`);
    }
    return !operand;
  }

  private binary(node: Extract<Node, { kind: 'binary' }>): Value {
    const op = node.op;
    if (op === '&&' || op === '||') {
      const left = this.bool(this.eval(node.left), node.spelled);
      // Short-circuit: `len(result) > 0 && result[0] > 0` never indexes an empty result.
      if (left === (op === '||')) return left;
      return this.bool(this.eval(node.right), node.spelled);
    }
    if (op === '??') {
      const left = this.eval(node.left);
      return isNil(left) ? this.eval(node.right) : left;
    }
    const l = this.eval(node.left);
    const r = this.eval(node.right);
    switch (op) {
      case '==':
        return equal(l, r, this.charge);
      case '!=':
        return !equal(l, r, this.charge);
      case '<':
      case '<=':
      case '>':
      case '>=':
        return order(op, l, r, this.charge);
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
      case '**':
        return arithmetic(op, l, r, this.charge);
      case 'in':
        return membership(l, r, this.charge);
      case 'matches':
        if (typeof l !== 'string' || typeof r !== 'string') {
          throw new Fault(`invalid operation: matches (mismatched types ${typeName(l)} and ${typeName(r)})`);
        }
        return this.regex(r).test(l, this.charge);
      case 'contains':
      case 'startsWith':
      case 'endsWith':
        return stringTest(op, l, r, this.charge);
      case '..':
        return range(l, r, this.charge);
    }
  }

  /** Every use is charged the size of the compiled pattern, hit or miss in the cache, so the
   * budget does not depend on what earlier evaluations left in the cache. */
  private regex(pattern: string): GoRegex {
    const regex = cachedGoRegex(pattern);
    this.charge(regex.size);
    return regex;
  }

  private bool(value: Value, spelled: string): boolean {
    if (typeof value !== 'boolean') throw new Fault(`expected bool operands for ${spelled}, but got ${typeName(value)}`);
    return value;
  }

  private map(node: Extract<Node, { kind: 'map' }>): ExprMap {
    // No prototype: a key such as "__proto__" or "constructor" is just a key.
    const out = Object.create(null) as Record<string, Value>;
    for (const entry of node.entries) {
      const key = this.eval(entry.key);
      if (typeof key !== 'string') throw new Fault(`map keys must be strings (got ${typeName(key)})`);
      Object.defineProperty(out, key, { value: this.eval(entry.value), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  private call(node: Extract<Node, { kind: 'call' }>): Value {
    const spec = lookupFunction(this.evaluation.scope, node.name);
    if (!spec) throw new Fault(`unknown name ${node.name}`);
    const args = node.args.map((arg) => this.eval(arg));
    // Text in and out is charged here once for every builtin and environment function.
    for (const arg of args) if (typeof arg === 'string') chargeText(this.charge, arg);
    const result = spec.call(args, this);
    if (typeof result === 'string') chargeText(this.charge, result);
    return result;
  }

  private predicateCall(node: Extract<Node, { kind: 'call' }>): Value {
    const spec = PREDICATES.get(node.name)!;
    const [collectionNode, closure] = node.args;
    const collection = this.eval(collectionNode!);
    if (!Array.isArray(collection)) throw new Fault(`builtin ${node.name} takes only array (got ${typeName(collection)})`);
    const items = collection as readonly Value[];
    this.charge(items.length);
    const apply = closure
      ? (item: Value, index: number): Value => {
          this.elements.push({ item, index });
          try {
            return this.eval(closure);
          } finally {
            this.elements.pop();
          }
        }
      : null;
    return spec.run(items, apply, this.charge);
  }
}

/** expr's runtime.Fetch on plain data: array index (negative from the end), map key, string byte. */
function fetch(object: Value, key: Value, ctx: CallContext): Value {
  switch (kindOf(object)) {
    case 'array': {
      const items = object as readonly Value[];
      const i = position(key, items.length);
      if (i < 0 || i >= items.length) throw new Fault(`index out of range: ${i} (array length is ${items.length})`);
      return items[i] ?? null;
    }
    case 'string': {
      chargeText(ctx.charge, object as string);
      const bytes = utf8(object as string);
      const i = position(key, bytes.length);
      if (i < 0 || i >= bytes.length) throw new Fault(`index out of range: ${i} (array length is ${bytes.length})`);
      // Go indexes strings by byte.
      return BigInt(bytes[i]!);
    }
    case 'map': {
      const name = key === null ? '' : key;
      if (typeof name !== 'string') throw new Fault(`cannot use ${typeName(key)} as type string in map key`);
      const found = ownValue(object as object, name);
      if (!found.found && RESERVED_KEYS.has(name)) throw new Fault(`cannot fetch ${name} from ${typeName(object)}`);
      return found.value;
    }
    case 'nil':
    case 'bool':
    case 'int':
    case 'float':
    case 'time':
    case 'duration':
    case 'unsupported':
      throw new Fault(`cannot fetch ${formatValue(key, ctx.charge)} from ${typeName(object)}`);
  }
}

/** An index as expr's ToInt reads it (floats truncate), counted from the end when negative. */
function position(key: Value, length: number): number {
  if (typeof key !== 'bigint' && typeof key !== 'number') {
    throw new Fault(`array elements can only be selected using an integer (got ${typeName(key)})`);
  }
  const i = typeof key === 'bigint' ? Number(key) : Math.trunc(key);
  return i < 0 ? length + i : i;
}

function slice(object: Value, from: Value, to: Value, ctx: CallContext): Value {
  const kind = kindOf(object);
  if (kind !== 'array' && kind !== 'string') throw new Fault(`cannot slice ${typeName(object)}`);
  if (kind === 'string') chargeText(ctx.charge, object as string);
  const items = kind === 'array' ? (object as readonly Value[]) : utf8(object as string);
  const length = items.length;
  const bound = (value: Value, fallback: number): number => {
    if (value === null) return fallback;
    if (typeof value !== 'bigint' && typeof value !== 'number') throw new Fault(`non-integer slice index ${typeName(value)}`);
    const n = typeof value === 'bigint' ? Number(value) : Math.trunc(value);
    return Math.min(Math.max(n < 0 ? length + n : n, 0), length);
  };
  const end = bound(to, length);
  const start = Math.min(bound(from, 0), end);
  ctx.charge(end - start);
  if (kind === 'array') return (items as readonly Value[]).slice(start, end);
  return decoder.decode((items as Uint8Array).subarray(start, end));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
