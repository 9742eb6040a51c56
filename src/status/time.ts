/** How the status prints instants and ages: RFC 3339 to the second, ages as kubectl's AGE column. */
import { formatDuration } from '../util/duration.js';

/** 2026-11-26T10:00:00Z: seconds are enough to read, and stable across platforms. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * kubectl's HumanDuration (k8s.io/apimachinery/pkg/util/duration): "45s", "6m12s", "17m", "3h5m",
 * "30h", "2d5h", "12d", "2y". A negative age (clock skew between the runner and this machine) is 0s.
 */
export function formatAge(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return withRest(minutes, 'm', seconds % 60, 's');
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return withRest(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return withRest(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return withRest(years, 'y', days % 365, 'd');
  return `${years}y`;
}

/** A time still to go, rounded up so that "0s left" means it is over. */
export function formatRemaining(ms: number): string {
  return formatDuration(Math.max(0, Math.ceil(ms / 1000) * 1000));
}

function withRest(n: number, unit: string, rest: number, restUnit: string): string {
  return rest === 0 ? `${n}${unit}` : `${n}${unit}${rest}${restUnit}`;
}
