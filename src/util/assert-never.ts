/** Ends an exhaustive switch: adding a variant to a union fails to compile wherever it is not handled. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
