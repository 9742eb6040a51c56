/** ObjectMeta as canary reads it from manifests. Server-set fields are accepted: exported manifests carry them. */
import type { FieldRule, Reader } from './reader.js';

const SERVER_SET = 'set by the API server; canary does not write it';

export const METADATA_RULE: FieldRule = {
  known: ['name', 'namespace', 'labels', 'annotations'],
  unsupported: { generateName: 'give the object a fixed metadata.name' },
  ignored: {
    uid: SERVER_SET,
    resourceVersion: SERVER_SET,
    generation: SERVER_SET,
    creationTimestamp: SERVER_SET,
    managedFields: SERVER_SET,
    selfLink: SERVER_SET,
    ownerReferences: 'owner references are not copied',
    finalizers: 'finalizers are not copied',
  },
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export interface Metadata {
  name: string;
  namespace: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export function readMetadata(root: Reader, kind: string): Metadata | null {
  const meta = root.field('metadata').object(METADATA_RULE, { required: true });
  if (!meta) return null;
  const name = meta.field('name').string({ required: true });
  if (name !== null && !DNS_SUBDOMAIN.test(name)) {
    meta.field('name').error(`${kind} name "${name}" is not a valid name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`);
  }
  const namespace = meta.field('namespace').string();
  if (namespace !== null && !DNS_LABEL.test(namespace)) {
    meta.field('namespace').error(`"${namespace}" is not a valid namespace name: lowercase letters, digits and '-'`);
  }
  if (name === null) return null;
  return {
    name,
    namespace,
    labels: meta.field('labels').stringMap(),
    annotations: meta.field('annotations').stringMap(),
  };
}

export function isDnsLabel(s: string): boolean {
  return DNS_LABEL.test(s);
}
