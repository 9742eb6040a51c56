/**
 * Preflight's patience, shared by the providers that ask their backend before a run: a transient
 * failure (429, 500, 502-504, timeout, refused) is asked again, PING_ATTEMPTS times in all, waiting
 * what the server asked for (capped) or 1 s, 2 s, 3 s: one throttled answer must not stop a release
 * before it starts.
 */
import type { ProviderResult } from '../analysis/provider.js';
import type { Clock } from '../util/clock.js';

export const PING_TIMEOUT_MS = 10_000;
const PING_ATTEMPTS = 4;
const PING_MAX_WAIT_MS = 5_000;

/** null when an attempt succeeds, else the last failure's message. Rejects only when `signal` aborts before any answer. */
export async function pingWithRetries(attempt: () => Promise<ProviderResult>, clock: Clock, signal: AbortSignal): Promise<string | null> {
  let last: string | null = null;
  for (let n = 1; ; n++) {
    let result: ProviderResult;
    try {
      result = await attempt();
    } catch (err) {
      // Out of time while asking again: the failure worth reporting is the one already seen.
      if (last !== null) return last;
      throw err;
    }
    if (result.ok) return null;
    last = result.message;
    if (!result.transient || n >= PING_ATTEMPTS || signal.aborted) return last;
    await clock.sleep(Math.min(result.transient.afterMs ?? n * 1000, PING_MAX_WAIT_MS), signal);
    if (signal.aborted) return last;
  }
}
