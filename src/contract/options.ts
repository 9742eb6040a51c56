/** Option values parsed once, at the edge: what a command does with the strings commander hands it. */
import { parseDuration } from '../util/duration.js';
import { UsageError } from '../util/errors.js';

export type OutputFormat = 'text' | 'json' | 'yaml' | 'wide';

export function parseOutput(value: string | undefined, allowed: readonly OutputFormat[]): OutputFormat {
  const v = (value ?? 'text') as OutputFormat;
  if (!allowed.includes(v)) throw new UsageError(`-o ${value}: unknown output format`, { hint: `use one of: ${allowed.join(', ')}` });
  return v;
}

export function parseDurationOption(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = parseDuration(value);
  if (!parsed.ok) throw new UsageError(`${flag} ${value}: ${parsed.message}`);
  return parsed.ms;
}

/** `--arg k=v` and `--image container=image`: repeatable key=value pairs. */
export function parsePairs(flag: string, values: readonly string[] | undefined): [string, string][] {
  return (values ?? []).map((v) => {
    const i = v.indexOf('=');
    if (i <= 0) throw new UsageError(`${flag} ${v}: expected KEY=VALUE`, { hint: flag === '--image' ? 'e.g. --image myapp=ghcr.io/org/myapp:1.2.3' : `e.g. ${flag} service-name=myapp-canary` });
    return [v.slice(0, i), v.slice(i + 1)];
  });
}
