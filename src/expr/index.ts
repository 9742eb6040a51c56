/**
 * canary's expression language: expr-lang (v1.17) syntax and semantics as Argo Rollouts uses them
 * for AnalysisTemplate conditions, implemented as a tokenizer, parser, checker and tree-walking
 * interpreter. No eval, no access to JavaScript prototypes or globals, bounded work.
 * docs/conditions.md is the user-facing description.
 */
import { ExprError, Fault } from './errors.js';
import { formatValue as formatRaw } from './format.js';
import { compileWith, runProgram, type Program, type RunOptions } from './program.js';
import { cachedGoRegex } from './regex.js';

export { ExprError } from './errors.js';
export type { ExprPhase } from './errors.js';
export type { Program, RunOptions } from './program.js';
export { evalCondition, evalConditionValue, checkCondition, evalTime } from './argo.js';
export { ExprDuration, ExprTime, typeName } from './values.js';
export { LIMITS } from './limits.js';

/** Compiles `source` against an environment that will provide `names`; throws a compile ExprError
 * ("unknown name x", "unexpected token ..."). Only builtins are callable. Cached by source. */
export function compile(source: string, names: ReadonlySet<string>): Program {
  return compileWith(source, names);
}

/**
 * Evaluates a compiled program; throws a runtime ExprError. Values come back as the interpreter
 * holds them: ints as bigint, floats as number, maps as plain objects, times as ExprTime.
 */
export function run(program: Program, env: Readonly<Record<string, unknown>>, options?: RunOptions): unknown {
  return runProgram(program, env, options);
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
