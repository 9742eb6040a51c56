/**
 * Which failures are worth another try, and how long to wait before it: capped exponential
 * backoff with jitter, or exactly what the server asked for (429 Retry-After). Pure functions; the
 * client sleeps on the injected Clock.
 */
import { retryAfterMs } from '../util/retry-after.js';
import type { ApiStatus } from './errors.js';

export interface RetryPolicy {
  /** Tries per request, the first included. */
  attempts: number;
  baseMs: number;
  capMs: number;
  /** A Retry-After longer than this is cut to it (a runner must not stall for minutes on one call). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 250, capMs: 8_000, maxRetryAfterMs: 30_000 };

/** Transport errors that say nothing about the request itself: the next try may well succeed. */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'DEADLINE']);

export function isTransientTransport(code: string): boolean {
  return TRANSIENT_CODES.has(code);
}

/** Nothing listens at the address, or the name does not resolve: no API server there (yet). */
const NO_SERVER_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function isNoServer(code: string): boolean {
  return NO_SERVER_CODES.has(code);
}

/** Tries before the first answer when nothing listens: 2 short backoffs, well under a second in all. */
export const FIRST_CONTACT_ATTEMPTS = 3;

/** 429 (priority and fairness), 5xx from the server or a proxy in front of it, etcd hiccups. */
export function isTransientStatus(s: ApiStatus): boolean {
  if (s.code === 429 || s.code === 502 || s.code === 503 || s.code === 504) return true;
  if (s.code === 500) return true;
  return /etcdserver: (leader changed|request timed out|too many requests)/.test(s.message);
}

/** Wait before try `attempt + 1` (attempt counts from 1): half fixed, half random, doubling up to the cap. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The server's own pacing: `Retry-After` (429, 503) or Status details.retryAfterSeconds, capped. */
export function serverDelayMs(policy: RetryPolicy, status: ApiStatus, retryAfterHeader: string | string[] | undefined, now: number): number | null {
  const ms = retryAfterMs(retryAfterHeader, now) ?? (status.retryAfterSeconds !== undefined && status.retryAfterSeconds >= 0 ? status.retryAfterSeconds * 1000 : null);
  return ms === null ? null : Math.min(policy.maxRetryAfterMs, ms);
}
