/**
 * What the compiler knows about a value's type before running. Environment values are `unknown`
 * (their shape depends on the provider), so only literals, builtin results and operators carry
 * types; a check fails only when both sides are known to clash, as in expr's checker.
 */
export type StaticType = 'unknown' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'array' | 'map' | 'time' | 'duration';

/** Names as expr's compile-time messages print them. */
export function staticName(type: StaticType): string {
  switch (type) {
    case 'unknown':
      return 'interface {}';
    case 'nil':
      return 'nil';
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
    case 'array':
      return '[]interface {}';
    case 'map':
      return 'map[string]interface {}';
    case 'time':
      return 'time.Time';
    case 'duration':
      return 'time.Duration';
  }
}

export function isNumeric(type: StaticType): boolean {
  return type === 'int' || type === 'float';
}

/** True when `type` is unknown or one of `allowed`: the value may turn out fine at run time. */
export function maybe(type: StaticType, ...allowed: StaticType[]): boolean {
  return type === 'unknown' || allowed.includes(type);
}
