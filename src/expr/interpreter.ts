/**
 * Evaluates a checked, optimized tree the way expr's compiler and VM execute it: the same
 * evaluation order (a call's arguments before its receiver, a slice's end before its start), the
 * same type assertions (`interface conversion: interface {} is float64, not bool`), the same
 * memory budget. Every node evaluated and every element built or scanned costs a step, so the
 * work of one evaluation is bounded; a problem becomes a runtime ExprError pointing at its node.
 */
import { assertNever } from '../util/assert-never.js';
import type { Node, NodeOf } from './ast.js';
import { BUILTINS, type CallContext } from './builtins.js';
import { errorAt, Fault } from './errors.js';
import { goSort } from './go-sort.js';
import { LIMITS } from './limits.js';
import { methodOf } from './methods.js';
import {
  arithmetic,
  asBool,
  BoundMethod,
  chargeText,
  conversion,
  equal,
  exponent,
  fetch,
  isNilValue,
  length,
  mapKey,
  membership,
  negate,
  order,
  range,
  slice,
  utf8,
  type OrderOperator,
} from './ops.js';
import { cachedGoRegex, type GoRegex } from './regex.js';
import { GoType, MAP, SLICE, T } from './types.js';
import {
  AnyMap,
  GoFunc,
  GoInt,
  goTypeOf,
  makeInt,
  newStringMap,
  setKey,
  typedSlice,
  typeName,
  type Value,
} from './values.js';

/** A function of the environment (Argo's asInt, isNaN, ...): its Go type and implementation. */
export interface EnvFunction {
  readonly type: GoType;
  call(args: readonly Value[], ctx: CallContext): Value;
}

export interface Evaluation {
  readonly source: string;
  readonly variables: ReadonlyMap<string, Value>;
  readonly functions: ReadonlyMap<string, EnvFunction>;
  readonly nowMs: number | undefined;
}

export function evaluate(root: Node, evaluation: Evaluation): Value {
  return new Interpreter(evaluation).eval(root);
}

/** What an optional member (`a?.b`) yields on nil: the enclosing chain turns it into nil. */
const BREAK: unique symbol = Symbol('optional chain break');
type Result = Value | typeof BREAK;

const MEMORY_BUDGET = 1_000_000;

interface Scope {
  items: (i: number) => Value;
  len: number;
  index: number;
  count: number;
  acc: Value;
}

/** Go signatures expr calls without reflection (vm/func_types): a wrong argument type is an
 * interface conversion panic there, and a reflect.Call panic for every other signature. */
const TYPED_CALLS = new Set(
  [
    'func() time.Duration', 'func() time.Month', 'func() time.Time', 'func() time.Weekday', 'func() []interface {}', 'func() []uint8',
    'func() interface {}', 'func() bool', 'func() uint8', 'func() float64', 'func() int', 'func() int64', 'func() int32',
    'func() map[string]interface {}', 'func() string', 'func(time.Duration) time.Duration', 'func(time.Duration) time.Time',
    'func(time.Time) time.Duration', 'func(time.Time) bool', 'func([]interface {}) []interface {}', 'func([]interface {}) interface {}',
    'func([]interface {}, string) string', 'func([]uint8) string', 'func([]string, string) string', 'func(interface {}) []interface {}',
    'func(interface {}) interface {}', 'func(interface {}) bool', 'func(interface {}) float64', 'func(interface {}) int',
    'func(interface {}) map[string]interface {}', 'func(interface {}) string', 'func(interface {}, interface {}) []interface {}',
    'func(interface {}, interface {}) interface {}', 'func(interface {}, interface {}) bool', 'func(interface {}, interface {}) string',
    'func(bool) bool', 'func(float64) bool', 'func(float64) float64', 'func(float64) int', 'func(float64) string',
    'func(float64, float64) bool', 'func(int) bool', 'func(int) float64', 'func(int) int', 'func(int) string', 'func(int, int) bool',
    'func(int, int) int', 'func(int, int) string', 'func(int64) time.Time', 'func(string) []uint8', 'func(string) []string',
    'func(string) bool', 'func(string) float64', 'func(string) int', 'func(string) string', 'func(string, int) int',
    'func(string, string) bool', 'func(string, string) string',
  ],
);

