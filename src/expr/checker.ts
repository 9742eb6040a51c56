/**
 * Compile-time checks, rule for rule as expr's checker makes them against the environment's Go
 * types: names resolve, functions get arguments of the right types, operands whose types are
 * known do not clash (`result == 0` on a []float64), literal regexes compile. Every node gets
 * its nature, which the optimizer and the interpreter read. The first error found is thrown.
 */
import { assertNever } from '../util/assert-never.js';
import type { Node, NodeOf } from './ast.js';
import { BUILTINS, type BuiltinSpec } from './builtins.js';
import { errorAt, type ExprError, Fault } from './errors.js';
import { methodOf } from './methods.js';
import { cachedGoRegex } from './regex.js';
import {
  arrayOf,
  comparable,
  elemOf,
  GoType,
  isArray,
  isBool,
  isByteSlice,
  isDuration,
  isFloat,
  isFunc,
  isInteger,
  isMap,
  isNumber,
  isString,
  isTime,
  isUnknown,
  keyOf,
  maybeCompatible,
  natureAssignable,
  natureName,
  NIL,
  of,
  promoteNumeric,
  SLICE,
  MAP,
  T,
  UNKNOWN,
  type Nature,
} from './types.js';

export interface Environment {
  /** Variables and functions the environment provides, with their natures. */
  readonly names: ReadonlyMap<string, Nature>;
}

/** Returns the nature of the whole expression; throws a compile ExprError. */
export function check(root: Node, source: string, env: Environment): Nature {
  return new Checker(source, env).visit(root);
}

interface Problem {
  message: string;
  at: Node;
}

interface PredicateScope {
  collection: Nature;
  vars: ReadonlyMap<string, Nature>;
}

class Checker {
  private readonly predicateScopes: PredicateScope[] = [];
  private readonly varScopes: { name: string; nature: Nature }[] = [];

  constructor(
    private readonly source: string,
    private readonly env: Environment,
  ) {}

  private error(node: Node, message: string): ExprError {
    return errorAt('compile', message, this.source, node.at);
  }

  visit(node: Node): Nature {
    const nature = this.dispatch(node);
    node.nature = nature;
    return nature;
  }

  private dispatch(node: Node): Nature {
    switch (node.kind) {
      case 'nil':
        return NIL;
      case 'bool':
        return of(T.bool);
      case 'int':
        return node.nature && node.nature.type !== T.int ? node.nature : of(T.int);
      case 'float':
        return of(T.float64);
      case 'string':
        return of(T.string);
      case 'bytes':
        return of(SLICE.bytes);
      case 'constant':
        return node.nature ?? UNKNOWN;
      case 'identifier':
        return this.identifier(node);
      case 'pointer':
        return this.pointer(node);
      case 'unary':
        return this.unary(node);
      case 'binary':
        return this.binary(node);
      case 'chain':
        return this.visit(node.node);
      case 'member':
        return this.member(node);
      case 'slice':
        return this.slice(node);
      case 'call':
        return this.call(node);
      case 'builtin':
        return this.builtin(node);
      case 'predicate':
        return this.predicate(node);
      case 'conditional':
        return this.conditional(node);
      case 'let':
        return this.variable(node);
      case 'sequence': {
        let last: Nature = UNKNOWN;
        for (const n of node.nodes) last = this.visit(n);
        return last;
      }
      case 'array':
        return this.array(node);
      case 'map':
        for (const pair of node.pairs) this.visit(pair);
        return of(MAP.stringAny);
      case 'pair':
        this.visit(node.key);
        this.visit(node.value);
        return NIL;
      default:
        return assertNever(node, 'expression node');
    }
  }

  private identifier(node: NodeOf<'identifier'>): Nature {
    for (let i = this.varScopes.length - 1; i >= 0; i--) {
      if (this.varScopes[i]!.name === node.name) return this.varScopes[i]!.nature;
    }
    if (node.name === '$env') return UNKNOWN;
    const found = this.env.names.get(node.name);
    if (found) return found;
    const builtin = BUILTINS.get(node.name);
    if (builtin) return { type: builtin.types?.[0] ?? GENERIC_FUNC, builtin: node.name };
    throw this.error(node, `unknown name ${node.name}`);
  }

