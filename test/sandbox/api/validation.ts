/**
 * The validation the real server applies that a client can trip over: object names, label keys
 * and values, Deployment/ReplicaSet selectors (present, matching the template, immutable) and
 * Service ports. Messages are apimachinery's (k8s.io/apimachinery/pkg/util/validation).
 */
import type { K8sObject, ResourceType } from '../store/types.js';
import { describe, type NameRule } from './catalog.js';
import { badRequest, GoRepr, invalid, type FieldError } from './errors.js';
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

/** The real limits: 256 KiB of annotations per object, 1 MiB of data per ConfigMap or Secret. */
const MAX_ANNOTATIONS_BYTES = 256 * 1024;
const MAX_DATA_BYTES = 1024 * 1024;

/** Validation on create and update; `old` is the stored object on update. Throws 422 Invalid. */
/** metav1.MicroTime fields, by kind: decoded with Go's layout RFC3339Micro, exactly six fractional digits. */
const MICRO_TIME_FIELDS: Record<string, string[][]> = {
  Lease: [['spec', 'acquireTime'], ['spec', 'renewTime']],
  Event: [['eventTime'], ['series', 'lastObservedTime']],
};
const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

/**
 * What the real server's JSON decoder refuses before any validation (400 BadRequest): a MicroTime
 * not in RFC3339Micro. "2026-01-02T03:04:05.123Z" and "...05Z" are both refused, as Go's time.Parse
 * with that layout refuses them.
 */
export function decodeErrors(type: ResourceType, obj: K8sObject, version: string): void {
  const refuse = (problem: string) => badRequest(`${type.kind} in version "${version}" cannot be handled as a ${type.kind}: ${problem}`);
  // map[string]string fields: Go's decoder names the struct field it was filling.
  const stringMaps: [unknown, string][] = [
    [obj.metadata?.labels, 'ObjectMeta.metadata.labels'],
    [obj.metadata?.annotations, 'ObjectMeta.metadata.annotations'],
    ...(type.group === '' && type.kind === 'ConfigMap' ? ([[obj['data'], 'ConfigMap.data']] as [unknown, string][]) : []),
    ...(type.group === '' && type.kind === 'Secret' ? ([[obj['stringData'], 'Secret.stringData']] as [unknown, string][]) : []),
  ];
  for (const [m, field] of stringMaps) {
    if (!isObject(m)) continue;
    for (const v of Object.values(m)) if (v !== null && typeof v !== 'string') throw refuse(`json: cannot unmarshal ${goJsonType(v)} into Go struct field ${field} of type string`);
  }
  // map[string][]byte fields arrive as base64.
  const bytes = type.group === '' && type.kind === 'ConfigMap' ? obj['binaryData'] : type.group === '' && type.kind === 'Secret' ? obj['data'] : undefined;
  if (isObject(bytes)) {
    for (const v of Object.values(bytes)) {
      if (typeof v !== 'string') continue;
      const bad = base64Error(v);
      if (bad !== undefined) throw refuse(`illegal base64 data at input byte ${bad}`);
    }
  }
  for (const path of MICRO_TIME_FIELDS[type.kind] ?? []) {
    let v: unknown = obj;
    for (const k of path) v = isObject(v) ? v[k] : undefined;
    if (v === undefined || v === null) continue;
    const problem = microTimeProblem(v);
    if (problem) throw refuse(problem);
  }
}

function goJsonType(v: unknown): string {
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return Array.isArray(v) ? 'array' : 'object';
}

/** Where Go's base64.StdEncoding stops reading `s`, or undefined when it is valid. */
function base64Error(s: string): number | undefined {
  const alphabet = /[A-Za-z0-9+/]/;
  let i = 0;
  for (; i < s.length && alphabet.test(s[i]!); i++);
  const rest = s.slice(i);
  if (rest === '' ? s.length % 4 === 0 : /^={1,2}$/.test(rest) && s.length % 4 === 0) return undefined;
  if (rest === '' || /^=/.test(rest)) return rest === '' ? Math.floor(s.length / 4) * 4 : i;
  return i;
}

