/**
 * Typed failures. Commands throw these; src/cli/exit-codes.ts alone turns them into exit codes.
 * Every message names the object it is about and says what to do next (`hint`).
 */
export type ExitKind =
  | 'usage' // invalid spec, bad flags: exit 2
  | 'unreachable' // cluster or provider unreachable, forbidden, API missing: exit 4
  | 'locked' // another runner holds the lease: exit 5
  | 'timeout' // waited past --timeout: exit 6
  | 'internal'; // a bug: exit 70 with a "please report" hint

export abstract class CanaryError extends Error {
  abstract readonly kind: ExitKind;
  /** One line telling the user what to do next; printed under the message. */
  readonly hint?: string;
  /** The same call may succeed later (the API server was briefly unreachable); a runner keeps trying. */
  readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown; hint?: string; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options?.hint) this.hint = options.hint;
    this.retryable = options?.retryable ?? false;
  }
}

export class UsageError extends CanaryError {
  readonly kind = 'usage' as const;
}

export class UnreachableError extends CanaryError {
  readonly kind = 'unreachable' as const;
}

export class LockedError extends CanaryError {
  readonly kind = 'locked' as const;
}

export class TimeoutError extends CanaryError {
  readonly kind = 'timeout' as const;
}

export class InternalError extends CanaryError {
  readonly kind = 'internal' as const;
}

/** The message of any thrown value, without stack or multi-line dumps. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}