  private pointer(node: NodeOf<'pointer'>): Nature {
    const scope = this.predicateScopes[this.predicateScopes.length - 1];
    if (!scope) throw this.error(node, 'cannot use pointer accessor outside predicate');
    if (node.name === '') {
      if (isUnknown(scope.collection)) return UNKNOWN;
      if (isArray(scope.collection)) return elemOf(scope.collection);
      throw this.error(node, `cannot use ${natureName(scope.collection)} as array`);
    }
    const v = scope.vars.get(node.name);
    if (v) return v;
    throw this.error(node, `unknown pointer #${node.name}`);
  }

  private unary(node: NodeOf<'unary'>): Nature {
    const nt = deref(this.visit(node.operand));
    switch (node.op) {
      case '!':
      case 'not':
        if (isBool(nt) || isUnknown(nt)) return of(T.bool);
        break;
      case '+':
      case '-':
        if (isNumber(nt)) return nt;
        if (isUnknown(nt)) return UNKNOWN;
        break;
      default:
        throw this.error(node, `unknown operator (${node.op})`);
    }
    throw this.error(node, `invalid operation: ${node.op} (mismatched type ${natureName(nt)})`);
  }

  private binary(node: NodeOf<'binary'>): Nature {
    const l = deref(this.visit(node.left));
    const r = deref(this.visit(node.right));
    const bool = of(T.bool);
    switch (node.op) {
      case '==':
      case '!=':
        if (comparable(l, r)) return bool;
        break;
      case 'or':
      case '||':
      case 'and':
      case '&&':
        if ((isBool(l) && isBool(r)) || maybeCompatible(l, r, 'bool')) return bool;
        break;
      case '<':
      case '>':
      case '>=':
      case '<=':
        if ((isNumber(l) && isNumber(r)) || (isString(l) && isString(r)) || (isTime(l) && isTime(r))) return bool;
        if ((isDuration(l) && isDuration(r)) || maybeCompatible(l, r, 'number', 'string', 'time', 'duration')) return bool;
        break;
      case '-':
        if (isNumber(l) && isNumber(r)) return promoteNumeric(l, r);
        if (isTime(l) && isTime(r)) return of(T.duration);
        if (isTime(l) && isDuration(r)) return of(T.time);
        if (isDuration(l) && isDuration(r)) return of(T.duration);
        if (maybeCompatible(l, r, 'number', 'time', 'duration')) return UNKNOWN;
        break;
      case '*':
        if (isNumber(l) && isNumber(r)) return promoteNumeric(l, r);
        if ((isNumber(l) || isDuration(l)) && (isNumber(r) || isDuration(r))) return of(T.duration);
        if (maybeCompatible(l, r, 'number', 'duration')) return UNKNOWN;
        break;
      case '/':
      case '**':
      case '^':
        if ((isNumber(l) && isNumber(r)) || maybeCompatible(l, r, 'number')) return of(T.float64);
        break;
      case '%':
        if ((isInteger(l) && isInteger(r)) || maybeCompatible(l, r, 'integer')) return of(T.int);
        break;
      case '+':
        if (isNumber(l) && isNumber(r)) return promoteNumeric(l, r);
        if (isString(l) && isString(r)) return of(T.string);
        if ((isTime(l) && isDuration(r)) || (isDuration(l) && isTime(r))) return of(T.time);
        if (isDuration(l) && isDuration(r)) return of(T.duration);
        if (maybeCompatible(l, r, 'number', 'string', 'time', 'duration')) return UNKNOWN;
        break;
      case 'in':
        if ((isString(l) || isUnknown(l)) && r.type?.kind === 'struct') return bool;
        if (isMap(r)) {
          const key = keyOf(r);
          if (!isUnknown(l) && !natureAssignable(l, key)) {
            throw this.error(node, `cannot use ${natureName(l)} as type ${natureName(key)} in map key`);
          }
          return bool;
        }
        if (isArray(r)) {
          const elem = elemOf(r);
          if (!comparable(l, elem)) throw this.error(node, `cannot use ${natureName(l)} as type ${natureName(elem)} in array`);
          return bool;
        }
        if (isUnknown(l) && (isString(r) || isArray(r) || isMap(r))) return bool;
        if (isUnknown(r)) return bool;
        break;
      case 'matches':
        if (node.right.kind === 'string') {
          try {
            cachedGoRegex(node.right.value);
          } catch (err) {
            if (err instanceof Fault) throw this.error(node, err.message);
            throw err;
          }
        }
        if (((isString(l) || isByteSlice(l)) && isString(r)) || maybeCompatible(l, r, 'string')) return bool;
        break;
      case 'contains':
      case 'startsWith':
      case 'endsWith':
        if ((isString(l) && isString(r)) || maybeCompatible(l, r, 'string')) return bool;
        break;
      case '..':
        if ((isInteger(l) && isInteger(r)) || maybeCompatible(l, r, 'integer')) return arrayOf(of(T.int));
        break;
      case '??':
        if (l.nil && !r.nil) return r;
        if (!l.nil && r.nil) return l;
        if (l.nil && r.nil) return NIL;
        if (natureAssignable(r, l)) return l;
        return UNKNOWN;
      default:
        throw this.error(node, `unknown operator (${node.op})`);
    }
    throw this.error(node, `invalid operation: ${node.op} (mismatched types ${natureName(l)} and ${natureName(r)})`);
  }

