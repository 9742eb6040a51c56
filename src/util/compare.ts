/**
 * Text order by code unit, as Go's sort.Strings and kubectl's directory walk order names.
 * localeCompare would load ICU's collation data: about 3 MB of memory in every process that sorts,
 * which a waiting runner cannot afford (docs/benchmarks.md, issue 15).
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
