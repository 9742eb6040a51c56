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
  const { timeoutSeconds, ...rest } = options;
  await followStreams<T>(client, target, { onEvent: (e) => e.type !== 'BOOKMARK' && onEvent(e) }, signal, {
    ...rest,
    timeoutSeconds: () => timeoutSeconds ?? 240 + Math.floor(Math.random() * 120),
  });
}

export interface StreamHandlers<T> {
  /** Every event, bookmarks included (they only move the resume point). */
  onEvent(e: WatchEvent<T>): void;
  /**
   * Where to start when there is no resume point (at first, after 410): a list's resourceVersion.
   * Without it, a stream with no resourceVersion starts at the most recent one and replays the
   * current objects as ADDED.
   */
  resync?(): Promise<string | undefined>;
  /** A failure no retry can fix (forbidden, not served): stop instead of retrying. */
  isFatal?(err: unknown): boolean;
}

export interface StreamOptions {
  /** Server-side lifetime of each stream, in seconds. */
  timeoutSeconds: () => number;
  maxBackoffMs?: number;
  /** Each failed stream (forbidden, unreachable), before the backoff or the stop. */
  onError?: (err: unknown) => void;
  /** The first stream's resume point (a list's resourceVersion). */
  resourceVersion?: string;
  random?: () => number;
}

/**
 * Streams one after another until `signal` aborts (or a fatal failure): each resumes from the last
 * resourceVersion seen, bookmarks included; 410 drops the resume point; a stream that fails, or ends
 * at once having delivered nothing, is followed by the next after a growing, jittered backoff.
 */
export async function followStreams<T extends KubeObject = KubeObject>(
  client: KubeClient,
  target: WatchTarget,
  handlers: StreamHandlers<T>,
  signal: AbortSignal,
  options: StreamOptions,
): Promise<void> {
  const clock: Clock = client.clock;
  const random = options.random ?? Math.random;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  let resourceVersion = options.resourceVersion;
  let failures = 0;
  while (!signal.aborted) {
    const started = clock.now();
    let delivered = false;
    try {
      if (resourceVersion === undefined && handlers.resync) resourceVersion = await handlers.resync();
      const selectors = {
        ...(target.labelSelector ? { labelSelector: target.labelSelector } : {}),
        ...(target.fieldSelector ? { fieldSelector: target.fieldSelector } : {}),
        ...(resourceVersion ? { resourceVersion } : {}),
      };
      const end = await client.watchOnce<T>(
        target.resource,
        target.namespace,
        { ...selectors, timeoutSeconds: options.timeoutSeconds() },
        (e) => {
          delivered = true;
          resourceVersion = e.object.metadata?.resourceVersion ?? resourceVersion;
          handlers.onEvent(e);
        },
        signal,
      );
      // 410: what happened since the resume point is no longer kept.
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
      if (handlers.isFatal?.(err)) return;
    }
    const ceiling = Math.min(maxBackoff, 250 * 2 ** Math.min(failures, 10));
    await clock.sleep(ceiling / 2 + random() * (ceiling / 2), signal).catch(() => undefined);
  }
}
