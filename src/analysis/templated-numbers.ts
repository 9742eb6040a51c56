/**
 * Numeric metric fields written as `{{args.x}}` (count, interval, the limits), parsed once their
 * text has been substituted, then held to the same rules lint applies to written values. Pure.
 */
import { NUMBER_RULES } from '../manifests/analysis-template.js';
import { parseDurationField, parseIntField, type NumberParse } from '../manifests/numbers.js';
import { checkMetric } from '../manifests/rules.js';
import type { MetricSpec, NumberField } from '../manifests/types.js';
import { assertNever } from '../util/assert-never.js';
import type { Substitution } from './substitute.js';

/**
 * `substituted` is `written` with its strings substituted (templated texts included): each templated
 * field parsed into its place. Messages name the placeholder as written, never the value: the arg
 * may come from a Secret.
 */
export function resolveTemplatedNumbers(written: MetricSpec, substituted: MetricSpec): Substitution<MetricSpec> {
  if (substituted.templated.length === 0) return { ok: true, value: substituted };
  const errors: string[] = [];
  let out: MetricSpec = { ...substituted, templated: [] };
  substituted.templated.forEach((t, i) => {
    const parsed = parseField(t.field, t.text);
    if (!parsed.ok) {
      errors.push(`${t.field}: ${written.templated[i]?.text ?? 'the placeholder'} did not resolve to a valid value: ${parsed.message.replace(/, got .*$/s, '')}`);
      return;
    }
    out = withField(out, t.field, parsed.value);
  });
  if (errors.length === 0) for (const issue of checkMetric(out)) errors.push(`${issue.path.split('.').pop()}: ${issue.message}`);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: out };
}

function parseField(field: NumberField, text: string): NumberParse {
  switch (field) {
    case 'interval':
      return parseDurationField(text);
    case 'initialDelay':
      return parseDurationField(text, { allowZero: true });
    case 'count':
    case 'failureLimit':
    case 'inconclusiveLimit':
    case 'consecutiveErrorLimit':
    case 'consecutiveSuccessLimit':
      return parseIntField(text, NUMBER_RULES[field]);
    default:
      return assertNever(field, 'metric number field');
  }
}

function withField(m: MetricSpec, field: NumberField, value: number): MetricSpec {
  switch (field) {
    case 'interval':
      return { ...m, intervalMs: value };
    case 'initialDelay':
      return { ...m, initialDelayMs: value };
    case 'count':
      // As when written: 0 means unset.
      return { ...m, count: value === 0 ? null : value };
    case 'failureLimit':
    case 'inconclusiveLimit':
    case 'consecutiveErrorLimit':
    case 'consecutiveSuccessLimit':
      return { ...m, [field]: value };
    default:
      return assertNever(field, 'metric number field');
  }
}
