/** Which versions of an API group the cluster serves (discovery), to pick the one to speak. */
import type { KubeClient } from './client.js';

interface ApiGroupDoc {
  versions?: { version?: string }[];
  preferredVersion?: { version?: string };
}

/** Served versions of `group`, the server's preferred one first; [] when the group is not served. */
export async function servedVersions(client: KubeClient, group: string, signal?: AbortSignal): Promise<string[]> {
  const doc = await client.getPath<ApiGroupDoc>(`/apis/${encodeURIComponent(group)}`, signal);
  if (!doc) return [];
  const versions = (doc.versions ?? []).map((v) => v.version).filter((v): v is string => typeof v === 'string');
  const preferred = doc.preferredVersion?.version;
  return preferred && versions.includes(preferred) ? [preferred, ...versions.filter((v) => v !== preferred)] : versions;
}

/** The first of `wanted` (canary's order of preference) that the cluster serves, or null. */
export function pickVersion(served: readonly string[], wanted: readonly string[]): string | null {
  return wanted.find((v) => served.includes(v)) ?? null;
}
