/** Which versions of an API group the cluster serves (discovery), to pick the one to speak. */
import type { KubeClient } from './client.js';

/** An API group document (`GET /apis/GROUP`), as much of it as discovery reads. */
export interface ApiGroupDoc {
  versions?: { version?: string }[];
  preferredVersion?: { version?: string };
}

/** Served versions of `group`, the server's preferred one first; [] when the group is not served. */
export async function servedVersions(client: KubeClient, group: string, signal?: AbortSignal): Promise<string[]> {
  return versionsOf(await client.getPath<ApiGroupDoc>(`/apis/${encodeURIComponent(group)}`, signal));
}

/** The versions a group document lists, its preferred one first; [] for none (null: not served). */
export function versionsOf(doc: ApiGroupDoc | null): string[] {
  if (!doc) return [];
  const versions = (doc.versions ?? []).map((v) => v.version).filter((v): v is string => typeof v === 'string');
  const preferred = doc.preferredVersion?.version;
  return preferred && versions.includes(preferred) ? [preferred, ...versions.filter((v) => v !== preferred)] : versions;
}

/** The first of `wanted` (canary's order of preference) that the cluster serves, or null. */
export function pickVersion(served: readonly string[], wanted: readonly string[]): string | null {
  return wanted.find((v) => served.includes(v)) ?? null;
}
