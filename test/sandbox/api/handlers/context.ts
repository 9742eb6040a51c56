/** What every resource handler works with: the server's parts and the request being answered. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectStore } from '../../store/store.js';
import type { K8sObject, ResourceType } from '../../store/types.js';
import type { Authorizer } from '../authorizer.js';
import type { CatalogType } from '../catalog.js';
import { fromVersion, toVersion } from '../conversion.js';
import type { ClusterIpAllocator } from '../defaults.js';
import { ApiError, notAcceptable } from '../errors.js';
import { negotiate, SERVED_MEDIA_TYPES, type NegotiateOptions, type Output } from '../negotiation.js';
import type { ResourceRequest } from '../request-info.js';
import type { WatchHub } from '../watch-hub.js';

export interface ServerContext {
  store: ObjectStore;
  authorizer: Authorizer;
  watches: WatchHub;
  ips: ClusterIpAllocator;
  bookmarkIntervalMs: number;
  now(): Date;
}

export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  info: ResourceRequest;
  /** The type as requested (its group and the request's version decide the representation). */
  type: CatalogType;
  /** Where the objects live in the store. */
  storage: ResourceType;
  /** The store's namespace argument: null for cluster-scoped types and all-namespace lists. */
  namespace: string | null;
  /** Adds a line to this request's log entry (why a patch failed, which fault fired). */
  note(text: string): void;
}

/** The answer's representation, or 406 when the client accepts nothing served. */
export function output(call: Call, options: NegotiateOptions = {}): Output {
  const out = negotiate(call.req.headers.accept, options);
  if (!out) throw notAcceptable([...SERVED_MEDIA_TYPES]);
  return out;
}

export function present(call: Call, stored: K8sObject): K8sObject {
  return toVersion(call.type, call.info.version, stored);
}

export function toStorage(call: Call, obj: K8sObject): K8sObject {
  return fromVersion(call.type, call.storage, obj);
}

/** `...Options.meta.k8s.io "" is invalid: <field error>`: how the real server refuses bad write options. */
function invalidOptions(call: Call, field: string, message: string, reason: string): ApiError {
  const options = call.info.verb === 'create' ? 'CreateOptions' : call.info.verb === 'patch' ? 'PatchOptions' : 'UpdateOptions';
  return new ApiError(422, 'Invalid', `${options}.meta.k8s.io "" is invalid: ${field}: ${message}`, {
    group: 'meta.k8s.io',
    kind: options,
    causes: [{ reason, message, field }],
  });
}

/** `?dryRun=All` (the only value the real server accepts). */
export function isDryRun(call: Call, bodyValues?: unknown): boolean {
  const values = [...call.info.query.getAll('dryRun'), ...(Array.isArray(bodyValues) ? bodyValues.map(String) : [])];
  const bad = values.find((v) => v !== 'All');
  if (bad !== undefined) throw invalidOptions(call, 'dryRun', `Unsupported value: []string{${JSON.stringify(bad)}}: supported values: "All"`, 'FieldValueNotSupported');
  return values.length > 0;
}

/** fieldManager is accepted (no managedFields are kept) but validated like the real server. */
export function checkFieldManager(call: Call): void {
  const fm = call.info.query.get('fieldManager');
  if (fm !== null && fm.length > 128) throw invalidOptions(call, 'fieldManager', 'Too long: may not be more than 128 bytes', 'FieldValueTooLong');
}
