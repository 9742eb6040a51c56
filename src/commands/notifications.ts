/**
 * The destinations of a run's notifications: `--notify URL` flags, and the Rollout's Argo
 * subscriptions resolved against argo-rollouts-notification-configmap (from the files, else from
 * the Rollout's namespace) and argo-rollouts-notification-secret. Reads the cluster only when the
 * Rollout subscribes to something.
 */
import type { KubeObject } from '../kube/client.js';
import { ConfigMaps, Secrets } from '../kube/resources.js';
import type { NotificationConfigSpec, RolloutSpec } from '../manifests/types.js';
import { argoDestinations, CONFIGMAP, SECRET, subscriptionsOf } from '../notify/argo.js';
import { notifyFlag, type Destination } from '../notify/destination.js';
import { messageOf, UsageError } from '../util/errors.js';
import type { Cluster } from '../wiring/cluster.js';

/** `--notify URL...`, parsed at the edge: a bad one is a usage error before anything runs. */
export function parseNotifyFlags(values: readonly string[] | undefined): Destination[] {
  return (values ?? []).map((v) => {
    const d = notifyFlag(v);
    if (typeof d === 'string') throw new UsageError(d, { hint: 'e.g. --notify https://hooks.slack.com/services/T000/B000/XXXX or --notify https://ci.example.com/hooks/canary' });
    return d;
  });
}

export interface Notifications {
  destinations: Destination[];
  /** What cannot be honoured: each printed once as a warning when the run starts. */
  problems: string[];
}

export async function argoNotifications(cluster: Cluster, rollout: RolloutSpec, namespace: string, files: readonly NotificationConfigSpec[]): Promise<Notifications> {
  if (subscriptionsOf(rollout.annotations).length === 0 && rollout.annotations['notifications.argoproj.io/subscriptions'] === undefined) return { destinations: [], problems: [] };
  const problems: string[] = [];
  const inFiles = files.find((c) => c.namespace === null || c.namespace === namespace);
  let config: Record<string, string> | null = inFiles?.data ?? null;
  if (!config) {
    try {
      const cm = await cluster.client.tryGet<KubeObject & { data?: Record<string, string> }>(ConfigMaps, namespace, CONFIGMAP);
      config = cm ? cm.data ?? {} : null;
    } catch (err) {
      problems.push(`could not read ConfigMap ${namespace}/${CONFIGMAP}: ${messageOf(err)}`);
    }
  }
  let secret: Record<string, string> = {};
  if (config && Object.values(config).some((v) => /\$[\w-]/.test(v))) {
    try {
      const s = await cluster.client.tryGet<KubeObject & { data?: Record<string, string> }>(Secrets, namespace, SECRET);
      secret = Object.fromEntries(Object.entries(s?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    } catch (err) {
      problems.push(`could not read Secret ${namespace}/${SECRET}: ${messageOf(err)}`);
    }
  }
  const found = argoDestinations(rollout.annotations, config, secret, `namespace ${namespace}`);
  return { destinations: found.destinations, problems: [...problems, ...found.problems] };
}
