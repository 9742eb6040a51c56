/**
 * Errors as Kubernetes `Status` objects, worded like apimachinery's constructors
 * (k8s.io/apimachinery/pkg/api/errors) so that clients see on the sandbox what a cluster says.
 */
import { StoreError } from '../store/errors.js';
import type { ResourceType } from '../store/types.js';
import { qualified } from './catalog.js';

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** The wire form: `{kind: Status, apiVersion: v1, metadata: {}, status: Failure, ...}`. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Status {
    return failure(this.code, this.reason, this.message, this.details);
  }
}

function failure(code: number, reason: string, message: string, details?: StatusDetails): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    // StatusReasonUnknown is "" and omitted, as for errors the real server passes through raw.
    ...(reason ? { reason } : {}),
    ...(details ? { details } : {}),
    code,
  };
}

/** Any thrown value as the Status the server answers; unknown exceptions are 500 InternalError. */
export function statusOf(err: unknown): Status {
  if (err instanceof ApiError) return err.toStatus();
  if (err instanceof StoreError) {
    const status = err.toStatus() as unknown as Status;
    // Go omits empty detail fields (the core group is "").
    if (status.details && !status.details.group) delete status.details.group;
    return status;
  }
  return internalError(err instanceof Error ? err.message : String(err)).toStatus();
}

function resourceDetails(type: ResourceType, name?: string): StatusDetails {
  return { ...(name ? { name } : {}), ...(type.group ? { group: type.group } : {}), kind: type.resource };
}

export function notFound(type: ResourceType, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(type)} "${name}" not found`, resourceDetails(type, name));
}

export function namespaceNotFound(namespace: string): ApiError {
  return new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
}

/** What go-restful answers for an unknown resource inside a served group/version. */
export function unknownResource(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(type: ResourceType, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(type)} "${name}" already exists`, resourceDetails(type, name));
}

/** `Operation cannot be fulfilled on deployments.apps "x": <why>`. */
export function conflict(type: ResourceType, name: string, why: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(type)} "${name}": ${why}`, resourceDetails(type, name));
}

export const STALE_OBJECT = 'the object has been modified; please apply your changes to the latest version and try again';

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** NewInvalid: `Deployment.apps "x" is invalid: <field errors>` with one cause per field error. */
export function invalid(type: ResourceType, name: string, errors: FieldError[]): ApiError {
  const kind = type.group ? `${type.kind}.${type.group}` : type.kind;
  const text = errors.map(fieldErrorText);
  const summary = text.length === 1 ? text[0] : `[${text.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${summary}`, {
    name,
    ...(type.group ? { group: type.group } : {}),
    kind: type.kind,
    causes: errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
  });
}

/**
 * An update without metadata.resourceVersion of a type that needs one: the registry names the
 * resource (`leases.coordination.k8s.io "x" is invalid`), not the kind.
 */
export function resourceVersionRequired(type: ResourceType, name: string): ApiError {
  const detail = 'Invalid value: 0: must be specified for an update';
  return new ApiError(422, 'Invalid', `${qualified(type)} "${name}" is invalid: metadata.resourceVersion: ${detail}`, {
    name,
    ...(type.group ? { group: type.group } : {}),
    kind: type.resource,
    causes: [{ reason: 'FieldValueInvalid', message: detail, field: 'metadata.resourceVersion' }],
  });
}

export type FieldError =
  | { type: 'FieldValueInvalid'; field: string; value: unknown; detail: string }
  | { type: 'FieldValueRequired'; field: string; detail: string }
  | { type: 'FieldValueForbidden'; field: string; detail: string }
  | { type: 'FieldValueTooLong'; field: string; maxBytes: number }
  /** A custom resource field of the wrong JSON type: `value` is the type given ("string"). */
  | { type: 'FieldValueTypeInvalid'; field: string; value: unknown; detail: string }
  | { type: 'FieldValueNotSupported'; field: string; value: unknown; supported: string[] }
  | { type: 'FieldValueTooMany'; field: string; actual: number; max: number };

function fieldErrorBody(e: FieldError): string {
  switch (e.type) {
    case 'FieldValueInvalid':
      return `Invalid value: ${goValue(e.value)}: ${e.detail}`;
    case 'FieldValueRequired':
      return `Required value${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueForbidden':
      return `Forbidden${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueTooLong':
      return `Too long: may not be more than ${e.maxBytes} bytes`;
    case 'FieldValueTypeInvalid':
      return `Invalid value: ${goValue(e.value)}: ${e.detail}`;
    case 'FieldValueNotSupported':
      return `Unsupported value: ${goValue(e.value)}: supported values: ${e.supported.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'FieldValueTooMany':
      return `Too many: ${e.actual}: must have at most ${e.max} items`;
  }
}

function fieldErrorText(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/** A value already printed the way Go's %#v prints it (maps, structs in field errors). */
export class GoRepr {
  constructor(readonly text: string) {}
}

/** field.Invalid prints strings quoted, numbers and booleans bare, anything else as Go source. */
function goValue(v: unknown): string {
  if (v instanceof GoRepr) return v.text;
  if (v === null || v === undefined) return '"null"';
  return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/**
 * NewGenericServerResponse(422, ...) with an empty resource: how the real server answers a JSON
 * patch that fails to apply (a failed `test`, a missing path). The library's own message is dropped.
 */
export function genericInvalid(): ApiError {
  return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

export function unsupportedMediaType(accepted: readonly string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function notAcceptable(accepted: readonly string[]): ApiError {
  return new ApiError(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);
}

/**
 * The 1.32 not-found handler's answer (plain text "404 page not found"), for paths no API group
 * serves: an absent CRD, an unknown group or version. Clients print "the server could not find
 * the requested resource" for it.
 */
export class PlainNotFound extends Error {
  constructor() {
    super('404 page not found');
    this.name = 'PlainNotFound';
  }
}

/** go-restful's answer for a method the path does not serve. */
export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

export function methodNotSupported(type: ResourceType, action: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', `${action} is not supported on resources of kind "${qualified(type)}"`, {
    ...(type.group ? { group: type.group } : {}),
    kind: type.resource,
  });
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function forbidden(type: { group: string; resource: string } | null, name: string, why: string): ApiError {
  if (!type) return new ApiError(403, 'Forbidden', `forbidden: ${why}`, {});
  const q = type.group ? `${type.resource}.${type.group}` : type.resource;
  const message = name ? `${q} "${name}" is forbidden: ${why}` : `${q} is forbidden: ${why}`;
  return new ApiError(403, 'Forbidden', message, { ...(name ? { name } : {}), ...(type.group ? { group: type.group } : {}), kind: type.resource });
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

export function serviceUnavailable(message: string): ApiError {
  return new ApiError(503, 'ServiceUnavailable', message);
}

export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function entityTooLarge(message: string): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);
}