  private member(node: NodeOf<'member'>): Nature {
    if (node.object.kind === 'identifier' && node.object.name === '$env') {
      if (node.property.kind === 'string') {
        const found = this.env.names.get(node.property.value);
        if (found) return found;
        if (!node.optional) throw this.error(node, `unknown name ${node.property.value}`);
      }
      return UNKNOWN;
    }
    const base = this.visit(node.object);
    const prop = this.visit(node.property);
    if (isUnknown(base)) return UNKNOWN;
    const name = node.property.kind === 'string' ? node.property.value : null;
    if (name !== null) {
      if (base.nil) throw this.error(node, `type nil has no field ${name}`);
      const method = base.type ? methodOf(base.type, name) : undefined;
      if (method) return { type: method.type, method: true };
    }
    const b = deref(base);
    switch (b.type?.kind) {
      case 'map': {
        const key = keyOf(b);
        if (!natureAssignable(prop, key) && !isUnknown(prop)) {
          throw this.error(node.property, `cannot use ${natureName(prop)} to get an element from ${natureName(b)}`);
        }
        return elemOf(b);
      }
      case 'slice':
      case 'array': {
        const p = deref(prop);
        if (!isInteger(p) && !isUnknown(p)) {
          throw this.error(node.property, `array elements can only be selected using an integer (got ${natureName(p)})`);
        }
        return elemOf(b);
      }
      default:
        break;
    }
    const typeName = natureName(b);
    if (name !== null) {
      throw this.error(node, node.method ? `type ${typeName} has no method ${name}` : `type ${typeName} has no field ${name}`);
    }
    throw this.error(node, `type ${typeName}[${natureName(prop)}] is undefined`);
  }

  private slice(node: NodeOf<'slice'>): Nature {
    const nt = this.visit(node.object);
    if (isUnknown(nt)) return UNKNOWN;
    if (!(isString(nt) || isArray(nt))) throw this.error(node, `cannot slice ${natureName(nt)}`);
    for (const bound of [node.from, node.to]) {
      if (!bound) continue;
      const t = deref(this.visit(bound));
      if (!isInteger(t) && !isUnknown(t)) throw this.error(bound, `non-integer slice index ${natureName(t)}`);
    }
    return nt;
  }

