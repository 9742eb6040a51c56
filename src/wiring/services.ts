/** `run --apply-services`: the Services given in the files that the cluster lacks are created; existing ones are left alone. */
import { Services } from '../kube/resources.js';
import type { ServiceSpec } from '../manifests/types.js';
import type { Cluster } from './cluster.js';

/** Creates (or with `dryRun`, names) each missing Service; resolves with one line per Service acted on. */
export async function applyServices(cluster: Cluster, services: readonly ServiceSpec[], namespace: string, dryRun: boolean): Promise<string[]> {
  const lines: string[] = [];
  for (const s of services) {
    const ns = s.namespace ?? namespace;
    const existing = await cluster.client.tryGet(Services, ns, s.name);
    if (existing) continue;
    if (dryRun) {
      lines.push(`would create Service ${ns}/${s.name}`);
      continue;
    }
    const body = { ...structuredClone(s.manifest), metadata: { ...(s.manifest.metadata as object), namespace: ns } };
    await cluster.client.create(Services, ns, body);
    lines.push(`created Service ${ns}/${s.name} (--apply-services)`);
  }
  return lines;
}
