/**
 * spec.workloadRef, as Argo's controller resolves it (rollout/templateref.go): the pod template is
 * the referenced Deployment's, read from the cluster now; the selector is the Rollout's when it
 * writes one, else the Deployment's. A Rollout that writes its template inline is returned as is.
 */
import type { Deployment } from '../kube/deployment-spec.js';
import { Deployments } from '../kube/resources.js';
import { isResolved, type JsonObject, type LabelSelector, type ResolvedRollout, type RolloutSpec } from '../manifests/types.js';
import { InternalError, UsageError } from '../util/errors.js';
import type { KubeClient } from '../kube/client.js';

export async function resolveWorkload(client: KubeClient, rollout: RolloutSpec, namespace: string): Promise<ResolvedRollout> {
  const ref = rollout.workloadRef;
  if (!ref) {
    if (!isResolved(rollout)) throw new InternalError(`Rollout ${rollout.name}: no template and no workloadRef`);
    return rollout;
  }
  const what = `Deployment ${namespace}/${ref.name} (the workloadRef of Rollout ${rollout.name})`;
  const d = await client.tryGet<Deployment>(Deployments, namespace, ref.name);
  if (!d) throw new UsageError(`${what} not found`, { hint: `create it first (kubectl apply -f <its manifest> -n ${namespace}), or check workloadRef.name` });
  const template = d.spec?.template as JsonObject | undefined;
  if (!template?.spec) throw new UsageError(`${what} has no pod template`);
  const selector: LabelSelector = rollout.selector ?? {
    matchLabels: { ...(d.spec?.selector?.matchLabels ?? {}) },
    matchExpressions: (d.spec?.selector?.matchExpressions ?? []) as LabelSelector['matchExpressions'],
  };
  const labels = ((template.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {}) as Record<string, string>;
  const missing = Object.entries(selector.matchLabels).find(([k, v]) => labels[k] !== v);
  if (missing) throw new UsageError(`${what}: its pods do not carry ${missing[0]}=${missing[1]}, which the Rollout's selector wants`, { hint: 'make spec.selector match the Deployment\'s template labels, or remove it to use the Deployment\'s' });
  return { ...rollout, selector, template: withoutServerFields(template) };
}

/** What the API server adds to a stored template (`creationTimestamp: null`) is no part of the revision. */
function withoutServerFields(template: JsonObject): JsonObject {
  const meta = { ...((template.metadata ?? {}) as JsonObject) };
  delete meta.creationTimestamp;
  return { ...template, metadata: meta };
}