function microTimeProblem(v: unknown): string | undefined {
  if (typeof v !== 'string') return `json: cannot unmarshal ${typeof v === 'number' ? 'number' : 'object'} into Go value of type string`;
  const head = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.exec(v);
  if (!head) return `parsing time ${JSON.stringify(v)} as ${JSON.stringify(RFC3339_MICRO)}: cannot parse ${JSON.stringify(v)} as "2006"`;
  const rest = v.slice(head[0].length);
  if (!/^\.\d{6}/.test(rest)) return `parsing time ${JSON.stringify(v)} as ${JSON.stringify(RFC3339_MICRO)}: cannot parse ${JSON.stringify(rest)} as ".000000"`;
  if (!/^\.\d{6}(Z|[+-]\d{2}:\d{2})$/.test(rest)) return `parsing time ${JSON.stringify(v)} as ${JSON.stringify(RFC3339_MICRO)}: cannot parse ${JSON.stringify(rest.slice(7))} as "Z07:00"`;
  return undefined;
}

export function validateObject(type: ResourceType, obj: K8sObject, old?: K8sObject): void {
  const t = describe(type);
  const name = obj.metadata.name;
  const errors: FieldError[] = [];
  if (!old) for (const d of nameErrors(t.nameRule, name)) errors.push({ type: 'FieldValueInvalid', field: 'metadata.name', value: name, detail: d });
  if (old?.metadata.uid && obj.metadata.uid && obj.metadata.uid !== old.metadata.uid) {
    errors.push({ type: 'FieldValueInvalid', field: 'metadata.uid', value: obj.metadata.uid, detail: 'field is immutable' });
  }
  errors.push(...labelErrors(obj.metadata.labels, 'metadata.labels'));
  const annotationBytes = Object.entries(obj.metadata.annotations ?? {}).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
  if (annotationBytes > MAX_ANNOTATIONS_BYTES) errors.push({ type: 'FieldValueTooLong', field: 'metadata.annotations', maxBytes: MAX_ANNOTATIONS_BYTES });
  if (t.builtin) errors.push(...kindErrors(type, obj, old));
  if (errors.length) throw invalid(type, name, errors);
}

function kindErrors(type: ResourceType, obj: K8sObject, old: K8sObject | undefined): FieldError[] {
  switch (type.kind) {
    case 'Deployment':
    case 'ReplicaSet':
      return workloadErrors(obj, old);
    case 'Service':
      return serviceErrors(obj);
    case 'Job':
      return jobErrors(obj);
    case 'ConfigMap':
    case 'Secret':
      return dataErrors(obj);
    case 'Event':
      // The strict events.k8s.io rules apply to creation only (ValidateEventCreate).
      if (type.group === 'events.k8s.io') return old ? [] : eventsV1Errors(obj);
      return coreEventErrors(obj);
    default:
      return [];
  }
}

const CONFIG_KEY = '[-._a-zA-Z0-9]+';

/** ConfigMap and Secret keys (IsConfigMapKey) and the 1 MiB total. */
function dataErrors(obj: K8sObject): FieldError[] {
  const errors: FieldError[] = [];
  let total = 0;
  for (const field of ['data', 'binaryData', 'stringData']) {
    const data = obj[field];
    if (!isObject(data)) continue;
    for (const [key, value] of Object.entries(data)) {
      total += Buffer.byteLength(String(value));
      const problems: string[] = [];
      if (key.length > 253) problems.push('must be no more than 253 characters');
      if (!new RegExp(`^${CONFIG_KEY}$`).test(key)) problems.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", CONFIG_KEY, 'key.name', 'KEY_NAME', 'key-name'));
      if (key === '.' || key === '..') problems.push(`must not be '${key}'`);
      else if (key.startsWith('..')) problems.push("must not start with '..'");
      for (const d of problems) errors.push({ type: 'FieldValueInvalid', field: `${field}[${key}]`, value: key, detail: d });
    }
  }
  if (total > MAX_DATA_BYTES) errors.push({ type: 'FieldValueTooLong', field: '', maxBytes: MAX_DATA_BYTES });
  return errors;
}

