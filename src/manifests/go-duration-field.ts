/**
 * Provider fields Argo types as DurationString (Go's time.ParseDuration: "5m", "1h30m", no bare
 * numbers). They may hold `{{args.x}}`, so the text is kept and parsed when measured; lint parses
 * the literal ones now.
 */
import { parseGoDuration } from '../expr/go-duration.js';
import { isTemplated } from './numbers.js';
import type { Reader } from './reader.js';

/** The field's text (or `fallback` when absent); a literal that Go would not parse is reported. */
export function readGoDuration(r: Reader, fallback: string, options: { positive?: boolean } = {}): string {
  if (!r.present) return fallback;
  const text = r.string();
  if (text === null) return fallback;
  if (isTemplated(text)) return text;
  const parsed = parseGoDuration(text);
  if (!parsed.ok) r.error(`expected a duration such as "5m" or "30s" (Go's time.ParseDuration): ${parsed.message}`);
  else if (options.positive && parsed.nanoseconds <= 0) r.error(`must be a positive duration, e.g. "30s"`);
  return text;
}
