/**
 * Go's type system as far as expr's checker and runtime observe it: reflect.Type names and kinds
 * ("[]float64", "map[string]interface {}", "func(float64) bool"), assignability, and the
 * checker's Nature (a type, or "unknown", or the nil literal). Conditions compile against the
 * Go type of `result`, so the same condition can be fine for a scalar and a compile error for a
 * vector, as in Argo.
 */

export type Kind =
  | 'bool'
  | 'int'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'float32'
  | 'float64'
  | 'string'
  | 'slice'
  | 'array'
  | 'map'
  | 'func'
  | 'interface'
  | 'struct'
  | 'ptr';

/** An interned Go type: two GoTypes are the same type exactly when they are the same object. */
export class GoType {
  private constructor(
    readonly kind: Kind,
    /** reflect.Type.String(): what expr's messages print. */
    readonly name: string,
    /** Declared (named) types such as time.Duration; their methods and PkgPath matter. */
    readonly named: boolean,
    readonly elem: GoType | null,
    readonly key: GoType | null,
    readonly length: number,
    readonly params: readonly GoType[],
    readonly results: readonly GoType[],
    readonly variadic: boolean,
  ) {}

  private static readonly table = new Map<string, GoType>();

  private static make(
    kind: Kind,
    name: string,
    named = false,
    parts: { elem?: GoType; key?: GoType; length?: number; params?: GoType[]; results?: GoType[]; variadic?: boolean } = {},
  ): GoType {
    const found = GoType.table.get(name);
    if (found) return found;
    const t = new GoType(
      kind,
      name,
      named,
      parts.elem ?? null,
      parts.key ?? null,
      parts.length ?? 0,
      parts.params ?? [],
      parts.results ?? [],
      parts.variadic ?? false,
    );
    GoType.table.set(name, t);
    return t;
  }

  static basic(kind: Exclude<Kind, 'slice' | 'array' | 'map' | 'func' | 'ptr'>): GoType {
    return GoType.make(kind, kind === 'interface' ? 'interface {}' : kind === 'struct' ? 'struct {}' : kind);
  }

  static named(name: string, underlying: Kind): GoType {
    return GoType.make(underlying, name, true);
  }

  static slice(elem: GoType): GoType {
    return GoType.make('slice', `[]${elem.name}`, false, { elem });
  }

  static array(length: number, elem: GoType): GoType {
    return GoType.make('array', `[${length}]${elem.name}`, false, { elem, length });
  }

  static map(key: GoType, elem: GoType): GoType {
    return GoType.make('map', `map[${key.name}]${elem.name}`, false, { key, elem });
  }

  static ptr(elem: GoType): GoType {
    return GoType.make('ptr', `*${elem.name}`, false, { elem });
  }

  static func(params: GoType[], results: GoType[], variadic = false): GoType {
    const ps = params.map((p, i) => (variadic && i === params.length - 1 ? `...${p.elem!.name}` : p.name)).join(', ');
    const rs = results.length === 0 ? '' : results.length === 1 ? ` ${results[0]!.name}` : ` (${results.map((r) => r.name).join(', ')})`;
    return GoType.make('func', `func(${ps})${rs}`, false, { params, results, variadic });
  }

  toString(): string {
    return this.name;
  }
}

export const T = {
  any: GoType.basic('interface'),
  bool: GoType.basic('bool'),
  int: GoType.basic('int'),
  int64: GoType.basic('int64'),
  int32: GoType.basic('int32'),
  uint8: GoType.basic('uint8'),
  float64: GoType.basic('float64'),
  string: GoType.basic('string'),
  emptyStruct: GoType.basic('struct'),
  time: GoType.named('time.Time', 'struct'),
  duration: GoType.named('time.Duration', 'int64'),
  month: GoType.named('time.Month', 'int'),
  weekday: GoType.named('time.Weekday', 'int'),
  location: GoType.ptr(GoType.named('time.Location', 'struct')),
  error: GoType.named('error', 'interface'),
} as const;

export const SLICE = {
  any: GoType.slice(T.any),
  float64: GoType.slice(T.float64),
  int: GoType.slice(T.int),
  string: GoType.slice(T.string),
  bytes: GoType.slice(T.uint8),
} as const;

export const MAP = {
  stringAny: GoType.map(T.string, T.any),
  anyAny: GoType.map(T.any, T.any),
  groupBy: GoType.map(T.any, SLICE.any),
} as const;

const INTEGER_KINDS: ReadonlySet<Kind> = new Set(['int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64']);

/** Go's reflect.Type.AssignableTo for the types expr meets. */
export function assignable(from: GoType, to: GoType): boolean {
  if (from === to) return true;
  if (to.kind === 'interface' && to.name === 'interface {}') return true;
  // Identical underlying unnamed composite types (e.g. a map literal to map[string]interface {}).
  return false;
}

/**
 * The checker's knowledge of a value: a type, "unknown" (type null, printed `unknown`), or the
 * nil literal. `ref` is the element nature of arrays built by expr (map() over []float64 gives
 * []interface {} whose elements are known to be float64), or a predicate's result nature.
 */
