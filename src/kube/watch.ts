/**
 * A watch that stays up: streams resume from the last resourceVersion seen (bookmarks included)
 * when the server ends them, are re-established with backoff when they fail, and replay the
 * current objects when the resume point has expired (410). No polling.
 */
import type { Clock } from '../util/clock.js';
import type { KubeClient, KubeObject, ListOptions, WatchEvent } from './client.js';
import type { ApiResource } from './resources.js';

export interface WatchTarget extends ListOptions {
  resource: ApiResource;
  namespace: string;
}

export interface KeepWatchingOptions {
  /** Server-side stream lifetime; default 4-6 min, spread so that watches do not all reconnect at once. */
  timeoutSeconds?: number;
  maxBackoffMs?: number;
  /** Called for each failed stream (forbidden, unreachable); watching goes on with backoff. */
  onError?: (err: unknown) => void;
}

/** A stream that ends this fast without delivering anything counts as a failure (no tight reconnect loop). */
const MIN_HEALTHY_MS = 1_000;

/** Watches until `signal` aborts; `onEvent` gets ADDED/MODIFIED/DELETED, never bookmarks or errors. */
export async function keepWatching<T extends KubeObject = KubeObject>(
  client: KubeClient,
  target: WatchTarget,
  onEvent: (e: WatchEvent<T>) => void,
  signal: AbortSignal,
  options: KeepWatchingOptions = {},
): Promise<void> {
  const clock: Clock = client.clock;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  let resourceVersion: string | undefined;
  let failures = 0;
  while (!signal.aborted) {
    const started = clock.now();
    let delivered = false;
    try {
      const timeoutSeconds = options.timeoutSeconds ?? 240 + Math.floor(Math.random() * 120);
      const selectors = {
        ...(target.labelSelector ? { labelSelector: target.labelSelector } : {}),
        ...(target.fieldSelector ? { fieldSelector: target.fieldSelector } : {}),
        ...(resourceVersion ? { resourceVersion } : {}),
      };
      const end = await client.watchOnce<T>(
        target.resource,
        target.namespace,
        { ...selectors, timeoutSeconds },
        (e) => {
          delivered = true;
          resourceVersion = e.object.metadata?.resourceVersion ?? resourceVersion;
          if (e.type !== 'BOOKMARK') onEvent(e);
        },
        signal,
      );
      if (end === 'expired') resourceVersion = undefined;
      if (delivered || clock.now() - started >= MIN_HEALTHY_MS) {
        failures = 0;
        continue;
      }
      failures++;
    } catch (err) {
      if (signal.aborted) return;
      failures++;
      options.onError?.(err);
    }
    const ceiling = Math.min(maxBackoff, 250 * 2 ** Math.min(failures, 10));
    await clock.sleep(ceiling / 2 + Math.random() * (ceiling / 2), signal);
  }
}
