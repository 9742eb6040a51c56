/**
 * Secret values (from `valueFrom.secretKeyRef` args) must never reach a message, a log line, JSON
 * output or the run-state ConfigMap. A Redactor replaces every occurrence with `*****`, as Argo does.
 */
export const REDACTED = '*****';

export interface Redactor {
  /** `s` with every secret replaced by `*****`. */
  text(s: string): string;
  /** A deep copy of a JSON value with every secret replaced in its strings and keys. */
  json<T>(value: T): T;
}

export const noRedaction: Redactor = { text: (s) => s, json: (v) => v };

export function createRedactor(secrets: Iterable<string>): Redactor {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (secret === '') continue;
    needles.add(secret);
    // A secret can also surface encoded: inside a JSON string an error body quotes, or in a URL.
    needles.add(JSON.stringify(secret).slice(1, -1));
    needles.add(encodeURIComponent(secret));
    needles.add(new URLSearchParams({ s: secret }).toString().slice(2));
  }
  if (needles.size === 0) return noRedaction;
  // Longest first, so that a secret containing another one is replaced whole.
  const ordered = [...needles].sort((a, b) => b.length - a.length);
  const text = (s: string): string => {
    let out = s;
    for (const needle of ordered) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    return out;
  };
  const json = <T>(value: T): T => deepRedact(value, text) as T;
  return { text, json };
}

function deepRedact(value: unknown, text: (s: string) => string): unknown {
  if (typeof value === 'string') return text(value);
  if (Array.isArray(value)) return value.map((v) => deepRedact(v, text));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[text(k)] = deepRedact(v, text);
    return out;
  }
  return value;
}