export interface Nature {
  readonly type: GoType | null;
  readonly nil?: boolean;
  readonly ref?: Nature;
  /** A builtin function used as a value (its Types/Validate rules). */
  readonly builtin?: string;
  /** A method value: its func type still has the receiver as first parameter. */
  readonly method?: boolean;
}

export const UNKNOWN: Nature = Object.freeze({ type: null });
export const NIL: Nature = Object.freeze({ type: null, nil: true });

const natures = new Map<GoType, Nature>();
export function of(type: GoType): Nature {
  let n = natures.get(type);
  if (!n) {
    n = Object.freeze({ type });
    natures.set(type, n);
  }
  return n;
}

export function arrayOf(elem: Nature): Nature {
  return { type: SLICE.any, ref: elem };
}

export function isUnknown(n: Nature): boolean {
  return (n.type === null && !n.nil) || (n.type !== null && n.type.kind === 'interface' && n.type !== T.error);
}

export function natureName(n: Nature): string {
  return n.type ? n.type.name : 'unknown';
}

export function kindOfNature(n: Nature): Kind | null {
  return n.type ? n.type.kind : null;
}

/** Builtin (unnamed) integer types only: time.Month is not an integer to expr's checker. */
export function isInteger(n: Nature): boolean {
  return n.type !== null && !n.type.named && INTEGER_KINDS.has(n.type.kind);
}

export function isFloat(n: Nature): boolean {
  return n.type !== null && !n.type.named && (n.type.kind === 'float64' || n.type.kind === 'float32');
}

export function isNumber(n: Nature): boolean {
  return isInteger(n) || isFloat(n);
}

export function isIntegerType(t: GoType): boolean {
  return INTEGER_KINDS.has(t.kind);
}

export const isBool = (n: Nature): boolean => n.type?.kind === 'bool';
export const isString = (n: Nature): boolean => n.type?.kind === 'string';
export const isArray = (n: Nature): boolean => n.type?.kind === 'slice' || n.type?.kind === 'array';
export const isMap = (n: Nature): boolean => n.type?.kind === 'map';
export const isTime = (n: Nature): boolean => n.type === T.time;
export const isDuration = (n: Nature): boolean => n.type === T.duration;
export const isFunc = (n: Nature): boolean => n.type?.kind === 'func';
export const isByteSlice = (n: Nature): boolean => n.type === SLICE.bytes;

export function elemOf(n: Nature): Nature {
  if (!n.type) return UNKNOWN;
  switch (n.type.kind) {
    case 'slice':
    case 'array':
      return n.ref ?? of(n.type.elem!);
    case 'map':
    case 'ptr':
      return of(n.type.elem!);
    default:
      return UNKNOWN;
  }
}

export function keyOf(n: Nature): Nature {
  return n.type?.kind === 'map' ? of(n.type.key!) : UNKNOWN;
}

/** Nature.AssignableTo: nil goes into pointers, interfaces, maps, slices and funcs. */
export function natureAssignable(n: Nature, to: Nature): boolean {
  if (n.nil && to.type && ['ptr', 'interface', 'func', 'map', 'slice'].includes(to.type.kind)) return true;
  if (!n.type || !to.type) return false;
  if (n.type.kind !== to.type.kind && to.type.kind !== 'interface') return false;
  return assignable(n.type, to.type);
}

export function comparable(l: Nature, r: Nature): boolean {
  return (
    isUnknown(l) ||
    isUnknown(r) ||
    !!l.nil ||
    !!r.nil ||
    (isNumber(l) && isNumber(r)) ||
    (isDuration(l) && isDuration(r)) ||
    (isTime(l) && isTime(r)) ||
    (isArray(l) && isArray(r)) ||
    natureAssignable(l, r)
  );
}

export type Check = 'bool' | 'string' | 'integer' | 'number' | 'map' | 'array' | 'time' | 'duration';

export function isAnyOf(n: Nature, checks: readonly Check[]): boolean {
  return checks.some((c) => {
    switch (c) {
      case 'bool':
        return isBool(n);
      case 'string':
        return isString(n);
      case 'integer':
        return isInteger(n);
      case 'number':
        return isNumber(n);
      case 'map':
        return isMap(n);
      case 'array':
        return isArray(n);
      case 'time':
        return isTime(n);
      case 'duration':
        return isDuration(n);
    }
  });
}

/** Nature.MaybeCompatible: at least one side unknown and the other one of `checks` (or unknown). */
export function maybeCompatible(l: Nature, r: Nature, ...checks: Check[]): boolean {
  const lu = isUnknown(l);
  const ru = isUnknown(r);
  return (lu && ru) || (lu && isAnyOf(r, checks)) || (ru && isAnyOf(l, checks));
}

export function promoteNumeric(l: Nature, r: Nature): Nature {
  if (isUnknown(l) || isUnknown(r)) return UNKNOWN;
  return isFloat(l) || isFloat(r) ? of(T.float64) : of(T.int);
}
