/**
 * Compile once, run every interval. A Program is an opaque handle; its checked and optimized tree
 * stays in a WeakMap so callers cannot build or alter one. Compilations (and compile errors) are
 * cached by source and environment types in a small LRU.
 */
import type { Node } from './ast.js';
import { Lru } from './cache.js';
import { check } from './checker.js';
import { ExprError, Fault } from './errors.js';
import type { EnvFunction } from './interpreter.js';
import { evaluate } from './interpreter.js';
import { optimize } from './optimizer.js';
import { parse } from './parser.js';
import { natureName, of, type Nature } from './types.js';
import type { Value } from './values.js';

export interface Program {
  readonly source: string;
}

interface Compiled {
  root: Node;
  functions: ReadonlyMap<string, EnvFunction>;
  /** The result nature when the checker can tell. */
  nature: Nature;
}

/** What a program is compiled against: variables with their natures, and Go functions. */
export interface CompileEnv {
  readonly variables: ReadonlyMap<string, Nature>;
  readonly functions: ReadonlyMap<string, EnvFunction>;
}

const compiled = new WeakMap<Program, Compiled>();
const cache = new Lru<string, Program | ExprError>(256);
const functionIds = new WeakMap<ReadonlyMap<string, EnvFunction>, number>();
let nextId = 1;

export interface RunOptions {
  /** Epoch ms that `now()` returns. Without it, `now()` is a runtime error: evaluation never reads the clock. */
  nowMs?: number;
}

/** Compiles `source` for `env`; throws a compile ExprError. */
export function compileWith(source: string, env: CompileEnv): Program {
  const vars = [...env.variables].map(([k, n]) => `${k}:${n.nil ? 'nil' : natureName(n)}`).sort().join('\u0000');
  const key = `${functionId(env.functions)}\u0000${vars}\u0000\u0000${source}`;
  const hit = cache.get(key);
  if (hit instanceof ExprError) throw hit;
  if (hit) return hit;
  try {
    const program = build(source, env);
    cache.set(key, program);
    return program;
  } catch (err) {
    if (err instanceof ExprError) cache.set(key, err);
    throw err;
  }
}

function build(source: string, env: CompileEnv): Program {
  const names = new Map<string, Nature>(env.variables);
  for (const [name, fn] of env.functions) names.set(name, of(fn.type));
  const { root } = parse(source, new Set(names.keys()));
  const nature = check(root, source, { names });
  const optimized = optimize(root, source);
  const program: Program = Object.freeze({ source });
  compiled.set(program, { root: optimized, functions: env.functions, nature });
  return program;
}

export function runProgram(program: Program, variables: ReadonlyMap<string, Value>, options: RunOptions = {}): Value {
  const entry = compiled.get(program);
  if (!entry) throw new ExprError('runtime', 'not a compiled program: use compile()');
  try {
    return evaluate(entry.root, { source: program.source, variables, functions: entry.functions, nowMs: options.nowMs });
  } catch (err) {
    if (err instanceof Fault) throw new ExprError('runtime', err.message);
    throw err;
  }
}

/** The checker's view of the result, for lint-time checks such as "must be a bool". */
export function natureOf(program: Program): Nature | undefined {
  return compiled.get(program)?.nature;
}

function functionId(table: ReadonlyMap<string, EnvFunction>): number {
  let id = functionIds.get(table);
  if (id === undefined) {
    id = nextId++;
    functionIds.set(table, id);
  }
  return id;
}
