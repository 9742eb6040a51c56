/**
 * What a failed API call means for canary. The API server answers a `Status` object (parsed here,
 * never printed raw); canary turns it into one line naming the object, the verb and the server's
 * reason, with what to do next. Transient failures are `retryable`: a runner keeps trying.
 */
import { CanaryError, LockedError, UnreachableError, UsageError, type ExitKind } from '../util/errors.js';
import { qualifiedName, type ApiResource } from './resources.js';

/** The request a failure is about, for messages and RBAC hints. */
export interface CallInfo {
  /** Kubernetes verb: get, list, watch, create, update, patch, delete. */
  verb: string;
  resource: ApiResource | null;
  subresource?: string;
  namespace: string | null;
  /** `TrafficSplit apps/myapp`, `GET /version`. */
  what: string;
}

export interface ApiStatus {
  code: number;
  reason: string;
  message: string;
  retryAfterSeconds?: number;
  /** Whether the body was a Status object (a plain-text 404 is how an unserved API answers). */
  structured: boolean;
}

/** The Status in an error answer; plain text bodies are kept as the message. */
export function parseStatus(code: number, body: string): ApiStatus {
  try {
    const s = JSON.parse(body) as { kind?: string; reason?: string; message?: string; details?: { retryAfterSeconds?: number } };
    if (s && s.kind === 'Status') {
      return {
        code,
        reason: s.reason ?? '',
        message: s.message ?? '',
        structured: true,
        ...(typeof s.details?.retryAfterSeconds === 'number' ? { retryAfterSeconds: s.details.retryAfterSeconds } : {}),
      };
    }
  } catch {
    // not JSON: an aggregator, a proxy in front of the API server, or priority-and-fairness text
  }
  return { code, reason: '', message: body.trim().split('\n')[0]!.slice(0, 300), structured: false };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** An API answer canary does not turn into something more specific (409, 422, 404 of an object...). */
export class ApiCallError extends CanaryError {
  readonly kind: ExitKind;
  constructor(
    readonly call: CallInfo,
    readonly status: ApiStatus,
    options: { retryable?: boolean; hint?: string } = {},
  ) {
    const head = `${status.code} ${status.reason || STATUS_TEXT[status.code] || 'Error'}`;
    super(`${call.what}: ${call.verb} failed: ${head}${status.message ? `: ${status.message}` : ''}`, options);
    // An object the API server rejects (422, 400) comes from the manifests; the rest is the cluster's state.
    this.kind = status.code === 422 || status.code === 400 ? 'usage' : 'unreachable';
  }
}

export function isStatus(err: unknown, code: number, reason?: string): err is ApiCallError {
  return err instanceof ApiCallError && err.status.code === code && (reason === undefined || err.status.reason === reason);
}
export const isNotFound = (err: unknown): err is ApiCallError => isStatus(err, 404);
export const isAlreadyExists = (err: unknown): err is ApiCallError => isStatus(err, 409, 'AlreadyExists');
/** Any 409: a stale resourceVersion, or an object created by someone else in between. */
export const isConflict = (err: unknown): err is ApiCallError => isStatus(err, 409);
export const isInvalid = (err: unknown): err is ApiCallError => isStatus(err, 422);

/** An error forbidden() made: RBAC refused the call. */
export function isForbidden(err: unknown): boolean {
  return err instanceof UnreachableError && isStatus(err.cause, 403);
}

/** `forbidden: canary needs patch on trafficsplits.split.smi-spec.io in apps (User "x" cannot ...)`. */
export function forbidden(call: CallInfo, status: ApiStatus): UnreachableError {
  const resource = call.resource ? qualifiedName(call.resource, call.subresource) : call.what;
  const where = call.namespace ? ` in ${call.namespace}` : '';
  return new UnreachableError(`forbidden: canary needs ${call.verb} on ${resource}${where} (${status.message || 'no reason given'})`, {
    cause: new ApiCallError(call, status),
    hint: `grant it with a Role like examples/rbac.yaml (kubectl apply${call.namespace ? ` -n ${call.namespace}` : ''} -f examples/rbac.yaml), or use a context that has it`,
  });
}

/** An API group/version the cluster does not serve: a CRD that is not installed. */
export function notServed(call: CallInfo, resource: ApiResource, status?: ApiStatus): UnreachableError {
  const todo = resource.install ? `: ${resource.install}` : '';
  const api = resource.version ? `${resource.group || 'core'}/${resource.version}` : resource.group;
  return new UnreachableError(`${resource.kind} (${api}) is not served by this cluster${todo}`, {
    ...(status ? { cause: new ApiCallError(call, status) } : {}),
    hint: `kubectl api-resources --api-group=${resource.group} lists what the cluster serves`,
  });
}

export function unauthorized(call: CallInfo, status: ApiStatus, context: string): UnreachableError {
  return new UnreachableError(`unauthorized: the API server rejected the credentials of context "${context}" (${call.what})`, {
    cause: new ApiCallError(call, status),
    hint: 'refresh your credentials (e.g. log in again), then check with: kubectl get --raw /version',
  });
}

/** The cluster did not answer (or kept failing) after every retry. */
export function unreachable(call: CallInfo, server: string, why: string, cause: unknown, attempts: number, retryable = true): UnreachableError {
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  return new UnreachableError(`${call.what}: ${call.verb} failed${tries}: ${why}`, {
    cause,
    retryable,
    hint: `check that the API server ${server} is reachable (kubectl get --raw /version)`,
  });
}

/** Nothing answered at the kubeconfig's server on the first contact: say so, not which object was asked for. */
export function cannotReach(server: string, context: string | null, why: string, cause: unknown): UnreachableError {
  return new UnreachableError(`cannot reach the API server at ${server}${context ? ` (context ${context})` : ''}: ${why}`, {
    cause,
    retryable: false,
    hint: 'check the server address in the kubeconfig (kubectl config view --minify) and that the cluster is running (kubectl cluster-info)',
  });
}

/** An object of canary's name that canary did not create. */
export function foreign(what: string, marker: string): UsageError {
  return new UsageError(`${what} exists but was not created by canary (no ${marker} label)`, {
    hint: 'rename the Rollout, delete the object, or pass --adopt to let canary manage it from now on',
  });
}

/** save() found the run state written by another runner: this one lost the Lease and must stop. */
export class LostOwnershipError extends LockedError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, hint: 'another canary run took over this rollout; see it with: canary status' });
  }
}
