/** commander's helper for repeatable options (the global flags' type is the contract's GlobalOptions). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
