/**
 * `{{args.name}}` substitution with Argo's meaning. Argo marshals the whole metric to JSON, replaces
 * each tag with the arg value escaped as a string literal's contents (strconv.Quote), and unmarshals:
 * the net effect is that every string of the metric (keys included) gets the raw value spliced in,
 * whatever quotes or backslashes it holds. We do exactly that on the strings themselves, so no
 * escaping round trip can go wrong. Tags follow fasttemplate: `{{` up to the next `}}`, trimmed.
 */
import type { MetricSpec } from '../manifests/types.js';

export type Substitution<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Replaces every tag in `text`; an unknown tag or an unterminated `{{` is an error. Tags in `keep` stay as written. */
export function substituteText(text: string, args: ReadonlyMap<string, string>, keep: ReadonlySet<string> = NONE): Substitution<string> {
  if (!text.includes('{{')) return { ok: true, value: text };
  const errors: string[] = [];
  let out = '';
  let pos = 0;
  for (;;) {
    const open = text.indexOf('{{', pos);
    if (open < 0) break;
    const close = text.indexOf('}}', open + 2);
    if (close < 0) {
      errors.push(`cannot find the closing "}}" of the "{{" at offset ${open}`);
      break;
    }
    out += text.slice(pos, open);
    const tag = text.slice(open + 2, close);
    const key = tag.trim();
    const value = key.startsWith('args.') ? args.get(key.slice('args.'.length)) : keep.has(key) ? `{{${tag}}}` : undefined;
    if (value === undefined) errors.push(`failed to resolve {{${tag}}}`);
    else out += value;
    pos = close + 2;
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: out + text.slice(pos) };
}

const NONE: ReadonlySet<string> = new Set();
/** The judge's queries keep {{scope}}: it is filled per side when the judge measures. */
const JUDGE_TAGS: ReadonlySet<string> = new Set(['scope']);

/** Every string of the metric substituted; `loc` and `source` (where it was written) are kept as they are. */
export function resolveMetricStrings(metric: MetricSpec, args: ReadonlyMap<string, string>): Substitution<MetricSpec> {
  const errors: string[] = [];
  const keep = metric.provider.kind === 'judge' ? JUDGE_TAGS : NONE;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const s = substituteText(v, args, keep);
      if (s.ok) return s.value;
      errors.push(...s.errors);
      return v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[walk(k) as string] = walk(x);
      return out;
    }
    return v;
  };
  const { loc, source, ...rest } = metric;
  const resolved = walk(rest) as Omit<MetricSpec, 'loc' | 'source'>;
  if (errors.length > 0) return { ok: false, errors: [...new Set(errors)] };
  return { ok: true, value: { ...resolved, loc, source } };
}
