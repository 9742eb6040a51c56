/**
 * Which versions of an API group a cluster served when last asked, kept on disk for one-shot views,
 * as kubectl keeps its own under ~/.kube/cache/discovery. `canary status` otherwise spends a round
 * trip asking which TrafficSplit (or HTTPRoute, VirtualService...) version to read before it can read
 * it (docs/benchmarks.md, issue 15).
 *
 * Only reads use it: a runner and the commands that write ask the server every time. A view that
 * read nothing through a cached version asks the server again (wiring/status-source.ts), so a stale
 * entry costs a round trip, never a wrong answer. Losing the files costs the same round trip.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DiscoveryCache {
  /** The served versions of `group` as last recorded (server's preferred first); null when unknown or too old. */
  get(group: string): string[] | null;
  /** Records what the server said; never throws (a read-only disk only loses the saving). */
  put(group: string, versions: readonly string[]): void;
  /** Forgets `group` (what was recorded proved wrong); never throws. */
  forget(group: string): void;
}

/** How long an entry is trusted: API versions change with upgrades, not between two commands. */
export const DISCOVERY_MAX_AGE_MS = 6 * 3600 * 1000;

/**
 * Entries under `home`/discovery/<server>, one JSON file per group. `server` is the kubeconfig's
 * URL; two clusters behind one URL (a sandbox restarted on the same port) share entries, which the
 * fallback above makes harmless.
 */
export function diskDiscoveryCache(home: string, server: string, now: () => number): DiscoveryCache {
  const dir = join(home, 'discovery', server.replace(/^[a-z]+:\/\//i, '').replace(/[^A-Za-z0-9.-]/g, '_'));
  const file = (group: string) => join(dir, `${group.replace(/[^A-Za-z0-9.-]/g, '_')}.json`);
  return {
    get(group) {
      try {
        const entry = JSON.parse(readFileSync(file(group), 'utf8')) as { group?: unknown; versions?: unknown; at?: unknown };
        const fresh = typeof entry.at === 'number' && entry.at <= now() && now() - entry.at < DISCOVERY_MAX_AGE_MS;
        const versions = Array.isArray(entry.versions) && entry.versions.every((v) => typeof v === 'string') ? (entry.versions as string[]) : null;
        return fresh && entry.group === group && versions?.length ? versions : null;
      } catch {
        return null;
      }
    },
    put(group, versions) {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const tmp = `${file(group)}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify({ group, versions, at: now() }), { mode: 0o600 });
        renameSync(tmp, file(group));
      } catch {
        // The next view asks the server again.
      }
    },
    forget(group) {
      try {
        rmSync(file(group), { force: true });
      } catch {
        // Found stale again next time, and forgotten again.
      }
    },
  };
}