  private call(node: NodeOf<'call'>): Nature {
    if (node.callee.kind === 'identifier' && node.callee.name === '$env') {
      throw this.error(node, 'map[string]interface {} is not callable');
    }
    const nt = this.visit(node.callee);
    if (isUnknown(nt)) return UNKNOWN;
    if (nt.builtin) return this.checkFunction(BUILTINS.get(nt.builtin)!, node, node.args);
    let fnName = 'function';
    if (node.callee.kind === 'identifier') fnName = node.callee.name;
    if (node.callee.kind === 'member' && node.callee.property.kind === 'string') fnName = node.callee.property.value;
    if (nt.nil) throw this.error(node, `${fnName} is nil; cannot call nil as function`);
    if (isFunc(nt)) {
      const result = this.checkArguments(fnName, nt.type!, !!nt.method, node.args, node);
      if ('message' in result) throw this.error(result.at, result.message);
      return result;
    }
    throw this.error(node, `${natureName(nt)} is not callable`);
  }

  /** checkArguments: a Go function's parameters against the arguments; the result nature or the problem. */
  private checkArguments(name: string, fn: GoType, method: boolean, args: Node[], node: Node): Nature | Problem {
    if (fn.results.length === 0) return { message: `func ${name} doesn't return value`, at: node };
    if (fn.results.length > 2) return { message: `func ${name} returns more then two values`, at: node };
    const offset = method ? 1 : 0;
    const numIn = fn.params.length - offset;
    let arity: string | null = null;
    if (fn.variadic) {
      if (args.length < numIn - 1) arity = `not enough arguments to call ${name}`;
    } else {
      if (args.length > numIn) arity = `too many arguments to call ${name}`;
      if (args.length < numIn) arity = `not enough arguments to call ${name}`;
    }
    if (arity) {
      for (const arg of args) this.visit(arg);
      return { message: arity, at: node };
    }
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      const argNature = this.visit(arg);
      const inType = fn.variadic && i >= numIn - 1 ? fn.params[fn.params.length - 1]!.elem! : fn.params[i + offset]!;
      const inNature = of(inType);
      if (isFloat(inNature) && isInteger(argNature)) {
        replaceIntegersWithFloats(arg);
        continue;
      }
      if (isInteger(inNature) && isInteger(argNature) && argNature.type !== inType) {
        retypeIntegers(arg, inNature);
        continue;
      }
      if (argNature.nil) {
        if (inType.kind === 'ptr' || inType.kind === 'interface') continue;
        return { message: `cannot use nil as argument (type ${inType.name}) to call ${name}`, at: arg };
      }
      if (!natureAssignable(argNature, inNature) && !isUnknown(argNature)) {
        return { message: `cannot use ${natureName(argNature)} as argument (type ${inType.name}) to call ${name} `, at: arg };
      }
    }
    return of(fn.results[0]!);
  }

  private checkFunction(spec: BuiltinSpec, node: Node, args: Node[]): Nature {
    if (spec.validate) {
      const types = args.map((arg) => {
        const nt = this.visit(arg);
        return isUnknown(nt) ? T.any : nt.type;
      });
      const verdict = spec.validate(types);
      if (typeof verdict === 'string') throw this.error(node, verdict);
      return of(verdict);
    }
    // Each overload in turn; the last one's problem is the one reported.
    let last: Problem | null = null;
    for (const fn of spec.types ?? [GENERIC_FUNC]) {
      const result = this.checkArguments(spec.name, fn, false, args, node);
      if (!('message' in result)) return result;
      last = result;
    }
    throw this.error(last!.at, last!.message);
  }

  private builtin(node: NodeOf<'builtin'>): Nature {
    const predicateResult = this.predicateBuiltin(node);
    if (predicateResult) return predicateResult;
    const spec = BUILTINS.get(node.name);
    if (!spec) throw this.error(node, `unknown builtin ${node.name}`);
    if (node.name === 'get') return this.get(node);
    return this.checkFunction(spec, node, node.args);
  }

  /** all, filter, map, ... (null for the other builtins). */
  private predicateBuiltin(node: NodeOf<'builtin'>): Nature | null {
    const name = node.name;
    const simple = ['all', 'none', 'any', 'one', 'filter', 'count', 'find', 'findLast', 'findIndex', 'findLastIndex'];
    const special = ['map', 'sum', 'groupBy', 'sortBy', 'reduce'];
    if (!simple.includes(name) && !special.includes(name)) return null;
    const collection = deref(this.visit(node.args[0]!));
    if (!isArray(collection) && !isUnknown(collection)) {
      throw this.error(node.args[0]!, `builtin ${name} takes only array (got ${natureName(collection)})`);
    }
    const index = of(T.int);
    const vars = new Map<string, Nature>();
    if (name === 'map') vars.set('index', index);
    if (name === 'reduce') {
      vars.set('index', index);
      vars.set('acc', UNKNOWN);
    }
    if ((name === 'count' && node.args.length === 1) || (name === 'sum' && node.args.length === 1)) {
      if (name === 'count') return index;
      return isUnknown(collection) ? UNKNOWN : elemOf(collection);
    }
    this.predicateScopes.push({ collection, vars });
    const predicate = this.visit(node.args[1]!);
    this.predicateScopes.pop();
    const body = predicate.ref ?? UNKNOWN;
    const oneInOneOut = isFunc(predicate) && !body.nil;
    if (name === 'sortBy' && node.args.length === 3) {
      const order = this.visit(node.args[2]!);
      if (!isString(order) && !isUnknown(order)) {
        throw this.error(node.args[2]!, `sortBy order argument must be a string (got ${natureName(order)})`);
      }
    }
    if (name === 'reduce') {
      if (node.args.length === 3) this.visit(node.args[2]!);
      if (isFunc(predicate) && !body.nil) return body;
      throw this.error(node.args[1]!, 'predicate should has two input and one output param');
    }
    if (!oneInOneOut) throw this.error(node.args[1]!, 'predicate should has one input and one output param');
    // The predicate's declared result: interface {} when the body's type is unknown.
    const out = isUnknown(body) ? of(T.any) : of(body.type!);
    const needsBool = name !== 'map' && name !== 'sum' && name !== 'groupBy' && name !== 'sortBy';
    if (needsBool && !isBool(out) && !isUnknown(out)) {
      throw this.error(node.args[1]!, `predicate should return boolean (got ${natureName(out)})`);
    }
    switch (name) {
      case 'all':
      case 'none':
      case 'any':
      case 'one':
        return of(T.bool);
      case 'filter':
        return isUnknown(collection) ? of(SLICE.any) : arrayOf(elemOf(collection));
      case 'map':
        return arrayOf(body);
      case 'count':
      case 'findIndex':
      case 'findLastIndex':
        return index;
      case 'sum':
        return out;
      case 'find':
      case 'findLast':
        return isUnknown(collection) ? UNKNOWN : elemOf(collection);
      case 'groupBy':
        return { type: MAP.groupBy, ref: arrayOf(elemOf(collection)) };
      case 'sortBy':
        return collection;
      default:
        return null;
    }
  }

  private get(node: NodeOf<'builtin'>): Nature {
    if (node.args.length !== 2) throw this.error(node, `invalid number of arguments (expected 2, got ${node.args.length})`);
    const base = this.visit(node.args[0]!);
    const prop = deref(this.visit(node.args[1]!));
    const [first, second] = node.args as [Node, Node];
    if (first.kind === 'identifier' && first.name === '$env') {
      if (second.kind === 'string') return this.env.names.get(second.value) ?? UNKNOWN;
      return UNKNOWN;
    }
    if (isUnknown(base)) return UNKNOWN;
    if (isArray(base)) {
      if (!isInteger(prop) && !isUnknown(prop)) throw this.error(second, `non-integer slice index ${natureName(prop)}`);
      return elemOf(base);
    }
    if (isMap(base)) {
      if (!natureAssignable(prop, keyOf(base)) && !isUnknown(prop)) {
        throw this.error(second, `cannot use ${natureName(prop)} to get an element from ${natureName(base)}`);
      }
      return elemOf(base);
    }
    throw this.error(first, `type ${natureName(base)} does not support indexing`);
  }

  private predicate(node: NodeOf<'predicate'>): Nature {
    const body = this.visit(node.body);
    const out = isUnknown(body) ? [T.any] : body.nil ? [] : [body.type!];
    return { type: GoType.func([T.any], out), ref: body };
  }

  private variable(node: NodeOf<'let'>): Nature {
    if (this.env.names.has(node.name)) throw this.error(node, `cannot redeclare ${node.name}`);
    if (BUILTINS.has(node.name)) throw this.error(node, `cannot redeclare builtin ${node.name}`);
    if (this.varScopes.some((v) => v.name === node.name)) throw this.error(node, `cannot redeclare variable ${node.name}`);
    const nature = this.visit(node.value);
    this.varScopes.push({ name: node.name, nature });
    const result = this.visit(node.body);
    this.varScopes.pop();
    return result;
  }

  private conditional(node: NodeOf<'conditional'>): Nature {
    const c = deref(this.visit(node.test));
    if (!isBool(c) && !isUnknown(c)) {
      throw this.error(node.test, `non-bool expression (type ${natureName(c)}) used as condition`);
    }
    const t1 = this.visit(node.then);
    const t2 = this.visit(node.otherwise);
    if (t1.nil && !t2.nil) return t2;
    if (!t1.nil && t2.nil) return t1;
    if (t1.nil && t2.nil) return NIL;
    if (natureAssignable(t1, t2)) {
      if (isArray(t1) && isArray(t2)) {
        const e1 = elemOf(t1);
        const e2 = elemOf(t2);
        if (!natureAssignable(e1, e2) || !natureAssignable(e2, e1)) return of(SLICE.any);
      }
      return t1;
    }
    return UNKNOWN;
  }

  private array(node: NodeOf<'array'>): Nature {
    let prev: Nature = UNKNOWN;
    let same = true;
    node.elements.forEach((element, i) => {
      const curr = this.visit(element);
      if (i > 0 && (curr.type?.kind ?? null) !== (prev.type?.kind ?? null)) same = false;
      prev = curr;
    });
    return same ? arrayOf(prev) : of(SLICE.any);
  }
}