/** core/v1 Events: an event without eventTime must name its own namespace in involvedObject (legacyValidateEvent). */
function coreEventErrors(obj: K8sObject): FieldError[] {
  const involved = isObject(obj['involvedObject']) ? obj['involvedObject'] : {};
  const involvedNs = typeof involved['namespace'] === 'string' ? involved['namespace'] : '';
  const ns = obj.metadata.namespace ?? '';
  const hasEventTime = typeof obj['eventTime'] === 'string' && obj['eventTime'] !== '';
  const mismatch = hasEventTime ? !involvedNs && ns !== 'default' && ns !== 'kube-system' : involvedNs ? involvedNs !== ns : ns !== '' && ns !== 'default';
  const errors: FieldError[] = mismatch ? [{ type: 'FieldValueInvalid', field: 'involvedObject.namespace', value: involvedNs, detail: 'does not match event.namespace' }] : [];
  if (hasEventTime) {
    for (const field of ['reportingComponent', 'reportingInstance', 'action', 'reason']) {
      if (!obj[field]) errors.push({ type: 'FieldValueRequired', field, detail: '' });
    }
  }
  return errors;
}

/** events.k8s.io/v1 Events are validated strictly on create (ValidateEventCreate). */
function eventsV1Errors(obj: K8sObject): FieldError[] {
  const errors: FieldError[] = [];
  if (!obj['eventTime']) errors.push({ type: 'FieldValueRequired', field: 'eventTime', detail: '' });
  for (const field of ['reportingController', 'reportingInstance', 'action', 'reason']) {
    if (!obj[field]) errors.push({ type: 'FieldValueRequired', field, detail: '' });
  }
  if (obj['type'] !== 'Normal' && obj['type'] !== 'Warning') errors.push({ type: 'FieldValueInvalid', field: 'type', value: '', detail: `has invalid value: ${String(obj['type'] ?? '')}` });
  for (const field of ['deprecatedFirstTimestamp', 'deprecatedLastTimestamp', 'deprecatedCount', 'deprecatedSource']) {
    if (obj[field] !== undefined && obj[field] !== null && obj[field] !== 0) errors.push({ type: 'FieldValueInvalid', field, value: '', detail: 'needs to be unset' });
  }
  return errors;
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

/** batch/v1 Job (ValidateJobSpec): a pod template that runs to completion, with containers. */
function jobErrors(obj: K8sObject): FieldError[] {
  const spec = isObject(obj['spec']) ? obj['spec'] : {};
  const template = isObject(spec['template']) ? spec['template'] : {};
  const podSpec = isObject(template['spec']) ? template['spec'] : {};
  const errors: FieldError[] = [];
  const restart = podSpec['restartPolicy'];
  if (restart !== 'OnFailure' && restart !== 'Never') {
    errors.push({ type: 'FieldValueNotSupported', field: 'spec.template.spec.restartPolicy', value: restart ?? '', supported: ['OnFailure', 'Never'] });
  }
  if (!Array.isArray(podSpec['containers']) || podSpec['containers'].length === 0) errors.push({ type: 'FieldValueRequired', field: 'spec.template.spec.containers', detail: '' });
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
/** Since 1.34 the real server prints non-scalar values in field errors as JSON (map keys sorted, as Go's encoding/json). */
function goStringMap(m: Record<string, string>): string {
  return `{${Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`)
    .join(',')}}`;
}

function goLabelSelector(sel: Record<string, unknown>): string {
  const parts: string[] = [];
  if (isObject(sel['matchLabels']) && Object.keys(sel['matchLabels']).length) parts.push(`"matchLabels":${goStringMap(sel['matchLabels'] as Record<string, string>)}`);
  if (Array.isArray(sel['matchExpressions']) && sel['matchExpressions'].length) parts.push(`"matchExpressions":${JSON.stringify(sel['matchExpressions'])}`);
  return `{${parts.join(',')}}`;
}
