/**
 * The numeric fields of a metric, read the same way whether they were written as values or came
 * from `{{args.x}}` at run time (Argo substitutes args into the whole metric, so `count`,
 * `interval` and the limits may be placeholders). Pure.
 */
import { parseDuration } from '../util/duration.js';
import { describe } from './describe.js';

export type NumberParse = { ok: true; value: number } | { ok: false; message: string };

export interface IntRule {
  min?: number;
  max?: number;
  /** IntOrString fields also accept a numeric string ("3"), as Kubernetes does. */
  intOrString?: boolean;
}

export function parseIntField(value: unknown, rule: IntRule = {}): NumberParse {
  let v = value;
  if (rule.intOrString && typeof v === 'string' && /^-?\d+$/.test(v.trim())) v = Number(v.trim());
  if (typeof v !== 'number' || !Number.isInteger(v)) return { ok: false, message: `expected a whole number, got ${describe(value)}` };
  if (rule.min !== undefined && v < rule.min) return { ok: false, message: `must be at least ${rule.min}, got ${v}` };
  if (rule.max !== undefined && v > rule.max) return { ok: false, message: `must be at most ${rule.max}, got ${v}` };
  return { ok: true, value: v };
}

/** A duration ("30s", "1m30s", or a whole number of seconds) in milliseconds. */
export function parseDurationField(value: unknown, rule: { allowZero?: boolean } = {}): NumberParse {
  const parsed = parseDuration(value);
  if (!parsed.ok) return { ok: false, message: parsed.message };
  if (!rule.allowZero && parsed.ms <= 0) return { ok: false, message: 'must be greater than 0' };
  return { ok: true, value: parsed.ms };
}

/** A string holding an `{{...}}` placeholder: its value is only known once args are resolved. */
export function isTemplated(value: unknown): value is string {
  return typeof value === 'string' && /\{\{.*\}\}/s.test(value);
}
