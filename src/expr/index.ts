/**
 * canary's expression language: expr-lang v1.17.8 syntax and semantics as Argo Rollouts uses them
 * for AnalysisTemplate conditions, implemented as a tokenizer, parser, type checker, optimizer and
 * tree-walking interpreter over Go-typed values. No eval, no access to JavaScript prototypes or
 * globals, bounded work. docs/conditions.md is the user-facing description.
 */
import { ExprError, Fault } from './errors.js';
import { formatValue as formatRaw } from './format.js';
import { compileWith, runProgram, type Program, type RunOptions } from './program.js';
import { toGoJsonCompact } from './go-json.js';
import { cachedGoRegex } from './regex.js';
import { T, of } from './types.js';
import { fromHost, type Value } from './values.js';

export { ExprError } from './errors.js';
export type { ExprPhase } from './errors.js';
export type { Program, RunOptions } from './program.js';
export {
  evalCondition,
  evalConditionValue,
  checkCondition,
  conditionProblems,
  evalTime,
  resultValue,
  RESULT_SHAPES,
  type ResultShape,
  type ConditionOptions,
} from './argo.js';
export { ExprDuration, ExprTime, GoInt, typeName } from './values.js';
export type { Value } from './values.js';
export { LIMITS } from './limits.js';

const NO_FUNCTIONS = new Map();

/** Compiles `source` against an environment that will provide `names` (of types known only when
 * it runs); throws a compile ExprError ("unknown name x", "unexpected token ..."). Cached by source. */
export function compile(source: string, names: ReadonlySet<string>): Program {
  return compileWith(source, { variables: new Map([...names].map((n) => [n, of(T.any)])), functions: NO_FUNCTIONS });
}

/**
 * Evaluates a compiled program; throws a runtime ExprError. Host values are read as fromHost
 * does; values come back as the interpreter holds them: ints as bigint, floats as number, maps as
 * plain objects, times as ExprTime.
 */
export function run(program: Program, env: Readonly<Record<string, unknown>>, options?: RunOptions): Value {
  const variables = new Map<string, Value>();
  for (const [k, v] of Object.entries(env)) variables.set(k, fromHost(v));
  return runProgram(program, variables, options);
}

/** A value as Go's %v prints it: `[1 2 3]`, `1e+06`, `<nil>`, `map[a:1]`. */
export function formatValue(value: unknown): string {
  try {
    return formatRaw(value);
  } catch (err) {
    if (err instanceof Fault) throw new ExprError('runtime', err.message);
    throw err;
  }
}

/** A decoded JSON value as Go's json.Marshal prints it (sorted keys, Go's floats, HTML-safe escapes). */
export function goJson(value: unknown): string {
  try {
    return toGoJsonCompact(fromHost(value, true));
  } catch (err) {
    if (err instanceof Fault) throw new ExprError('runtime', err.message);
    throw err;
  }
}

/** Go's regexp.MatchString (RE2 syntax, linear time), e.g. for Argo's dryRun metricName rules.
 * Throws a compile ExprError such as "error parsing regexp: missing closing ): `(a`". */
export function goRegexpMatch(pattern: string, text: string): boolean {
  try {
    return cachedGoRegex(pattern).test(text, () => {});
  } catch (err) {
    if (err instanceof Fault) throw new ExprError('compile', err.message);
    throw err;
  }
}
