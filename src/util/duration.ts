/**
 * Durations as Argo writes them: Go's time.ParseDuration syntax ("30s", "1m30s", "1.5h", "300ms")
 * or a bare integer meaning seconds (pause.duration, timeout). Parsed once at the edge into ms.
 */
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

export type DurationParse = { ok: true; ms: number } | { ok: false; message: string };

const HINT = 'expected a duration like "30s", "1m30s", "1h" or a whole number of seconds';

export function parseDuration(input: unknown): DurationParse {
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || input < 0) return { ok: false, message: `${HINT}, got ${input}` };
    return { ok: true, ms: input * 1000 };
  }
  if (typeof input !== 'string') return { ok: false, message: `${HINT}, got ${typeName(input)}` };
  const s = input.trim();
  if (/^\d+$/.test(s)) return { ok: true, ms: Number(s) * 1000 };
  if (s === '0') return { ok: true, ms: 0 };
  // µs as Go spells it: U+00B5 (micro sign) or U+03BC (Greek mu); escaped to keep the bundle ASCII.
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return { ok: false, message: `${HINT}, got ${JSON.stringify(input)}` };
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = re.lastIndex;
  }
  if (s.length === 0) return { ok: false, message: `${HINT}, got an empty string` };
  return { ok: true, ms: Math.round(total) };
}

/** Compact human form: 90000 -> "1m30s", 500 -> "500ms", 0 -> "0s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 1000) return ms === 0 ? '0s' : `${Math.round(ms)}ms`;
  let rest = Math.round(ms / 1000);
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : typeof v;
}
