/**
 * The builtin function table every program sees, and the names of expr builtins canary does not
 * implement (calling one is a compile error that says so, rather than "unknown name").
 */
import { COLLECTION_BUILTINS } from './builtins-collections.js';
import { MATH_BUILTINS } from './builtins-math.js';
import { TEXT_BUILTINS } from './builtins-text.js';
import { TIME_BUILTINS } from './builtins-time.js';
import type { FunctionSpec, FunctionTable } from './function-spec.js';

export const BUILTINS: FunctionTable = new Map<string, FunctionSpec>(
  [...MATH_BUILTINS, ...TEXT_BUILTINS, ...COLLECTION_BUILTINS, ...TIME_BUILTINS].map((spec) => [spec.name, spec]),
);

export const UNSUPPORTED_BUILTINS: ReadonlySet<string> = new Set([
  'date',
  'timezone',
  'toJSON',
  'fromJSON',
  'toBase64',
  'fromBase64',
  'toPairs',
  'fromPairs',
  'splitAfter',
  'repeat',
  'flatten',
  'uniq',
  'sort',
  'groupBy',
  'sortBy',
  'reduce',
  'bitand',
  'bitor',
  'bitxor',
  'bitnand',
  'bitnot',
  'bitshl',
  'bitshr',
  'bitushr',
]);
