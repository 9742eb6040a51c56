/**
 * Versions and representations: objects are stored once per type and shown in the version the
 * request names. Custom resources convert with `conversion: None` (only apiVersion changes, as
 * the SMI and Gateway API CRDs do); events.k8s.io/v1 Events are core/v1 Events renamed field by
 * field, as the real server converts them.
 */
import type { K8sObject, ResourceType } from '../store/types.js';
import { describe, groupVersion, type CatalogType } from './catalog.js';

/** The type whose storage holds `type`'s objects (itself, except for events.k8s.io events). */
export function storageType(types: ResourceType[], type: CatalogType): ResourceType {
  if (!type.storage) return type;
  const target = type.storage;
  return types.find((t) => t.group === target.group && t.resource === target.resource) ?? type;
}

/** A stored object as `type` at `version` shows it. */
export function toVersion(type: ResourceType, version: string, stored: K8sObject): K8sObject {
  const t = describe(type);
  const body = t.storage?.group === '' && t.storage.resource === 'events' ? coreEventToEventsV1(stored) : structuredClone(stored);
  const { apiVersion: _a, kind: _k, ...rest } = body;
  return { apiVersion: groupVersion(type.group, version), kind: type.kind, ...rest } as K8sObject;
}

/** An object received for `type` as its storage keeps it. */
export function fromVersion(type: ResourceType, storage: ResourceType, obj: K8sObject): K8sObject {
  const t = describe(type);
  const body = t.storage?.group === '' && t.storage.resource === 'events' ? eventsV1ToCoreEvent(obj) : structuredClone(obj);
  return { ...body, apiVersion: groupVersion(storage.group, storage.versions[0]!), kind: storage.kind };
}

/** events.k8s.io field names <-> core/v1 field names (k8s.io/kubernetes/pkg/apis/events/v1 conversion). */
const EVENT_FIELDS: [eventsV1: string, core: string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

function rename(obj: K8sObject, pairs: [string, string][]): K8sObject {
  const out: K8sObject = { metadata: structuredClone(obj.metadata) };
  const renames = new Map(pairs);
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'metadata') continue;
    out[renames.get(k) ?? k] = structuredClone(v);
  }
  return out;
}

function coreEventToEventsV1(obj: K8sObject): K8sObject {
  return rename(obj, EVENT_FIELDS.map(([v1, core]) => [core, v1]));
}

function eventsV1ToCoreEvent(obj: K8sObject): K8sObject {
  return rename(obj, EVENT_FIELDS);
}

/** A field selector written against `type` (e.g. `regarding.name=x`) as its storage evaluates it. */
export function storageFieldSelector(type: ResourceType, selector: string | undefined): string | undefined {
  const t = describe(type);
  if (!selector || !(t.storage?.group === '' && t.storage.resource === 'events')) return selector;
  return selector.replace(/(^|,)\s*([A-Za-z]+)(?=[.=!])/g, (m, sep: string, head: string) => {
    const pair = EVENT_FIELDS.find(([v1]) => v1 === head);
    return pair ? `${sep}${pair[1]}` : m;
  });
}

/** The field labels `type` accepts, in its own naming. */
export function fieldLabels(type: ResourceType): string[] {
  const t = describe(type);
  const base = ['metadata.name', 'metadata.namespace'];
  if (!(t.storage?.group === '' && t.storage.resource === 'events')) return [...base, ...t.fieldSelectors];
  return [
    ...base,
    ...t.fieldSelectors.map((f) => {
      const head = f.split('.')[0]!;
      const pair = EVENT_FIELDS.find(([, core]) => core === head);
      return pair ? pair[0] + f.slice(head.length) : f;
    }),
  ];
}
