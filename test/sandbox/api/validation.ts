/**
 * The validation the real server applies that a client can trip over: object names, label keys
 * and values, Deployment/ReplicaSet selectors (present, matching the template, immutable) and
 * Service ports. Messages are apimachinery's (k8s.io/apimachinery/pkg/util/validation).
 */
import type { K8sObject, ResourceType } from '../store/types.js';
import { describe, type NameRule } from './catalog.js';
import { GoRepr, invalid, type FieldError } from './errors.js';
import { isObject } from './patch/json-value.js';

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';

/** RegexError from apimachinery: the message, examples, and the regex. */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (!examples.length) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e, i) => (i > 0 ? ' or ' : '') + `'${e}', `).join('')}regex used for validation is '${fmt}')`;
}

export function nameErrors(rule: NameRule, value: string): string[] {
  const errs: string[] = [];
  switch (rule) {
    case 'dns1123-subdomain':
      if (value.length > 253) errs.push('must be no more than 253 characters');
      if (!new RegExp(`^${DNS1123_SUBDOMAIN}$`).test(value)) {
        errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN, 'example.com'));
      }
      return errs;
    case 'dns1123-label':
      if (value.length > 63) errs.push('must be no more than 63 characters');
      if (!new RegExp(`^${DNS1123_LABEL}$`).test(value)) {
        if (new RegExp(`^${DNS1123_SUBDOMAIN}$`).test(value)) errs.push('must not contain dots');
        else errs.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", DNS1123_LABEL, 'my-name', '123-abc'));
      }
      return errs;
    case 'dns1035-label':
      if (value.length > 63) errs.push('must be no more than 63 characters');
      if (!new RegExp(`^${DNS1035_LABEL}$`).test(value)) {
        errs.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", DNS1035_LABEL, 'my-name', 'abc-123'));
      }
      return errs;
  }
}

const QUALIFIED_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';

function labelKeyErrors(key: string): string[] {
  const parts = key.split('/');
  let name = key;
  const errs: string[] = [];
  if (parts.length === 2) {
    const [prefix, n] = parts as [string, string];
    name = n;
    if (!prefix) errs.push('prefix part must be non-empty');
    else errs.push(...nameErrors('dns1123-subdomain', prefix).map((e) => `prefix part ${e}`));
  } else if (parts.length > 2) {
    return [regexError("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME, 'MyName', 'my.name', '123-abc') + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  }
  if (!name) errs.push('name part must be non-empty');
  else {
    if (name.length > 63) errs.push('name part must be no more than 63 characters');
    if (!new RegExp(`^${QUALIFIED_NAME}$`).test(name)) {
      errs.push('name part ' + regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME, 'MyName', 'my.name', '123-abc'));
    }
  }
  return errs;
}

function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!new RegExp(`^${LABEL_VALUE}$`).test(value)) {
    errs.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_VALUE, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

function labelErrors(labels: unknown, path: string): FieldError[] {
  if (!isObject(labels)) return [];
  const out: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    for (const d of labelKeyErrors(k)) out.push({ type: 'FieldValueInvalid', field: path, value: k, detail: d });
    for (const d of labelValueErrors(String(v))) out.push({ type: 'FieldValueInvalid', field: path, value: String(v), detail: d });
  }
  return out;
}

/** Validation on create and update; `old` is the stored object on update. Throws 422 Invalid. */
export function validateObject(type: ResourceType, obj: K8sObject, old?: K8sObject): void {
  const t = describe(type);
  const name = obj.metadata.name;
  const errors: FieldError[] = [];
  if (!old) for (const d of nameErrors(t.nameRule, name)) errors.push({ type: 'FieldValueInvalid', field: 'metadata.name', value: name, detail: d });
  errors.push(...labelErrors(obj.metadata.labels, 'metadata.labels'));
  if (t.builtin && (type.kind === 'Deployment' || type.kind === 'ReplicaSet')) errors.push(...workloadErrors(obj, old));
  if (t.builtin && type.kind === 'Service') errors.push(...serviceErrors(obj));
  if (errors.length) throw invalid(type, name, errors);
}

function workloadErrors(obj: K8sObject, old: K8sObject | undefined): FieldError[] {
  const spec = isObject(obj['spec']) ? obj['spec'] : {};
  const selector = spec['selector'];
  const errors: FieldError[] = [];
  const template = isObject(spec['template']) ? spec['template'] : {};
  const templateLabels = isObject(template['metadata']) && isObject(template['metadata']['labels']) ? (template['metadata']['labels'] as Record<string, string>) : {};
  if (!isObject(selector)) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.selector', detail: '' });
  } else {
    const matchLabels = isObject(selector['matchLabels']) ? (selector['matchLabels'] as Record<string, string>) : {};
    const expressions = Array.isArray(selector['matchExpressions']) ? selector['matchExpressions'] : [];
    if (Object.keys(matchLabels).length === 0 && expressions.length === 0) {
      errors.push({ type: 'FieldValueInvalid', field: 'spec.selector', value: new GoRepr(goLabelSelector(selector)), detail: 'empty selector is invalid for deployment' });
    }
    const mismatch = Object.entries(matchLabels).some(([k, v]) => templateLabels[k] !== v);
    if (mismatch) {
      errors.push({ type: 'FieldValueInvalid', field: 'spec.template.metadata.labels', value: new GoRepr(goStringMap(templateLabels)), detail: '`selector` does not match template `labels`' });
    }
    if (old) {
      const oldSpec = isObject(old['spec']) ? old['spec'] : {};
      if (JSON.stringify(oldSpec['selector'] ?? null) !== JSON.stringify(selector)) {
        errors.push({ type: 'FieldValueInvalid', field: 'spec.selector', value: new GoRepr(goLabelSelector(selector)), detail: 'field is immutable' });
      }
    }
  }
  return errors;
}

function serviceErrors(obj: K8sObject): FieldError[] {
  const spec = isObject(obj['spec']) ? obj['spec'] : {};
  const type = spec['type'] ?? 'ClusterIP';
  const ports = Array.isArray(spec['ports']) ? spec['ports'] : [];
  const headless = spec['clusterIP'] === 'None';
  if (type !== 'ExternalName' && !headless && ports.length === 0) return [{ type: 'FieldValueRequired', field: 'spec.ports', detail: '' }];
  const errors: FieldError[] = [];
  ports.forEach((p, i) => {
    const port = isObject(p) ? p['port'] : undefined;
    if (port === undefined) errors.push({ type: 'FieldValueRequired', field: `spec.ports[${i}].port`, detail: '' });
    else if (typeof port !== 'number' || port < 1 || port > 65535) errors.push({ type: 'FieldValueInvalid', field: `spec.ports[${i}].port`, value: port, detail: 'must be between 1 and 65535, inclusive' });
  });
  return errors;
}

/** Go's %#v of map[string]string, as field errors print label maps. */
function goStringMap(m: Record<string, string>): string {
  const entries = Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`);
  return `map[string]string{${entries.join(', ')}}`;
}

function goLabelSelector(sel: Record<string, unknown>): string {
  const ml = isObject(sel['matchLabels']) ? goStringMap(sel['matchLabels'] as Record<string, string>) : 'map[string]string(nil)';
  const me = Array.isArray(sel['matchExpressions']) && sel['matchExpressions'].length ? '[]v1.LabelSelectorRequirement{...}' : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${ml}, MatchExpressions:${me}}`;
}
