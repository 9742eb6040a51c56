/**
 * Optimistic concurrency: a write guarded by resourceVersion that loses a race (409) is redone on
 * a fresh read, so the change lands once on top of whatever the other writer did.
 */
import { UnreachableError } from '../util/errors.js';
import { isConflict } from './errors.js';

export const CONFLICT_ATTEMPTS = 6;

export interface ConflictOptions {
  /** `Deployment apps/myapp-stable`, for the message when every try lost. */
  what: string;
  attempts?: number;
  /** Which failures mean "lost a race"; default any 409. */
  isRace?: (err: unknown) => boolean;
}

/** Runs `attempt` again after each lost race. */
export async function retryConflicts<T>(options: ConflictOptions, attempt: () => Promise<T>): Promise<T> {
  const max = options.attempts ?? CONFLICT_ATTEMPTS;
  const isRace = options.isRace ?? isConflict;
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isRace(err)) throw err;
      if (i >= max) {
        throw new UnreachableError(`${options.what}: still conflicting after ${max} attempts (another writer keeps changing it)`, {
          cause: err,
          retryable: true,
          hint: 'something else updates this object continuously; find it with: kubectl get --show-managed-fields -o yaml',
        });
      }
    }
  }
}

/**
 * Read, compute the change, write it with the read's resourceVersion; on a lost race start over.
 * `mutate` returns null when the object is already as wanted (no write at all).
 */
export function updateWithRetry<T, W, R>(
  options: ConflictOptions,
  read: () => Promise<T>,
  mutate: (current: T) => W | null,
  write: (next: W, current: T) => Promise<R>,
): Promise<R | T> {
  return retryConflicts(options, async () => {
    const current = await read();
    const next = mutate(current);
    return next === null ? current : write(next, current);
  });
}