class Interpreter implements CallContext {
  private steps = 0;
  private used = 0;
  private readonly scopes: Scope[] = [];
  private readonly locals: { name: string; value: Value }[] = [];
  readonly env: ReadonlyMap<string, Value>;
  readonly nowMs: number | undefined;

  constructor(private readonly evaluation: Evaluation) {
    this.env = evaluation.variables;
    this.nowMs = evaluation.nowMs;
  }

  readonly charge = (steps: number): void => {
    this.steps += steps;
    if (this.steps > LIMITS.maxSteps) throw new Fault(`evaluation exceeded ${LIMITS.maxSteps} steps`);
  };

  readonly memory = (size: number): void => {
    this.used += size;
    if (this.used >= MEMORY_BUDGET) throw new Fault('memory budget exceeded');
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
      case 'float':
      case 'string':
        return node.value;
      case 'int': {
        const type = node.nature?.type;
        if (type && type.kind === 'float64') return Number(node.value);
        return type && type !== T.int && type.kind !== 'interface' ? makeInt(type, node.value) : node.value;
      }
      case 'bytes':
        return node.value;
      case 'constant':
        return node.value instanceof Set ? null : (node.value as Value);
      case 'identifier':
        return this.identifier(node);
      case 'pointer':
        return this.pointer(node);
      case 'unary': {
        const operand = this.eval(node.operand);
        if (node.op === '!' || node.op === 'not') return !asBool(operand);
        if (node.op === '-') return negate(operand);
        return operand;
      }
      case 'binary':
        return this.binary(node);
      case 'chain': {
        // A nil slice or map at the end of a chain becomes plain nil.
        const value = this.evalNode(node.node);
        return value === BREAK || isNilValue(value) ? null : value;
      }
      case 'member': {
        const object = this.evalNode(node.object);
        if (object === BREAK) return BREAK;
        if (node.optional && isNilValue(object)) return BREAK;
        return fetch(object, this.eval(node.property), this.charge);
      }
      case 'slice': {
        const object = this.evalNode(node.object);
        if (object === BREAK) return BREAK;
        const to = node.to ? this.eval(node.to) : length(object);
        const from = node.from ? this.eval(node.from) : 0n;
        return slice(object, from, to, this.charge);
      }
      case 'call':
        return this.call(node);
      case 'builtin':
        return this.builtin(node);
      case 'predicate':
        return this.eval(node.body);
      case 'conditional': {
        const test = this.eval(node.test);
        return this.eval(asBool(test) ? node.then : node.otherwise);
      }
      case 'let': {
        this.locals.push({ name: node.name, value: this.eval(node.value) });
        try {
          return this.eval(node.body);
        } finally {
          this.locals.pop();
        }
      }
      case 'sequence': {
        let last: Value = null;
        for (const n of node.nodes) last = this.eval(n);
        return last;
      }
      case 'array': {
        const items = node.elements.map((e) => this.eval(e));
        this.memory(items.length);
        this.charge(items.length);
        return items;
      }
      case 'map': {
        const pairs = node.pairs.map((p) => {
          const pair = p as NodeOf<'pair'>;
          return [this.eval(pair.key), this.eval(pair.value)] as const;
        });
        this.memory(pairs.length);
        const out = newStringMap();
        // The VM pops pairs last to first, so the first of duplicate keys is written last and wins.
        for (let i = pairs.length - 1; i >= 0; i--) {
          const [key, value] = pairs[i]!;
          if (typeof key !== 'string') throw conversion(key, 'string');
          setKey(out, key, value);
        }
        return out;
      }
      case 'pair':
        return null;
      default:
        return assertNever(node, 'expression node');
    }
  }

  private identifier(node: NodeOf<'identifier'>): Value {
    for (let i = this.locals.length - 1; i >= 0; i--) {
      if (this.locals[i]!.name === node.name) return this.locals[i]!.value;
    }
    if (node.name === '$env') {
      const out = newStringMap();
      for (const [k, v] of this.env) setKey(out, k, v);
      return out;
    }
    if (this.env.has(node.name)) return this.env.get(node.name)!;
    const fn = this.evaluation.functions.get(node.name);
    if (fn) return new GoFunc(fn.type, node.name);
    return null;
  }

  private pointer(node: NodeOf<'pointer'>): Value {
    const scope = this.scopes[this.scopes.length - 1];
    if (!scope) throw new Fault('cannot use pointer accessor outside predicate');
    switch (node.name) {
      case 'index':
        return BigInt(scope.index);
      case 'acc':
        return scope.acc;
      default:
        return scope.items(scope.index);
    }
  }

  private binary(node: NodeOf<'binary'>): Value {
    const op = node.op;
    if (op === '||' || op === 'or' || op === '&&' || op === 'and') {
      const left = asBool(this.eval(node.left));
      if (left === (op === '||' || op === 'or')) return left;
      return this.eval(node.right);
    }
    if (op === '??') {
      const left = this.eval(node.left);
      return !isNilValue(left) ? left : this.eval(node.right);
    }
    const l = this.eval(node.left);
    if (op === 'matches' && node.right.kind === 'string') {
      if (isNilValue(l)) return false;
      const regex = this.regex(node.right.value);
      if (typeof l === 'string') return regex.test(l, this.charge);
      if (l instanceof Uint8Array) return regex.test(new TextDecoder().decode(l), this.charge);
      throw conversion(l, '[]uint8');
    }
    if (op === 'in' && node.right.kind === 'constant' && node.right.value instanceof Set) {
      const set = node.right.value;
      if (l === null) return set.has('');
      if (typeof l === 'bigint') return set.has(l);
      if (typeof l === 'string') return set.has(l);
      throw new Fault(`reflect.Value.MapIndex: value of type ${typeName(l)} is not assignable to type ${typeof [...set][0] === 'bigint' ? 'int' : 'string'}`);
    }
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
        return order(op as OrderOperator, l, r, this.charge);
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return arithmetic(op, l, r, this.charge);
      case '**':
      case '^':
        return exponent(l, r);
      case 'in':
        return membership(l, r, this.charge);
      case 'matches': {
        if (isNilValue(l) || isNilValue(r)) return false;
        if (typeof r !== 'string') throw conversion(r, 'string');
        const regex = this.regex(r);
        if (typeof l === 'string') return regex.test(l, this.charge);
        if (l instanceof Uint8Array) return regex.test(new TextDecoder().decode(l), this.charge);
        throw conversion(l, '[]uint8');
      }
      case 'contains':
      case 'startsWith':
      case 'endsWith': {
        if (isNilValue(l) || isNilValue(r)) return false;
        if (typeof l !== 'string') throw conversion(l, 'string');
        if (typeof r !== 'string') throw conversion(r, 'string');
        chargeText(this.charge, l);
        return op === 'contains' ? l.includes(r) : op === 'startsWith' ? l.startsWith(r) : l.endsWith(r);
      }
      case '..':
        return range(l, r, this.charge, this.memory);
      default:
        throw new Fault(`unknown operator (${op})`);
    }
  }

  /** Every use is charged the size of the compiled pattern, hit or miss in the cache. */
  private regex(pattern: string): GoRegex {
    const regex = cachedGoRegex(pattern);
    this.charge(regex.size);
    return regex;
  }

  private call(node: NodeOf<'call'>): Result {
    // expr evaluates the arguments before the function (and its receiver).
    const args = node.args.map((a) => this.eval(a));
    for (const arg of args) if (typeof arg === 'string') chargeText(this.charge, arg);
    const callee = node.callee;
    let fnValue: Result;
    if (callee.kind === 'identifier') {
      const local = this.locals.some((l) => l.name === callee.name) || this.env.has(callee.name);
      const fn = this.evaluation.functions.get(callee.name);
      if (fn && !local) return this.callGo(fn.type, args, (checked) => fn.call(checked, this));
      fnValue = this.identifier(callee);
    } else {
      fnValue = this.evalNode(callee);
      if (fnValue === BREAK) return BREAK;
    }
    if (fnValue === null) throw new Fault('invalid operation: cannot call nil');
    if (fnValue instanceof BoundMethod) {
      const spec = methodOf(goTypeOf(fnValue.receiver)!, fnValue.method)!;
      const type = GoType.func(spec.type.params.slice(1), [...spec.type.results]);
      const receiver = fnValue.receiver;
      return this.callGo(type, args, (checked) => spec.call(receiver, checked));
    }
    if (fnValue instanceof GoFunc) {
      const fn = this.evaluation.functions.get(fnValue.name);
      if (fn) return this.callGo(fn.type, args, (checked) => fn.call(checked, this));
    }
    throw new Fault(`invalid operation: cannot call non-function of type ${typeName(fnValue)}`);
  }

  /** Calls a Go function or method with expr's argument conversions and panics. */
  private callGo(type: GoType, args: Value[], call: (args: Value[]) => Value): Value {
    const params = type.params;
    if (!type.variadic && args.length !== params.length) {
      throw new Fault(`invalid number of arguments: expected ${params.length}, got ${args.length}`);
    }
    const signature = `func(${params.map((p) => p.name).join(', ')}) ${type.results.map((r) => r.name).join(', ')}`;
    const typed = !type.variadic && type.results.length === 1 && TYPED_CALLS.has(signature);
    const checked = args.map((arg, i) => {
      const param = params[Math.min(i, params.length - 1)]!;
      if (param.kind === 'interface') return arg;
      if (arg === null) {
        if (typed) throw conversion(arg, param.name);
        return zero(param);
      }
      if (goTypeOf(arg) === param) return arg;
      if (typed) throw conversion(arg, param.name);
      throw new Fault(`reflect: Call using ${typeName(arg)} as type ${param.name}`);
    });
    return call(checked);
  }

  private builtin(node: NodeOf<'builtin'>): Value {
    switch (node.name) {
      case 'all':
      case 'none':
      case 'any':
      case 'one':
      case 'filter':
      case 'map':
      case 'count':
      case 'sum':
      case 'find':
      case 'findIndex':
      case 'findLast':
      case 'findLastIndex':
      case 'groupBy':
      case 'sortBy':
      case 'reduce':
        return this.predicateBuiltin(node);
      default:
        break;
    }
    const spec = BUILTINS.get(node.name);
    if (!spec) throw new Fault(`unknown builtin ${node.name}`);
    const args = node.args.map((a) => this.eval(a));
    for (const arg of args) if (typeof arg === 'string') chargeText(this.charge, arg);
    const result = spec.call(args, this);
    if (typeof result === 'string') chargeText(this.charge, result);
    return result;
  }

  /** OpBegin: the collection a predicate iterates, as reflect sees it. */
  private begin(collection: Value): Scope {
    let items: (i: number) => Value;
    let len: number;
    if (Array.isArray(collection)) {
      const array = collection as readonly Value[];
      items = (i) => array[i] ?? null;
      len = array.length;
    } else if (collection instanceof Uint8Array || typeof collection === 'string') {
      const bytes = typeof collection === 'string' ? utf8(collection) : collection;
      items = (i) => new GoInt(T.uint8, BigInt(bytes[i]!));
      len = bytes.length;
    } else if (collection === null) {
      throw new Fault('reflect: call of reflect.Value.Len on zero Value');
    } else {
      const type = goTypeOf(collection)!;
      if (type.kind === 'map') {
        len = collection instanceof AnyMap ? collection.entries.size : Object.keys(collection as object).length;
        items = () => {
          throw new Fault('reflect: call of reflect.Value.Index on map Value');
        };
      } else throw new Fault(`reflect: call of reflect.Value.Len on ${type.kind === 'ptr' ? 'ptr' : type.kind} Value`);
    }
    this.charge(len);
    return { items, len, index: 0, count: 0, acc: null };
  }

  private predicateBuiltin(node: NodeOf<'builtin'>): Value {
    const collection = this.eval(node.args[0]!);
    const scope = this.begin(collection);
    this.scopes.push(scope);
    try {
      return this.loop(node, scope);
    } finally {
      this.scopes.pop();
    }
  }

  private loop(node: NodeOf<'builtin'>, scope: Scope): Value {
    const predicate = node.args[1];
    const test = () => asBool(this.eval(predicate!));
    const forward = (body: () => boolean | void) => {
      for (scope.index = 0; scope.index < scope.len; scope.index++) if (body() === true) return true;
      return false;
    };
    const backward = (body: () => boolean | void) => {
      for (scope.index = scope.len - 1; scope.index >= 0; scope.index--) if (body() === true) return true;
      return false;
    };
    const item = () => (node.map ? this.eval(node.map) : scope.items(scope.index));
    switch (node.name) {
      case 'all':
        return !forward(() => !test());
      case 'none':
        return !forward(() => test());
      case 'any':
        return forward(() => test());
      case 'one':
        forward(() => {
          if (test()) scope.count++;
        });
        return scope.count === 1;
      case 'filter': {
        const out: Value[] = [];
        forward(() => {
          if (test()) {
            scope.count++;
            out.push(item());
          }
        });
        this.memory(out.length);
        return out;
      }
      case 'map': {
        const out: Value[] = [];
        forward(() => {
          out.push(this.eval(predicate!));
        });
        this.memory(out.length);
        return out;
      }
      case 'count': {
        forward(() => {
          const v = predicate ? this.eval(predicate) : scope.items(scope.index);
          if (asBool(v)) {
            scope.count++;
            if (node.threshold !== undefined && scope.count >= node.threshold) return true;
          }
          return false;
        });
        return BigInt(scope.count);
      }
      case 'sum': {
        scope.acc = 0n;
        forward(() => {
          const v = predicate ? this.eval(predicate) : scope.items(scope.index);
          scope.acc = arithmetic('+', v, scope.acc, this.charge);
        });
        return scope.acc;
      }
      case 'find':
      case 'findLast': {
        let found: Value = null;
        const hit = (node.name === 'find' ? forward : backward)(() => {
          if (test()) {
            found = item();
            return true;
          }
          return false;
        });
        if (!hit && node.throws) throw new Fault('reflect: slice index out of range');
        return hit ? found : null;
      }
      case 'findIndex':
      case 'findLastIndex': {
        let found: Value = null;
        (node.name === 'findIndex' ? forward : backward)(() => {
          if (test()) {
            found = BigInt(scope.index);
            return true;
          }
          return false;
        });
        return found;
      }
      case 'groupBy': {
        const groups = new AnyMap(MAP.groupBy);
        forward(() => {
          const key = this.eval(predicate!);
          const k = mapKey(key, true);
          const entry = groups.entries.get(k);
          const value = scope.items(scope.index);
          if (entry) (entry.value as Value[]).push(value);
          else groups.entries.set(k, { key, value: [value] });
        });
        return groups;
      }
      case 'sortBy': {
        const direction = node.args.length === 3 ? this.eval(node.args[2]!) : 'asc';
        if (typeof direction !== 'string') throw new Fault('sortBy order argument must be a string');
        if (direction !== 'asc' && direction !== 'desc') throw new Fault('unknown order, use asc or desc');
        const items: Value[] = [];
        const keys: Value[] = [];
        forward(() => {
          keys.push(this.eval(predicate!));
          items.push(scope.items(scope.index));
        });
        const desc = direction === 'desc';
        this.charge(items.length * Math.max(1, Math.ceil(Math.log2(items.length + 1))));
        goSort({
          length: items.length,
          less: (i, j) => (desc ? order('<', keys[j]!, keys[i]!, this.charge) : order('<', keys[i]!, keys[j]!, this.charge)),
          swap: (i, j) => {
            [items[i], items[j]] = [items[j]!, items[i]!];
            [keys[i], keys[j]] = [keys[j]!, keys[i]!];
          },
        });
        this.memory(scope.len);
        return items;
      }
      case 'reduce': {
        if (node.args.length === 3) scope.acc = this.eval(node.args[2]!);
        else {
          if (scope.len === 0) throw new Fault('reduce of empty array with no initial value');
          scope.acc = scope.items(0);
          scope.index = 1;
        }
        for (; scope.index < scope.len; scope.index++) scope.acc = this.eval(predicate!);
        return scope.acc;
      }
      default:
        throw new Fault(`unknown builtin ${node.name}`);
    }
  }
}

/** reflect.Zero of a parameter type, for a nil argument. */
function zero(type: GoType): Value {
  switch (type.kind) {
    case 'bool':
      return false;
    case 'float64':
    case 'float32':
      return 0;
    case 'string':
      return '';
    case 'slice':
      return typedSlice([], type === SLICE.any ? SLICE.any : type);
    default:
      return type.kind.startsWith('int') || type.kind.startsWith('uint') ? makeInt(type, 0n) : null;
  }
}