/** The type of builtins given as bare values: func(...interface {}) (interface {}, error). */
const GENERIC_FUNC = GoType.func([SLICE.any], [T.any, T.error], true);

function deref(n: Nature): Nature {
  return n.type?.kind === 'ptr' ? of(n.type.elem!) : n;
}

/** The checker's traverseAndReplaceIntegerNodesWithFloatNodes: `isNaN(1)` passes 1.0. */
function replaceIntegersWithFloats(node: Node): void {
  switch (node.kind) {
    case 'int':
      Object.assign(node, { kind: 'float', value: Number(node.value), nature: of(T.float64) });
      return;
    case 'unary':
      replaceIntegersWithFloats(node.operand);
      return;
    case 'binary':
      if (node.op === '+' || node.op === '-' || node.op === '*') {
        replaceIntegersWithFloats(node.left);
        replaceIntegersWithFloats(node.right);
      }
      return;
    default:
      return;
  }
}

/** traverseAndReplaceIntegerNodesWithIntegerNodes: integer literals take the parameter's type. */
function retypeIntegers(node: Node, nature: Nature): void {
  switch (node.kind) {
    case 'int':
      node.nature = nature;
      return;
    case 'unary':
      node.nature = nature;
      retypeIntegers(node.operand, nature);
      return;
    case 'binary':
      if (node.op === '+' || node.op === '-' || node.op === '*') {
        retypeIntegers(node.left, nature);
        retypeIntegers(node.right, nature);
      }
      return;
    default:
      return;
  }
}
