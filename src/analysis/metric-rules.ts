/**
 * `dryRun` and `measurementRetention` rules: metric names as unanchored Go regular expressions
 * (regexp.MatchString, RE2 syntax), each rule required to match at least one metric. Pure.
 */
import type { DryRunRule, RetentionRule } from '../manifests/types.js';
import { messageOf } from '../util/errors.js';
import { DEFAULT_MEASUREMENT_RETENTION } from './assess.js';
import { goRegexpMatch } from '../expr/index.js';

export interface MetricFlags {
  dryRun: boolean;
  retention: number;
}

export type RulesOutcome = { ok: true; flags: Map<string, MetricFlags> } | { ok: false; errors: string[] };

export function applyMetricRules(
  names: readonly string[],
  dryRun: readonly DryRunRule[],
  retention: readonly RetentionRule[],
): RulesOutcome {
  const errors: string[] = [];
  const flags = new Map<string, MetricFlags>(names.map((n) => [n, { dryRun: false, retention: DEFAULT_MEASUREMENT_RETENTION }]));
  dryRun.forEach((rule, i) => {
    const matched = matching(names, rule.metricName, `dryRun[${i}]`, errors);
    for (const name of matched) flags.get(name)!.dryRun = true;
  });
  retention.forEach((rule, i) => {
    const matched = matching(names, rule.metricName, `measurementRetention[${i}]`, errors);
    // A limit of 0 or less keeps the default, as in Argo.
    if (rule.limit > 0) for (const name of matched) flags.get(name)!.retention = rule.limit;
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, flags };
}

function matching(names: readonly string[], pattern: string, where: string, errors: string[]): string[] {
  let matched: string[];
  try {
    matched = names.filter((n) => goRegexpMatch(pattern, n));
  } catch (err) {
    errors.push(`${where}: metricName "${pattern}" is not a valid regular expression: ${messageOf(err)}`);
    return [];
  }
  if (matched.length === 0) errors.push(`${where}: Rule didn't match any metric name(s)`);
  return matched;
}
