/**
 * `Retry-After` (RFC 9110): delta-seconds or an HTTP date, as milliseconds from `now`; null when
 * absent or unreadable. Shared by the Kubernetes client and the Prometheus preflight.
 */
export function retryAfterMs(header: string | readonly string[] | null | undefined, now: number): number | null {
  const first = typeof header === 'string' ? header : header?.[0];
  if (first === undefined) return null;
  const text = first.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
