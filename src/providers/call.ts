/**
 * One provider request with the failure vocabulary every HTTP provider shares: a deadline, a capped
 * body, and transport failures turned into a message naming the provider and address, flagged
 * transient when asking again soon may well succeed (timeout, refused, 429, 500, 502-504).
 */
import { assertNever } from '../util/assert-never.js';
import type { Clock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import { retryAfterMs } from '../util/retry-after.js';
import { DEFAULT_MAX_BODY_BYTES, exchange, type HttpOutcome, type HttpRequest } from './http.js';

/**
 * Throttled, or the API server / a gateway in between failed (a 500 through the service proxy is
 * usually the API server's, as src/kube/retry.ts assumes): the same request may succeed a moment later.
 */
export const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);

export type Transient = { afterMs: number | null };

export type Reply =
  | { ok: true; status: number; statusText: string; contentType: string; body: string; transient: Transient | null }
  | { ok: false; message: string; transient: Transient | null };

/** How a provider words transport failures: what fixes a TLS problem, and its own phrases if any. */
export interface CallHints {
  tls: string;
  /** Default: `no answer within 10s`. */
  timeout?: (after: string) => string;
  /** Default: `the answer is larger than 10 MB`. */
  tooLarge?: (limit: string) => string;
  /** Default: `request failed`. */
  failed?: string;
}

export async function call(
  label: string,
  req: Omit<HttpRequest, 'maxBodyBytes'> & { maxBodyBytes?: number },
  clock: Clock,
  signal: AbortSignal,
  hints: CallHints,
): Promise<Reply> {
  const res = await exchange({ ...req, maxBodyBytes: req.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES }, clock, signal);
  if (res.kind !== 'response') {
    const transient = res.kind === 'timeout' || res.kind === 'unreachable' ? { afterMs: null } : null;
    return { ok: false, message: transportMessage(label, res, hints), transient };
  }
  const transient = TRANSIENT_STATUS.has(res.status) ? { afterMs: retryAfterMs(res.retryAfter, clock.now()) } : null;
  return { ok: true, status: res.status, statusText: res.statusText, contentType: res.contentType, body: res.body, transient };
}

export function transportMessage(label: string, res: Exclude<HttpOutcome, { kind: 'response' }>, hints: CallHints): string {
  switch (res.kind) {
    case 'timeout':
      return `${label}: ${(hints.timeout ?? ((d) => `no answer within ${d}`))(formatDuration(res.afterMs))}`;
    case 'too-large':
      return `${label}: ${(hints.tooLarge ?? ((l) => `the answer is larger than ${l}`))(formatBytes(res.limit))}`;
    case 'unreachable':
      return res.tls ? `${label} is unreachable: ${res.message} (${hints.tls})` : `${label} is unreachable: ${res.message}`;
    case 'failed':
      return `${label}: ${hints.failed ?? 'request failed'}: ${res.message}`;
    default:
      return assertNever(res, 'http outcome');
  }
}

export function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MB` : `${n} bytes`;
}

/** An http(s) URL with a host, or null. */
export function parseHttpUrl(address: string): URL | null {
  try {
    const url = new URL(address);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname ? url : null;
  } catch {
    return null;
  }
}
