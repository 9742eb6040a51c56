/**
 * Compile once, run every interval. A Program is an opaque handle; its checked tree stays in a
 * WeakMap so callers cannot build or alter one. Compilations (and compile errors) are cached by
 * source, names and environment functions in a small LRU.
 */
import type { Node } from './ast.js';
import { Lru } from './cache.js';
import { check, type Scope } from './checker.js';
import { ExprError, Fault } from './errors.js';
import type { FunctionTable } from './function-spec.js';
import { evaluate } from './interpreter.js';
import { parse } from './parser.js';
import type { StaticType } from './static-types.js';
import type { Value } from './values.js';

export interface Program {
  readonly source: string;
}

interface Compiled {
  root: Node;
  scope: Scope;
  /** The result type when the compiler can tell (a literal, a comparison), else 'unknown'. */
  type: StaticType;
}

const compiled = new WeakMap<Program, Compiled>();
const NO_FUNCTIONS: FunctionTable = new Map();
const cache = new Lru<string, Program | ExprError>(256);
const tableIds = new WeakMap<FunctionTable, number>();
let nextTableId = 1;

export interface RunOptions {
  /** Epoch ms that `now()` returns. Without it, `now()` is a runtime error: evaluation never reads the clock. */
  nowMs?: number;
}

/** Compiles `source` for an environment providing `names` (and `functions`); throws a compile ExprError. */
export function compileWith(source: string, names: ReadonlySet<string>, functions: FunctionTable = NO_FUNCTIONS): Program {
  const key = `${tableId(functions)}\u0000${[...names].sort().join('\u0000')}\u0000\u0000${source}`;
  const hit = cache.get(key);
  if (hit instanceof ExprError) throw hit;
  if (hit) return hit;
  try {
    const program = build(source, { names: new Set(names), functions });
    cache.set(key, program);
    return program;
  } catch (err) {
    if (err instanceof ExprError) cache.set(key, err);
    throw err;
  }
}

function build(source: string, scope: Scope): Program {
  const { root } = parse(source);
  const type = check(root, source, scope);
  const program: Program = Object.freeze({ source });
  compiled.set(program, { root, scope, type });
  return program;
}

export function runProgram(program: Program, env: Readonly<Record<string, unknown>>, options: RunOptions = {}): Value {
  const entry = compiled.get(program);
  if (!entry) throw new ExprError('runtime', 'not a compiled program: use compile()');
  try {
    return evaluate(entry.root, { source: program.source, scope: entry.scope, env, nowMs: options.nowMs });
  } catch (err) {
    // Faults are located by the interpreter; one raised outside any node (never expected) still
    // leaves as the module's single error type.
    if (err instanceof Fault) throw new ExprError('runtime', err.message);
    throw err;
  }
}

/** The compiler's view of the result type, for lint-time checks such as "must be a bool". */
export function staticType(program: Program): StaticType {
  return compiled.get(program)?.type ?? 'unknown';
}

function tableId(table: FunctionTable): number {
  let id = tableIds.get(table);
  if (id === undefined) {
    id = nextTableId++;
    tableIds.set(table, id);
  }
  return id;
}
