/**
 * Kubernetes label selector semantics (k8s.io/apimachinery labels.Requirement.Matches, as
 * metav1.LabelSelectorAsSelector builds it): every matchLabels pair and every expression must hold.
 * In: the label is set to one of the values; NotIn: it is unset or set to none of them; Exists: it is
 * set (to anything, "" included); DoesNotExist: it is unset.
 */
import type { LabelSelector } from './types.js';

export type SelectorRequirement = LabelSelector['matchExpressions'][number];

export function requirementMatches(r: SelectorRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && values.includes(labels[r.key]!);
    case 'NotIn':
      return !has || !values.includes(labels[r.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      // The reader refuses other operators; Kubernetes matches nothing with an unknown one.
      return false;
  }
}

/** The first part of `selector` that `labels` do not satisfy, in words; null when they match. */
export function unmatchedBy(selector: LabelSelector, labels: Readonly<Record<string, string>>): string | null {
  for (const [k, v] of Object.entries(selector.matchLabels)) {
    if (!Object.prototype.hasOwnProperty.call(labels, k) || labels[k] !== v) return `${k}=${v}`;
  }
  for (const r of selector.matchExpressions) {
    if (!requirementMatches(r, labels)) return describeRequirement(r);
  }
  return null;
}

export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return unmatchedBy(selector, labels) === null;
}

/** As kubectl prints it: `tier in (a,b)`, `tier notin (a)`, `tier`, `!tier`. */
export function describeRequirement(r: SelectorRequirement): string {
  const values = `(${(r.values ?? []).join(',')})`;
  switch (r.operator) {
    case 'In':
      return `${r.key} in ${values}`;
    case 'NotIn':
      return `${r.key} notin ${values}`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
    default:
      return `${r.key} ${r.operator} ${values}`;
  }
}
